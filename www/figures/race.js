// A race: the same experiment trained with several learning rules side by side, one engine
// worker per rule ("lane"), same seed, so the same initial weights and the same data order.
// Every figure of the site is a race (www/figures/figure.js), the Backprop chapter's of one lane.
//
// Pacing: `pace` is in epochs per second. At Infinity every lane gets `train` and runs in its
// own 10 ms slices as fast as it can (MNIST). At a finite pace the race asks every lane for one
// epoch (`step`) at most `pace` times a second and waits until all lanes have answered, so the
// curves advance together (the linear toy, whose epochs take a millisecond).
//
// A race of one lane also runs the simulations of the Dendrites & Bursts chapter: `repeat`
// starts a lane again when its run ends (a simulation that goes on as long as the reader
// watches), `keepRows` bounds its metric table to the most recent rows, and `adjust` changes
// live settings (input currents) of a running model without rebuilding it.
//
// The race owns no DOM: it dispatches 'rows' ({rule, columns, rows}) with each lane's new metric
// rows (not the ones a restarted worker replays), 'diverged' ({rule, message}), 'change' after
// anything a view may show changed,
// 'snapshot' ({rule}) when a lane's engine sent arrays to draw (`lane.snapshot`), and
// 'loading' ({received, total}) while the digits download ({done: true} once they are here).
import { EngineClient, sameExperiment } from '../engine/client.js';
import { MetricTable } from '../engine/metrics.js';
import { loadDigits, sendDigits } from '../engine/mnist.js';

