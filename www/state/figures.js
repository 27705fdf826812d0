// The figures of the site, as data: which rules each one races, on which data set, which of the
// engine's settings its form shows (in which groups), and the few settings that exist only on
// the page (the race's choice of rules, the speed of an animation). Everything else about a
// setting (its kind, limits, unit, label, help, default and presets) is the engine's own
// declaration, read from the generated schema (www/state/schema.js); state.js joins the two.
//
// A knob is a field name, or {field, …} with what this figure says differently: a `label` or
// `help` of its own (`help: true` shows the engine's), a `control` ('range', with `step`), fewer
// `values`, a narrower `min` / `max` (within the engine's limits, for a slider's useful range or a
// figure's length), a `default` of its own, or the `lanes` it reaches (when two rules' configs
// share a field name that means something else to each, or a setting every rule reads belongs
// to one lane's knob: Kolen–Pollack's weight decay; its default is then the first of those lanes'
// preset, and the form hides it while none of them runs). A figure's lanes start from their rule's engine preset for the figure's
// `data` set, or from the engine's named `preset` (the schema's figure_presets). `page` declares
// settings the engine does not have; `defaults` gives settings the figure fixes unless the link
// says otherwise; `derived(state)` computes engine settings from page settings.
//
// A figure whose lanes all run one rule and differ in a setting or two (the Spikes chapter's
// SuperSpike with symmetric, random, uniform or no feedback) declares `lanes: {rule, of}`: `of`
// maps each lane's name to the settings that make it that lane, and `rules(state)` returns lane
// names instead of rules. A lane's settings override the figure's (state.js experimentFor).

/**
 * `race.rules` values in display order (the feedback family, the perturbation rules, then the
 * shallow control), with how the page names them.
 */
const RACE_RULES = ['bp', 'fa', 'dfa', 'sign', 'kp', 'np', 'wp', 'shallow'];
const RULE_NAMES = {
  bp: ['BP', 'backprop'], fa: ['FA', 'feedback alignment'], dfa: ['DFA', 'direct feedback alignment'], sign: ['Sign', 'sign symmetry'],
  kp: ['KP', 'Kolen–Pollack: learned feedback'], np: ['NP', 'node perturbation'], wp: ['WP', 'weight perturbation'], shallow: ['Shallow', 'output layer only'],
};

const SCALE = { field: 'feedback_scale', label: 'scale of <i>B</i>' };
const DIST = { field: 'feedback_dist', label: 'drawn from' };
/**
 * The race's feedback knobs reach the rules with fixed random feedback only: sign symmetry and
 * Kolen–Pollack start from their own engine presets (feedback at the forward weights' spread).
 */
const RANDOM_B = ['fa', 'dfa'];
/** Kolen–Pollack's weight decay: only its lane gets it (the field is every feed-forward rule's). */
const DECAY = {
  field: 'weight_decay', lanes: ['kp'], label: 'weight decay λ (of <i>W</i> and <i>B</i>)',
  help: 'Both decay towards zero at this rate while taking the same increments, so their difference shrinks by a factor 1 − ηλ every step (η: the learning rate) and <i>B</i> turns into <i>W</i><sub>1</sub><sup>T</sup>. At 0 the difference they started with stays, though the shared increments still turn <i>B</i> towards <i>W</i><sub>1</sub><sup>T</sup>.',
};
/**
 * The SuperSpike lanes of the Spikes chapter: one rule, and the way the output error reaches the
 * hidden layer (the engine's `feedback`), or no hidden layer at all.
 */
export const SPIKE_LANES = Object.freeze({
  symmetric: { feedback: 'symmetric' }, random: { feedback: 'random' }, uniform: { feedback: 'uniform' },
  none: { feedback: 'none' }, output: { hidden: 0 },
});
const SPIKE_LANE_NAMES = {
  symmetric: 'symmetric <span class="help-inline">feedback through <i>W</i><sup>T</sup></span>', random: 'random <span class="help-inline">fixed random feedback</span>',
  uniform: 'uniform <span class="help-inline">every hidden neuron gets the same error</span>', none: 'frozen <span class="help-inline">no hidden-layer learning</span>',
  output: 'no hidden layer <span class="help-inline">inputs straight to the output</span>',
};
/** A set of SuperSpike lanes as a page setting (the race's choice of lanes). */
const spikeLanes = (values, dflt) => ({ kind: 'set', values, default: dflt, label: 'lanes', valueLabels: Object.fromEntries(values.map((v) => [v, SPIKE_LANE_NAMES[v]])) });
/** Which lane's rasters a race of SuperSpike lanes shows. */
const shownLane = (values) => ({ kind: 'enum', values, default: values[0], label: 'rasters of', valueLabels: Object.fromEntries(values.map((v) => [v, SPIKE_LANE_NAMES[v].replace(/ <span.*$/, '')])) });
/** Bins of 20 ms in a picture of `duration` ms (the engine's `bins`: at most 53). */
export function pictureBins(duration) {
  return Math.min(53, Math.max(1, Math.floor(duration / 20)));
}
/**
 * A painted target fitted to the network: one row per output neuron (missing rows empty, extra
 * rows dropped), each row's bits beyond the picture's bins cleared. Empty stays empty (the
 * engine's default picture).
 */
export function fitTarget(target, outputs, bins) {
  if (!target || target.length === 0) return [];
  const rows = Array.from({ length: outputs }, (_, r) => target[r] ?? 0);
  return rows.map((row) => (row < 2 ** bins ? row : row % 2 ** bins));
}
const SURROGATE_HELP = 'How sharply the surrogate σ′(<i>U</i>) = β / (1 + β|<i>U</i> − ϑ|)² peaks at the threshold ϑ. Large β: only potentials right at threshold learn; small β: every potential does a little.';
/**
 * The segregated-dendrite lanes of the Dendrites & Bursts chapter (the engine's `dendrites`
 * rule, Guerguiev, Lillicrap & Richards 2017): networks of no, one or two hidden layers, and the
 * four kinds of feedback `Y` the apical dendrites hear. Every other setting of a lane is the
 * engine's `dendrites` preset for MNIST (its learning rate included).
 */
export const DENDRITE_LANES = Object.freeze({
  none: { hidden: [] }, one: { hidden: [500] }, two: { hidden: [500, 100] },
  random: { feedback: 'random' }, sparse: { feedback: 'sparse' }, symmetric: { feedback: 'symmetric' }, noisy: { feedback: 'noisy' },
});
const DENDRITE_LANE_NAMES = {
  none: '784-10 <span class="help-inline">no hidden layer</span>', one: '784-500-10 <span class="help-inline">one hidden layer</span>',
  two: '784-500-100-10 <span class="help-inline">two hidden layers</span>',
  random: 'random <span class="help-inline">fixed random <i>Y</i></span>', sparse: 'sparse <span class="help-inline">80 % of <i>Y</i> zero, the rest ×5</span>',
  symmetric: 'symmetric <span class="help-inline"><i>Y</i> = <i>W</i><sup>T</sup>, weight transport</span>', noisy: 'symmetric + noise <span class="help-inline"><i>W</i><sup>T</sup> plus fixed noise</span>',
};
/** A set of segregated-dendrite lanes as a page setting (the race's choice of lanes). */
const dendriteLanes = (values) => ({ kind: 'set', values, default: values, label: 'lanes', valueLabels: Object.fromEntries(values.map((v) => [v, DENDRITE_LANE_NAMES[v]])) });
/** The rate-mode figures draw no neuron's trace: the engine's `neuron` stays 0 whatever the link says (it must be below the first hidden layer's width). */
const NO_TRACE = () => ({ neuron: 0 });
const FEEDBACK_Y_HELP = 'What the apical dendrites hear from the output layer: fixed random weights <i>Y</i>, sparse ones, the forward weights themselves (symmetric), or those plus fixed noise.';
/** A multiplexing input: a slider over the population's working range (pA). */
const current = (field, label, min, max) => ({ field, label, control: 'range', step: 10, min, max });

/**
 * The lanes of the Through time chapter (the engine's recurrent rules, src/rules/through_time/):
 * exact backprop through time, e-prop with symmetric or random feedback of the learning signal,
 * and the rate network trained by RFLO. Each lane names its rule; every other setting is the
 * engine's default for the pattern (its learning rate included).
 */