/** Bytes in words: 12 kB, 692 MB, 1.9 GB (as the engine's messages write them). */
export function showBytes(bytes) {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

/** Capitalised, and ending in exactly one full stop. */
export function sentence(text) {
  const s = String(text || '').trim().replace(/[.\s]+$/, '');
  return s ? `${s.charAt(0).toUpperCase()}${s.slice(1)}.` : '';
}

/**
 * The key of a lane: its experiment's rule, or its `lane` name where a figure races one rule with
 * different settings (www/state/state.js experimentFor); the engine never sees `lane`.
 */
function keyOf(experiment) {
  return experiment.lane ?? experiment.rule;
}

/** An experiment as the engine takes it. */
function engineExperiment(experiment) {
  const { lane, ...rest } = experiment;
  return rest;
}

/**
 * True when the engine's echo `built` is a build of `experiment` (every setting it asked for). The
 * `rule` tag is left out of the comparison: a lane's engine only ever builds its own rule, and an
 * experiment with a setting of its own named `rule` (the plasticity protocol's constants) echoes
 * that setting in the tag's place.
 */
function isBuildOf(built, experiment) {
  if (!experiment) return false;
  const { rule, ...settings } = engineExperiment(experiment);
  return sameExperiment(built, settings);
}

class Lane {
  /** @param {string} rule the lane's key: its rule, or its lane name (see keyOf) */
  constructor(rule) {
    this.rule = rule;
    this.client = null;
    this.wanted = null; // the experiment the page wants this lane to run
    this.inFlight = null; // the experiment of the `configure` the engine has not answered yet
    this.table = new MetricTable();
    this.adjusting = false; // an `adjust` was sent to the current model
    this.adjustRefused = false; // this engine has no live settings for the model: rebuild instead
    this.onPage = false; // the engine runs on the page: the browser would not start a worker
    this.recovery = null; // after a crash: {samples} the new worker catches up to
    // The last crash, while the reader should hear of it: {reason, message, memory, outcome,
    // epoch, and from the engine's estimate shape, size, lower}; see crashText.
    this.crash = null;
    // The question in flight (Race.predict, exportWeights, importWeights): {kind, resolve}, where
    // kind is 'predict', 'export' or 'import' and resolve settles its promise with the answer.
    this.question = null;
    // The weights file the model was loaded from (Race.importWeights), until it is rebuilt from
    // its settings: a worker that crashes is brought back from these, not from a fresh build.
    this.weights = null;
    this.clear();
  }

  /**
   * The last crash in words: what happened, what to lower, and what was done about it, e.g.
   * "The engine ran out of memory at 1.1 GB (784-2048-10 at batch 1024, about 600 MB for the
   * model): lower hidden or batch. It was restarted with the same settings and brought back to
   * epoch 3.2: press Train to go on." '' when there is nothing to say.
   */
  get crashText() {
    const c = this.crash;
    if (!c) return '';
    const advice = c.lower ? ` (${c.shape}, about ${c.size} for the model): ${c.lower}.` : '.';
    const what = c.reason === 'unresponsive' ? 'The engine stopped answering.'
      : c.reason === 'memory' ? `The engine ran out of memory${c.memory ? ` at ${showBytes(c.memory)}` : ''}${advice}`
        : sentence(c.message);
    const done = {
      recovering: 'It is being restarted with the same settings and brought back to where it was…',
      recovered: `It was restarted with the same settings and brought back to epoch ${Math.floor(c.epoch * 10) / 10}: press Train to go on.`,
      'no-model': 'It was restarted without a model: change a setting, or press Reset to try again.',
      'gave-up': 'It stopped again while catching up, so it was left stopped: press Reset to start again.',
    }[c.outcome];
    return `${what} ${done}`;
  }

  clear() {
    this.ready = false; // a model is built
    this.configuring = false;
    this.loadingData = false;
    this.running = false; // the worker says it is training or stepping
    this.stepping = false; // a `step` is in flight
    this.finished = false;
    this.reached = null; // {epoch, accuracy}: the first row at the race's target test accuracy
    this.diverged = false;
    this.broken = false; // the worker died; only a new one helps
    this.error = ''; // what the engine last complained about, for the reader
    this.replaying = false; // a new worker is catching up with the one that crashed
    this.epoch = 0;
    this.samples = 0;
    this.rate = 0; // samples per second, measured by the worker
    this.snapshot = null; // the last arrays the engine sent to draw
    this.built = null; // the experiment as the engine built it, its defaults filled in
  }

  get canTrain() {
    return this.client !== null && this.ready && !this.configuring && !this.loadingData && !this.replaying && !this.finished && !this.diverged && !this.broken;
  }

  /** Stopped for a reason Train cannot undo (Reset can). */
  get done() {
    return this.finished || this.diverged || this.broken || (!this.ready && this.error !== '' && !this.configuring && !this.loadingData);
  }
}

export class Race extends EventTarget {
  /**
   * @param {{pace?: number, catchUp?: number, repeat?: boolean, keepRows?: number, makeClient?: () => EngineClient}} options
   *   pace: epochs per second (Infinity: as fast as possible); catchUp: how many paced steps a
   *   late race may make up at once; repeat: a lane that finishes while the race plays starts
   *   again from the same settings; keepRows: keep only this many of the most recent metric
   *   rows per lane; makeClient: starts one engine (tests pass a fake)
   */
  constructor({ pace = Infinity, catchUp = 1, repeat = false, keepRows = Infinity, makeClient = () => new EngineClient() } = {}) {
    super();
    this.pace = pace;
    this.catchUp = catchUp;
    this.repeat = repeat;
    this.keepRows = keepRows;
    this.makeClient = makeClient;
    this.lanes = new Map(); // rule → Lane, in display order
    this.playing = false;
    this.pumpTimer = null;
    this.lastStepAt = -Infinity;
    this.target = 0; // stop a lane at this test accuracy (a fraction; 0: train every epoch)
  }

  /**
   * Stops each lane when its test accuracy first reaches `fraction` (0: never): the lane pauses,
   * counts as finished and remembers the epoch (`lane.reached`). A lane stopped at a lower target
   * may train on when the target is raised or cleared.
   */
  setTarget(fraction) {
    const target = Number.isFinite(fraction) && fraction > 0 ? fraction : 0;
    if (target === this.target) return;
    this.target = target;
    for (const lane of this.list) {
      if (lane.reached && (target === 0 || lane.reached.accuracy < target)) {
        lane.reached = null;
        lane.finished = false;
      }
    }
    this.#changed();
  }

  /** Lanes in display order. */
  get list() {
    return [...this.lanes.values()];
  }

  /**
   * Sets the experiments to race, one per rule ({rule, …} as the worker's `configure` takes
   * it). Lanes of rules no longer raced stop; lanes whose experiment changed are rebuilt, and
   * a race that was training goes on training with the new settings.
   */
  configure(experiments) {
    const rules = experiments.map(keyOf);
    for (const [rule, lane] of this.lanes) {
      if (!rules.includes(rule)) {
        lane.client?.terminate();
        this.lanes.delete(rule);
      }
    }
    const lanes = new Map();
    for (const experiment of experiments) {
      const lane = this.lanes.get(keyOf(experiment)) || new Lane(keyOf(experiment));
      lanes.set(keyOf(experiment), lane);
      if (!lane.client) this.#start(lane);
      if (!sameExperiment(lane.wanted, experiment)) this.#configureLane(lane, experiment);
    }
    this.lanes = lanes;
    this.#cancelPump();
    if (this.playing) this.#go();
    this.#changed();
  }

  get canTrain() {
    return this.list.some((l) => l.canTrain);
  }

  get canReset() {
    return this.list.some((l) => l.broken || (l.client !== null && !l.configuring && !l.loadingData && (l.ready || l.error)));
  }

  /**
   * What the race is doing, for the figure's status and its `data-engine` attribute:
   * idle (no lanes yet), loading-data, starting, configuring, training, stepping, paused,
   * finished, or error (no lane has a model).
   */
  get phase() {
    const lanes = this.list;
    if (lanes.length === 0) return 'idle';
    if (lanes.some((l) => l.recovery)) return 'recovering';
    if (lanes.some((l) => l.loadingData)) return 'loading-data';
    if (lanes.some((l) => l.configuring && !l.ready)) return 'starting';
    if (lanes.some((l) => l.configuring)) return 'configuring';
    if (lanes.every((l) => !l.ready)) return 'error';
    if (this.playing) return 'training';
    if (lanes.some((l) => l.stepping || l.running)) return 'stepping';
    if (lanes.every((l) => l.done) && lanes.some((l) => l.finished)) return 'finished';
    return 'paused';
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Changes the pace (epochs per second, Infinity: flat out); a playing race goes on at it. */
  setPace(pace) {
    if (pace === this.pace) return;
    const wasFree = this.pace === Infinity;
    this.pace = pace;
    if (!this.playing) return;
    this.#cancelPump();
    // From flat out to paced: stop the engines' own training first (messages arrive in order).
    if (wasFree) for (const lane of this.list) if (lane.client && lane.ready) lane.client.send({ type: 'pause' });
    this.#go();
  }

  play() {
    if (this.playing || !this.canTrain) return;
    for (const lane of this.list) if (lane.crash?.outcome === 'recovered') lane.crash = null; // the offer was taken
    this.playing = true;
    this.#go();
    this.#changed();
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.#cancelPump();
    for (const lane of this.list) if (lane.client && lane.ready) lane.client.send({ type: 'pause' });
    this.#changed();
  }

  /** Every lane trains exactly one more epoch. */
  step() {
    if (!this.canTrain) return;
    if (this.playing) this.pause();
    for (const lane of this.list) {
      if (!lane.canTrain || lane.stepping) continue;
      lane.stepping = true;
      lane.client.send({ type: 'step' });
    }
    this.#changed();
  }

  /** Rebuilds every model from the same settings and seed; restarts crashed workers. */
  reset() {
    this.playing = false;
    this.#cancelPump();
    for (const lane of this.list) {
      if (lane.broken) {
        lane.client.terminate();
        lane.client = null;
        this.#start(lane);
      }
      if (lane.wanted) this.#configureLane(lane, lane.wanted);
    }
    this.#changed();
  }

  /**
   * Changes live settings of one lane's model while it runs (the engine's `adjust`), e.g. the
   * input currents of a simulation; the lane's experiment takes the new values, so Reset keeps
   * them. A model that is not built yet, or an engine that refused an earlier `adjust` (a config
   * or protocol error: it has no live settings for this model), is rebuilt with the new values
   * instead, and goes on training if the race was.
   * @returns {'live'|'rebuild'|''} how the change is applied ('' when there is no such lane)
   */
  adjust(rule, settings) {
    const lane = this.lanes.get(rule);
    if (!lane || !lane.wanted) return '';
    const experiment = { ...lane.wanted, ...settings };
    if (!lane.ready || lane.configuring || lane.loadingData || lane.adjustRefused || lane.broken || lane.diverged) {
      if (lane.broken) return '';
      this.#configureLane(lane, experiment);
      this.#changed();
      return 'rebuild';
    }
    lane.wanted = experiment;
    lane.adjusting = true;
    lane.client.send({ type: 'adjust', settings });
    lane.client.send({ type: 'snapshot' }); // shows the new settings' effect without waiting for a slice
    return 'live';
  }

  /** Asks one lane's engine for a snapshot now (a model just built has drawn nothing yet). */
  requestSnapshot(rule) {
    const lane = this.lanes.get(rule);
    if (lane && lane.ready && !lane.configuring) lane.client.send({ type: 'snapshot' });
  }

  /**
   * Asks one lane's model for its class probabilities for `inputs` (rows as wide as the model's
   * input: 784 values in [0, 1], row by row, for MNIST), without training it (the engine's
   * `predict`, answered between training slices). At most one question per lane is in flight:
   * returns null when the lane has no model to ask or is still answering, else a promise of
   * {probabilities} (one row of class probabilities, summing to 1, per input) or of {error} (the
   * engine's reason, e.g. a model that gives no class probabilities) or of null (the worker was
   * replaced before answering).
   */
  predict(rule, inputs) {
    return this.#ask(rule, 'predict', { type: 'predict', inputs });
  }

  /**
   * Asks one lane's model for its weights (the engine's `export_weights`, answered between
   * training slices). Like `predict`: null when the lane cannot be asked now, else a promise of
   * {weights} (the engine's `brainprop-weights` object), {error} or null (the worker was replaced).
   */
  exportWeights(rule) {
    return this.#ask(rule, 'export', { type: 'export_weights' });
  }

  /**
   * Rebuilds one lane's model from its settings with the weights of `weights` (a
   * `brainprop-weights` object; the engine's `import_weights`). The lane's curves start over
   * from one row that evaluates them, and a worker that crashes later is brought back with them.
   * Like `predict`: null when the lane cannot be asked now, else a promise of {columns, rows}
   * (the rebuilt model's first metrics), {error} (the file does not fit, and which setting to
   * change) or null (the worker was replaced, or new settings were asked for, before it answered).
   */
  importWeights(rule, weights) {
    return this.#ask(rule, 'import', { type: 'import_weights', weights }, { weights });
  }

  /**
   * Sends a question to the lane of `rule` when it has a model that is free to answer; the lane
   * keeps it as {kind, resolve, ...extra} until its answer comes (#answer).
   */
  #ask(rule, kind, message, extra = {}) {
    const lane = this.lanes.get(rule);
    if (!lane || !lane.ready || lane.configuring || lane.loadingData || lane.replaying || lane.broken || lane.question) return null;
    return new Promise((resolve) => {
      lane.question = { kind, resolve, ...extra };
      lane.client.send(message);
    });
  }

  /** Settles the lane's question in flight, if any (of `kind`, when given), with `answer`. */
  #answer(lane, answer, kind = null) {
    const question = lane.question;
    if (!question || (kind && question.kind !== kind)) return;
    lane.question = null;
    question.resolve(answer);
  }

  /** Stops every worker for good. */
  terminate() {
    this.playing = false;
    this.#cancelPump();
    for (const lane of this.list) lane.client?.terminate();
    this.lanes.clear();
  }

  // ---- the engines -------------------------------------------------------------------------

  #start(lane) {
    const client = this.makeClient();
    const on = (type, handler) => client.addEventListener(type, (event) => {
      if (client === lane.client && this.lanes.get(lane.rule) === lane) handler(event.detail);
    });
    on('configured', (m) => this.#onConfigured(lane, m));
    on('needs_data', () => this.#onNeedsData(lane));
    on('progress', (m) => this.#onProgress(lane, m));
    on('snapshot', (m) => this.#onSnapshot(lane, m));
    on('error', (m) => this.#onError(lane, m));
    on('estimate', (m) => this.#onEstimate(lane, m));
    on('prediction', (m) => this.#answer(lane, { probabilities: m.probabilities }, 'predict'));
    on('weights', (m) => this.#answer(lane, { weights: m.weights }, 'export'));
    on('weights_refused', (m) => this.#onWeightsRefused(lane, m));
    on('mode', (m) => {
      lane.onPage = m.mode === 'page';
      this.#changed();
    });
    this.#answer(lane, null); // the old worker's answer will not come
    lane.client = client;
    lane.clear();
    lane.wanted = null;
    lane.inFlight = null;
    lane.adjustRefused = false;
  }

  /**
   * Asks the lane's engine to build `experiment`. At most one `configure` is in flight per lane:
   * while the engine builds, newer settings only replace `lane.wanted`, and the answer to the
   * one in flight sends the latest (#sendWanted). A burst of N quick changes (an arrow key held
   * on a slider) so costs at most one rebuild after the last change, and a stale answer never
   * adds a send of its own.
   */
  #configureLane(lane, experiment) {
    lane.weights = null; // a build from settings: whatever was loaded is gone
    if (lane.question?.kind === 'import') this.#answer(lane, null); // overtaken by the new build
    lane.wanted = experiment;
    lane.configuring = true;
    lane.adjusting = false;
    lane.stepping = false;
    lane.running = false;
    lane.error = '';
    if (lane.inFlight === null) this.#sendWanted(lane);
  }

  #sendWanted(lane) {
    lane.inFlight = lane.wanted;
    lane.client.send({ type: 'configure', experiment: engineExperiment(lane.wanted) });
  }

  /**
   * The engine answered the `configure` in flight (built it, or refused it). True when that was
   * not the latest wanted experiment: the latest is then sent, and the answer is to be ignored.
   */
  #answered(lane, built) {
    lane.inFlight = null;
    if (!lane.wanted || isBuildOf(built, lane.wanted)) return false;
    this.#sendWanted(lane);
    return true;
  }

  #onConfigured(lane, message) {
    const { experiment } = message;
    if (lane.inFlight !== null && !isBuildOf(experiment, lane.inFlight) && !isBuildOf(experiment, lane.wanted)) return; // a stray
    if (this.#answered(lane, experiment)) return; // settings changed while it was built
    const recovery = lane.recovery;
    if (recovery?.weights && !recovery.importing) {
      // Brought back after a crash: the model had been loaded from a file, so load it again
      // before replaying (its samples count from the load).
      recovery.importing = true;
      lane.configuring = true;
      lane.client.send({ type: 'import_weights', weights: recovery.weights });
      this.#changed();
      return;
    }
    // With no configure in flight, a `configured` answers the `import_weights` asked (messages
    // are answered in order); when recovering, the one it sent itself.
    const answering = lane.inFlight === null && lane.question?.kind === 'import';
    const imported = answering ? lane.question.weights : recovery?.importing ? recovery.weights : null;
    lane.clear();
    lane.ready = true;
    lane.built = message.experiment;
    lane.table = new MetricTable(message.columns, message.rows);
    lane.table.keepLast(this.keepRows);
    if (imported) lane.weights = imported;
    if (!lane.recovery) this.#rows(lane, message.rows);
    if (answering) this.#answer(lane, { columns: message.columns, rows: message.rows }, 'import');
    if (lane.recovery && lane.recovery.samples > 0) {
      lane.replaying = true;
      lane.client.send({ type: 'replay', samples: lane.recovery.samples });
    } else if (lane.recovery) {
      lane.recovery = null;
      Object.assign(lane.crash, { outcome: 'recovered', epoch: 0 });
    } else {
      lane.crash = null; // a build the reader asked for: the old crash is history
    }
    if (this.playing) this.#go();
    this.#changed(true);
  }

  async #onNeedsData(lane) {
    lane.loadingData = true;
    this.#changed();
    const client = lane.client;
    try {
      const bytes = await loadDigits((received, total) => {
        this.dispatchEvent(new CustomEvent('loading', { detail: { received, total } }));
      });
      if (client !== lane.client) return;
      this.dispatchEvent(new CustomEvent('loading', { detail: { done: true } }));
      sendDigits(client, bytes);
    } catch (error) {
      if (client !== lane.client) return;
      lane.loadingData = false;
      lane.configuring = false;
      lane.error = `The digits could not be loaded (${error.message}). Reload the page to try again.`;
      this.#changed();
    }
  }

  #onProgress(lane, p) {
    if (lane.configuring || lane.loadingData) return; // from the model being replaced
    lane.table.append(p.rows);
    if (!lane.replaying) this.#rows(lane, p.rows);
    if (this.target > 0 && !lane.reached && !lane.replaying) this.#checkTarget(lane, p.rows);
    lane.table.keepLast(this.keepRows);
    lane.epoch = p.epoch;
    lane.samples = p.samples;
    if (p.samples_per_s > 0) lane.rate = p.samples_per_s;
    lane.running = p.running;
    if (!p.running) lane.stepping = false;
    if (lane.replaying && !p.running) {
      lane.replaying = false;
      lane.recovery = null;
      Object.assign(lane.crash, { outcome: 'recovered', epoch: p.epoch });
    }
    if (p.finished && this.repeat && this.playing) {
      this.#configureLane(lane, lane.wanted); // once more from the start; trains when built
      this.#changed(p.rows.length > 0);
      return;
    }
    if (p.finished) lane.finished = true;
    if (this.playing && this.list.every((l) => l.done)) {
      this.playing = false;
      this.#cancelPump();
    } else if (this.playing && this.pace !== Infinity) {
      this.#pump();
    }
    this.#changed(p.rows.length > 0);
  }

  #rows(lane, rows) {
    if (rows.length) this.dispatchEvent(new CustomEvent('rows', { detail: { rule: lane.rule, columns: lane.table.columns, rows } }));
  }

  /** Stops `lane` at the first of its new rows whose test accuracy reaches the race's target. */
  #checkTarget(lane, rows) {
    const acc = lane.table.index('test_acc');
    const epoch = lane.table.index('epoch');
    if (acc < 0) return;
    const hit = rows.find((row) => row[acc] >= this.target);
    if (!hit) return;
    lane.reached = { epoch: epoch < 0 ? NaN : hit[epoch], accuracy: hit[acc] };
    lane.finished = true;
    lane.stepping = false;
    lane.client.send({ type: 'pause' });
  }

  #onSnapshot(lane, m) {
    if (lane.configuring || lane.loadingData) return; // from the model being replaced
    lane.snapshot = m.snapshot;
    this.dispatchEvent(new CustomEvent('snapshot', { detail: { rule: lane.rule } }));
  }

  #onWeightsRefused(lane, m) {
    if (lane.recovery?.importing) {
      // The weights the crashed model was loaded from no longer load: it cannot be brought back.
      lane.recovery = null;
      lane.weights = null;
      lane.configuring = false;
      lane.crash.outcome = 'no-model';
      lane.error = lane.crashText;
      this.#changed();
      return;
    }
    this.#answer(lane, { error: sentence(m.message) }, 'import');
  }

  #onError(lane, e) {
    if (lane.question && !e.fatal && e.kind !== 'diverged' && lane.inFlight === null && !lane.adjusting) {
      // The engine refused the question (messages are answered in order): not the lane's error.
      this.#answer(lane, { error: sentence(e.message) });
      return;
    }
    if (lane.adjusting && !e.fatal && (e.kind === 'config' || e.kind === 'protocol')) {
      // The engine has no live settings for this model: rebuild it with the new values.
      lane.adjustRefused = true;
      this.#configureLane(lane, lane.wanted);
      this.#changed();
      return;
    }
    if (!e.fatal && e.kind !== 'diverged' && lane.inFlight !== null) {
      // The engine refused the `configure` in flight: if newer settings are waiting, they go now
      // and may well be fine, so this refusal is not worth showing.
      const refused = lane.inFlight;
      if (this.#answered(lane, engineExperiment(refused))) return;
    }
    if (e.kind === 'crash') {
      this.#recover(lane, e);
      return;
    }
    const message = sentence(e.message);
    if (e.fatal) {
      lane.broken = true;
      lane.error = `${message} Press Reset to start it again.`;
    } else if (e.kind === 'diverged') {
      lane.diverged = true;
      lane.error = message;
      this.dispatchEvent(new CustomEvent('diverged', { detail: { rule: lane.rule, message } }));
    } else {
      // config, data or protocol: the engine kept its previous model, if it had one.
      lane.configuring = false;
      lane.loadingData = false;
      lane.error = message;
    }
    lane.stepping = false;
    lane.running = false;
    if (this.playing && this.list.every((l) => l.done)) {
      this.playing = false;
      this.#cancelPump();
    }
    this.#changed();
  }

  // ---- crashes ------------------------------------------------------------------------------

  /**
   * A lane's worker died (a panic, out of memory, or it stopped answering). The race pauses, a new
   * worker starts, and then:
   * - if the lane had a model, the new worker builds the same experiment and replays it to the
   *   sample count the old one reached (training is deterministic, so it is the same model), and
   *   the lane offers to go on;
   * - if it died building new settings (most likely too big for this device), the lane says so
   *   and which setting to lower; the reader's next change, or Reset, builds again;
   * - if it died again while catching up, it gives up until Reset.
   * Messages name the setting to lower from the engine's estimate of the experiment's memory.
   */
  #recover(lane, e) {
    const again = lane.recovery !== null;
    const building = lane.inFlight !== null || !lane.ready;
    const samples = lane.samples;
    if (this.playing) this.pause();
    lane.client?.terminate();
    lane.client = null;
    const wanted = lane.wanted;
    this.#start(lane);
    lane.wanted = wanted;
    const outcome = again ? 'gave-up' : building || !wanted ? 'no-model' : 'recovering';
    lane.crash = { reason: e.reason || 'panic', message: e.message, memory: e.memory_bytes || 0, outcome, epoch: 0 };
    lane.recovery = null;
    if (outcome === 'recovering') {
      const weights = lane.weights; // #configureLane forgets them
      this.#configureLane(lane, wanted);
      lane.recovery = { samples, weights };
    } else {
      lane.error = lane.crashText; // the lane stopped: Reset (or a new setting) builds again
    }
    if (wanted) lane.client.send({ type: 'estimate', experiment: engineExperiment(wanted) });
    this.#changed();
  }

  /** The new worker's estimate of the crashed experiment: the crash message can name the knob. */
  #onEstimate(lane, m) {
    if (!lane.crash) return;
    Object.assign(lane.crash, { shape: m.shape, size: showBytes(m.memory_bytes), lower: m.lower });
    if (lane.error) lane.error = lane.crashText;
    this.#changed();
  }

  // ---- pacing ------------------------------------------------------------------------------

  /**
   * Sets every trainable lane going, as the pace says. `train` goes to every lane, even one that
   * seems to be running: its last progress may predate a `pause` still on its way, and a second
   * `train` costs nothing (messages to a worker arrive in order).
   */
  #go() {
    if (this.pace === Infinity) {
      for (const lane of this.list) {
        if (lane.canTrain) {
          lane.running = true;
          lane.client.send({ type: 'train' });
        }
      }
    } else {
      this.#pump();
    }
  }

  #pump() {
    if (!this.playing || this.pumpTimer !== null) return;
    const lanes = this.list.filter((l) => l.canTrain);
    if (lanes.length === 0 || this.list.some((l) => l.stepping || l.configuring || l.loadingData)) return;
    const wait = this.lastStepAt + 1000 / this.pace - performance.now();
    if (wait > 1) {
      this.pumpTimer = setTimeout(() => {
        this.pumpTimer = null;
        this.#pump();
      }, wait);
      return;
    }
    // Keep to the schedule rather than to the last answer, so that late answers are made up for
    // (by at most `catchUp` steps): a paced simulation then keeps its pace.
    const interval = 1000 / this.pace;
    this.lastStepAt = Math.max(this.lastStepAt + interval, performance.now() - this.catchUp * interval);
    for (const lane of lanes) {
      lane.stepping = true;
      lane.client.send({ type: 'step' });
    }
  }

  #cancelPump() {
    if (this.pumpTimer !== null) clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
  }

  #changed(rows = false) {
    this.dispatchEvent(new CustomEvent('change', { detail: { rows } }));
  }
}