export const TIME_LANES = Object.freeze({
  bptt: { rule: 'bptt' }, symmetric: { rule: 'eprop', feedback: 'symmetric' }, random: { rule: 'eprop', feedback: 'random' }, rflo: { rule: 'rflo' },
});
const TIME_LANE_NAMES = {
  bptt: 'BPTT <span class="help-inline">exact backprop through time</span>',
  symmetric: 'e-prop sym. <span class="help-inline">learning signal through <i>W</i><sub>out</sub><sup>T</sup></span>',
  random: 'e-prop rand. <span class="help-inline">through fixed random <i>B</i></span>',
  rflo: 'RFLO <span class="help-inline">rate network, random feedback</span>',
};
/**
 * A page setting of the figures whose lanes report a test accuracy: stop each lane when it first
 * reaches this test accuracy (www/figures/race.js setTarget), e.g. for the exercise "train until the
 * test accuracy passes 90 % and report the epoch". 0 trains every epoch.
 */
const STOP_AT = {
  kind: 'number', min: 0, max: 100, default: 0, label: 'stop at test accuracy', unit: '%',
  help: 'Each network stops when its test accuracy first reaches this, and the figure gives the epoch. 0: train every epoch.',
};
/** A set of Through-time lanes as a page setting (the race's choice of lanes). */
const timeLanes = (values) => ({ kind: 'set', values, default: values, label: 'lanes', valueLabels: Object.fromEntries(values.map((v) => [v, TIME_LANE_NAMES[v]])) });
/** The settings every Through-time training figure shows: its length and seed, then the network. */
const TIME_TRAINING = ['Training', [{ field: 'iterations', max: 3000, help: 'One trial and one weight update each.' }, 'seed']];
const TIME_MORE = ['More settings', [{ field: 'lr', help: true }, { field: 'neurons', max: 200 }, { field: 'adaptive', help: true }, 'duration', 'input_rate'], true];

export const FIGURES = Object.freeze({
  backprop: {
    chapter: 'backprop', prefix: '', title: 'Backprop', rules: () => ['bp'], data: null,
    page: {
      speed: { kind: 'enum', values: ['10', '30', '100', 'max'], default: '30', label: 'speed', valueLabels: { 10: '10 epochs/s', 30: '30 epochs/s', 100: '100 epochs/s', max: 'as fast as possible' } },
      stop_at: STOP_AT,
    },
    groups: [
      ['Data', [{ field: 'data', values: ['circles', 'xor', 'spiral', 'blobs', 'mnist'] }, { field: 'noise', control: 'range', step: 0.01 }]],
      ['Network', [{ field: 'hidden', help: true }, 'activation', { field: 'loss', values: ['crossentropy', 'mse'] }]],
      ['Training', ['lr', 'batch', 'epochs', 'stop_at', 'speed', 'seed']],
      ['More settings', ['momentum', 'points', 'init', 'init_scale'], true],
    ],
  },
  race: {
    chapter: 'feedback', title: 'race', rules: (s) => s['race.rules'], data: 'mnist',
    page: {
      // Four lanes that each answer something: the baseline, fixed random feedback, learned
      // feedback, and the control with no hidden-layer learning. DFA is FA with one hidden layer
      // (a curve on top of FA's), and the perturbation rules are slow: the reader adds them.
      rules: { kind: 'set', values: RACE_RULES, default: ['bp', 'fa', 'kp', 'shallow'], label: 'rules', valueLabels: Object.fromEntries(RACE_RULES.map((r) => [r, `${RULE_NAMES[r][0]} <span class="help-inline">${RULE_NAMES[r][1]}</span>`])) },
      stop_at: STOP_AT,
    },
    groups: [
      ['Rules', ['rules']],
      ['Feedback (FA, DFA)', [{ ...SCALE, lanes: RANDOM_B, help: 'Relative to the spread of the initial forward weights. At 5, <i>B</i> is about as large as the output weights grow; at 1, FA still learns but its accuracy swings from epoch to epoch.' }, { ...DIST, lanes: RANDOM_B }]],
      ['Learned feedback (KP)', [DECAY]],
      ['Perturbation (NP, WP)', [{ field: 'perturbation', lanes: ['np', 'wp'], help: 'The spread of the noise each unit (NP) or weight (WP) is jittered by. Too small, and the change in the loss drowns in rounding error; too large, and the loss is no longer straight over the jitter, so the estimate is biased.' }]],
      ['Training', [{ field: 'epochs', max: 100 }, 'stop_at', 'seed']],
    ],
  },
  align: {
    // FA's fixed feedback and Kolen–Pollack's learned one, side by side: the same network, the
    // same initial B (the feedback knobs reach both), the same small learning rate. At that rate
    // KP's weight decay needs to be larger than the race's for W − B to shrink within the run
    // (by 1 − ηλ a step: to under a tenth in 20 epochs at λ = 0.005).
    chapter: 'feedback', title: 'alignment', rules: () => ['fa', 'kp'], data: 'mnist',
    groups: [
      ['Feedback', [SCALE, DIST, { ...DECAY, default: 0.005 }]],
      ['Training', [{ field: 'lr', default: 0.1 }, { field: 'epochs', max: 100 }, 'seed']],
    ],
  },
  linear: {
    chapter: 'feedback', title: 'linear toy', rules: () => ['bp', 'fa', 'shallow'], data: 'linear',
    groups: [
      ['Feedback (FA)', [SCALE, DIST]],
      ['Training', [{ field: 'epochs', max: 500 }, 'seed']],
    ],
  },
  deep: {
    // Nøkland's deep stack from zero: the engine's `deep_from_zero` settings (10 × 100 tanh units,
    // all-zero weights, lr 0.1), with as many layers as the reader asks for.
    chapter: 'feedback', title: 'deep network', rules: () => ['dfa', 'bp'], data: 'mnist', preset: 'deep_from_zero',
    page: { depth: { kind: 'int', min: 1, max: 12, default: 10, label: 'hidden layers (100 units each)', short: 'depth' } },
    derived: (s) => ({ hidden: Array(s['deep.depth']).fill(100) }),
    groups: [
      ['Network', ['depth', { field: 'init', values: ['zero', 'xavier'] }]],
      ['Training', [{ field: 'epochs', max: 50 }, 'seed']],
    ],
  },
  estimates: {
    // How good is each rule's update as an estimate of the gradient? The engine's `estimates`
    // model: after a warm-up of FA, each rule's hidden-layer update on many minibatches against
    // the gradient over the whole training set, averaged over k = 1, 2, 4, … minibatches, at
    // several hidden widths. It asks for the digits itself.
    chapter: 'feedback', title: 'estimates', rules: () => ['estimates'], data: null,
    groups: [
      ['Measurement', [{ field: 'widths', help: true }, { field: 'estimates', help: true }, { field: 'perturbation', help: 'The spread of the noise node perturbation adds to each unit and weight perturbation to each weight.' }]],
      ['More settings', ['batch', { field: 'warmup', help: true }, 'seed'], true],
    ],
  },
  settling: {
    // One test digit relaxing step by step in the reference EqProp network after a short
    // pretraining: the free phase, then the nudged one, paced so that both can be watched.
    chapter: 'nudging', title: 'settling', rules: () => ['settling'], data: null,
    page: {
      speed: { kind: 'enum', values: ['5', '20', '60', 'max'], default: '20', label: 'speed', valueLabels: { 5: '5 steps/s', 20: '20 steps/s', 60: '60 steps/s', max: 'as fast as possible' } },
    },
    groups: [
      ['Digit and nudge', [{ field: 'digit', help: 'Which of the 2,000 test digits the network sees (0–1999).' }, { field: 'beta', help: 'How hard the target pulls on the output units in the second phase.' }]],
      ['Animation', [{ field: 'speed', help: 'Relaxation steps per second. With reduced motion the run is drawn once it has settled.' }]],
      ['More settings', ['free_steps', 'nudged_steps', 'step_size', { field: 'pretrain_epochs', help: true }, 'seed'], true],
    ],
  },
  learning: {
    // EqProp beside BP on the digits, each from its own engine preset (EqProp: 784-500-10, batch
    // 20, 20 free + 4 nudged steps, β 0.5, 25 epochs; BP: the race's network). EqProp comes first,
    // so a field both rules have (epochs) takes EqProp's default.
    chapter: 'nudging', title: 'learning', rules: () => ['eqprop', 'bp'], data: 'mnist',
    groups: [
      ['Nudging (EqProp)', [
        { field: 'beta', help: 'How hard the target pulls on the output units in the second phase. Small β: the update is close to the gradient, but the signal is small.' },
        { field: 'symmetric', label: 'symmetric nudging (+β and −β)', help: 'Compare a nudge towards the target with one away from it, instead of with the free state (Laborieux et al., 2021): less bias at large β, one more phase per example.' },
        { field: 'persistent', label: 'persistent particles', help: 'Start each example\'s free phase where it settled last time, so fewer steps reach equilibrium.' },
      ]],
      ['Training', [{ field: 'epochs', max: 100 }, 'seed']],
      ['More settings', ['free_steps', 'nudged_steps', { field: 'step_size', help: true }, 'random_beta_sign', { field: 'layer_lr', lanes: ['eqprop'], label: 'EqProp learning rate per layer', help: 'Input side first. BP keeps its own rate (1).' }], true],
    ],
  },
  gradient: {
    // EqProp's update against the true gradient of the cost at the free fixed point, β by β, on
    // a small network (2-12-10-2 on the circles) where the gradient can be computed exactly.
    chapter: 'nudging', title: 'gradient', rules: () => ['gradient_check'], data: null,
    groups: [
      ['Network', [{ field: 'hidden', help: true }, 'examples', 'seed']],
      ['More settings', [{ field: 'betas', help: true }, { field: 'steps', help: true }, 'step_size'], true],
    ],
  },
  stdp: {
    // The spike-timing window that dW_ij/dt ∝ ρ(u_j)·du_i/dt predicts (Bengio et al. 2015).
    chapter: 'nudging', title: 'STDP', rules: () => ['stdp'], data: null,
    groups: [
      ['Postsynaptic unit', [{ field: 'post_rate_change', control: 'range', step: 5, help: 'How much its rate rises towards its spike and falls back after it. Negative: the rate falls, and the window turns over.' }]],
      ['Spikes', ['pre_rate_hz', 'trials', 'seed']],
      ['More settings', ['window_ms', 'delta_step_ms', 'pre_trace_ms', 'post_tau_ms', 'dt_ms'], true],
    ],
  },
  neuron: {
    // One LIF neuron driven straight by 100 frozen Poisson inputs learns to fire five spikes at
    // fixed times (the engine's `superspike_spikes`: 0.2 mV steps, 600 trials).
    chapter: 'spikes', title: 'one neuron', rules: () => ['superspike'], data: null, preset: 'superspike_spikes',
    groups: [
      ['Learning', [{ field: 'lr', help: true }, { field: 'beta', help: SURROGATE_HELP }, { field: 'epochs', max: 3000 }]],
      ['More settings', ['input_rate', 'inputs', { field: 'dt', help: true }, 'seed'], true],
    ],
  },
  picture: {
    // 100 inputs, 32 hidden and 20 output neurons learn a picture of spikes (the engine's
    // `superspike_picture`); the lanes differ only in their feedback.
    chapter: 'spikes', title: 'picture', rules: (s) => s['picture.lanes'], lanes: { rule: 'superspike', of: SPIKE_LANES }, data: null, preset: 'superspike_picture',
    page: {
      lanes: spikeLanes(['symmetric', 'random', 'uniform', 'none'], ['symmetric', 'random', 'uniform', 'none']),
      show: shownLane(['symmetric', 'random', 'uniform', 'none']),
    },
    // A painted target always has one row per output neuron and no bit beyond the last bin.
    derived: (s) => ({ target: fitTarget(s['picture.target'], s['picture.outputs'] ?? 20, pictureBins(s['picture.duration'] ?? 500)) }),
    groups: [
      ['Lanes', ['lanes']],
      ['Rasters', ['show']],
      ['Training', [{ field: 'epochs', max: 3000 }, 'seed']],
      ['More settings', [{ field: 'lr', help: true }, { field: 'beta', help: SURROGATE_HELP }, 'hidden', 'target'], true],
    ],
  },
  xor: {
    // The temporal XOR (the engine's `superspike_xor`: 100-32-1, 0.1 mV steps, 1000 epochs of
    // its four trials): the network with a hidden layer against the output neuron alone.
    chapter: 'spikes', title: 'XOR', rules: (s) => s['xor.lanes'], lanes: { rule: 'superspike', of: SPIKE_LANES }, data: null, preset: 'superspike_xor',
    page: {
      lanes: spikeLanes(['symmetric', 'random', 'uniform', 'none', 'output'], ['symmetric', 'random', 'none', 'output']),
      show: shownLane(['symmetric', 'random', 'uniform', 'none', 'output']),
    },
    groups: [
      ['Lanes', ['lanes']],
      ['Rasters', ['show']],
      ['Training', [{ field: 'epochs', label: 'epochs (four trials each)', max: 3000 }, 'seed']],
      ['More settings', [{ field: 'lr', help: true }, { field: 'beta', help: SURROGATE_HELP }, 'hidden'], true],
    ],
  },
  surrogate: {
    // The surrogate derivative at the reader's steepness, and the eligibility traces it makes,
    // on the one-neuron task.
    chapter: 'spikes', title: 'surrogate', rules: () => ['superspike'], data: null, preset: 'superspike_spikes',
    groups: [
      ['Surrogate', [{ field: 'beta', control: 'range', step: 0.05, max: 5, help: SURROGATE_HELP }]],
      ['Training', [{ field: 'epochs', max: 3000 }, 'seed']],
    ],
  },
  dendrites_trace: {
    // One digit through time: the engine's `dendrites_trace` preset (spiking mode, one epoch),
    // trained one digit at a time; the figure draws the last digit's potentials.
    chapter: 'dendrites', title: 'dendrite trace', rules: () => ['dendrites'], data: 'mnist', preset: 'dendrites_trace',
    page: {
      speed: { kind: 'enum', values: ['1', '4', 'max'], default: '1', label: 'new digit drawn', valueLabels: { 1: 'once a second', 4: 'four times a second', max: 'as often as the engine sends one (up to 30 a second)' } },
    },
    groups: [
      ['Neuron', [{ field: 'neuron', max: 499, help: 'Which of the 500 hidden neurons the traces follow.' }, { field: 'feedback', help: FEEDBACK_Y_HELP }]],
      ['Drawing', [{ field: 'speed', help: 'Training runs as fast as the engine can; this is how often the drawing picks up the digit it trained last. With reduced motion, at most once a second.' }]],
      ['Training', ['seed']],
      ['More settings', [{ field: 'epochs', max: 20 }, { field: 'lr', help: true }], true],
    ],
  },
  dendrites_depth: {
    // No, one and two hidden layers of segregated-dendrite neurons, from the engine's preset.
    chapter: 'dendrites', title: 'depth race', rules: (s) => s['dendrites_depth.lanes'], lanes: { rule: 'dendrites', of: DENDRITE_LANES }, data: 'mnist',
    page: { lanes: dendriteLanes(['none', 'one', 'two']) },
    derived: NO_TRACE,
    groups: [
      ['Networks', ['lanes']],
      ['Training', [{ field: 'epochs', max: 100 }, 'seed']],
      ['More settings', [{ field: 'feedback', help: FEEDBACK_Y_HELP }, { field: 'lr', help: true }], true],
    ],
  },
  dendrites_angles: {
    // One 784-500-10 network (the engine's preset): its hidden update against backprop's, and
    // its output weights against the feedback Y.
    chapter: 'dendrites', title: 'dendrite angles', rules: () => ['dendrites'], data: 'mnist', derived: NO_TRACE,
    groups: [
      ['Feedback', [{ field: 'feedback', help: FEEDBACK_Y_HELP }]],
      ['Training', [{ field: 'epochs', max: 100 }, 'seed']],
      ['More settings', [{ field: 'lr', help: true }], true],
    ],
  },
  dendrites_feedback: {
    // The 784-500-10 network with each of the four kinds of feedback.
    chapter: 'dendrites', title: 'feedback ablation', rules: (s) => s['dendrites_feedback.lanes'], lanes: { rule: 'dendrites', of: DENDRITE_LANES }, data: 'mnist',
    page: { lanes: dendriteLanes(['random', 'sparse', 'symmetric', 'noisy']) },
    derived: NO_TRACE,
    groups: [
      ['Feedback', ['lanes']],
      ['Training', [{ field: 'epochs', max: 100 }, 'seed']],
      ['More settings', [{ field: 'lr', help: true }], true],
    ],
  },
  multiplex: {
    chapter: 'dendrites', title: 'multiplexing', rules: () => ['multiplex'], data: null,
    // The simulation runs the engine's longest duration, then starts again.
    defaults: { duration_s: 600 },
    page: {
      speed: { kind: 'enum', values: ['0.25', '1', 'max'], default: '1', label: 'speed', valueLabels: { 0.25: '¼ of real time', 1: 'real time', max: 'as fast as possible' } },
    },
    groups: [
      ['Soma (bottom-up)', [current('somatic_mean', 'mean current', 0, 800), current('somatic_amplitude', 'signal amplitude', 0, 400)]],
      ['Dendrite (top-down)', [current('dendritic_mean', 'mean current', -300, 500), current('dendritic_amplitude', 'signal amplitude', 0, 400)]],
      // The browser keeps up with real time up to about 2,000 neurons.
      ['Simulation', ['speed', { field: 'neurons', min: 10, max: 2000 }, 'seed']],
    ],
  },
  plasticity: {
    chapter: 'dendrites', title: 'plasticity', rules: () => ['plasticity'], data: null,
    groups: [['Protocol', ['seed']]],
  },
  burstprop: {
    chapter: 'dendrites', title: 'BurstProp', rules: () => ['bp', 'burstprop'], data: 'mnist',
    groups: [
      ['Feedback (BurstProp)', [{ field: 'learn_feedback', label: 'learn the feedback weights <i>Y</i>', help: 'Learned feedback follows the forward weights; fixed feedback relies on the forward weights aligning with it, as in feedback alignment.' }]],
      ['Training', [{ field: 'epochs', max: 100 }, 'seed']],
    ],
  },
  time_fit: {
    // One recurrent network learning the pattern (a sum of sines from frozen Poisson input), by the
    // method the reader picks; the figure draws its readout against the target, trial by trial.
    chapter: 'time', title: 'pattern', rules: (s) => [s['time_fit.method']], lanes: { of: TIME_LANES }, data: null,
    page: {
      method: { kind: 'enum', values: Object.keys(TIME_LANES), default: 'symmetric', label: 'learning rule', valueLabels: { bptt: 'BPTT (exact, stores the trial)', symmetric: 'e-prop, symmetric feedback', random: 'e-prop, random feedback', rflo: 'RFLO (rate network)' } },
    },
    groups: [['Method', ['method']], TIME_TRAINING, TIME_MORE],
  },
  time_race: {
    // BPTT, e-prop (both feedbacks) and RFLO on the same pattern, seed and iterations.
    chapter: 'time', title: 'race', rules: (s) => s['time_race.lanes'], lanes: { of: TIME_LANES }, data: null,
    page: { lanes: timeLanes(['bptt', 'symmetric', 'random', 'rflo']) },
    groups: [['Lanes', ['lanes']], TIME_TRAINING, TIME_MORE],
  },
  time_cosine: {
    // Each approximate method's update against BPTT's gradient on the same trial and weights.
    chapter: 'time', title: 'cosine', rules: (s) => s['time_cosine.lanes'], lanes: { of: TIME_LANES }, data: null,
    page: { lanes: timeLanes(['symmetric', 'random', 'rflo']) },
    groups: [['Lanes', ['lanes']], TIME_TRAINING, TIME_MORE],
  },
  time_memory: {
    // The bytes each method holds to learn from one trial, at trial lengths of 0.2–3 s.
    chapter: 'time', title: 'memory', rules: () => ['memory'], data: null,
    groups: [
      ['Network', [{ field: 'neurons', help: 'BPTT\'s history grows with the neurons; e-prop\'s and RFLO\'s traces with the synapses.' }, 'inputs']],
      ['More settings', [{ field: 'adaptive', help: true }, 'seed'], true],
    ],
  },
});

/**
 * Keys of links made before a setting took the engine's name: the old key, the new one and how
 * an old value reads now. Old links keep opening the same figures.
 */
export const RENAMED = Object.freeze([
  { from: 'burstprop.feedback', to: 'burstprop.learn_feedback', value: (v) => ({ learned: '1', fixed: '0' }[v] ?? v) },
]);
