// The example course page's script (www/course-example.html): an exercise built on the
// embedding API (www/embed-api.js, version 1). It sets the figure's learning rate, starts it,
// follows the test accuracy of every epoch, pauses the figure at the first epoch that reaches the
// target, and reports that epoch.
const frame = document.querySelector('[data-el="figure"]');
const report = document.querySelector('[data-el="report"]');
const form = document.querySelector('[data-el="exercise"]');
const origin = new URL(frame.src, location.href).origin;

const send = (type, detail = {}) => frame.contentWindow.postMessage({ target: 'brainprop', version: 1, type, ...detail }, origin);

let target = null; // the accuracy to reach while the exercise runs, as a fraction
let epochsSeen = 0;

window.addEventListener('message', (event) => {
  const m = event.data;
  if (event.source !== frame.contentWindow || event.origin !== origin || m?.source !== 'brainprop') return;
  if (m.type === 'ready') report.textContent = 'The figure is ready: choose a learning rate and press the button.';
  if (m.type === 'metrics' && target !== null) {
    const epoch = m.columns.indexOf('epoch');
    const accuracy = m.columns.indexOf('test_acc');
    for (const row of m.rows) {
      epochsSeen += 1;
      if (row[accuracy] >= target) {
        send('pause');
        report.textContent = `Reached ${(100 * row[accuracy]).toFixed(1)} % test accuracy at epoch ${row[epoch]} (learning rate ${form.lr.value}).`;
        report.dataset.epoch = String(row[epoch]);
        target = null;
        return;
      }
    }
    report.textContent = `Training… epoch ${m.rows.at(-1)[epoch]}, test accuracy ${(100 * m.rows.at(-1)[accuracy]).toFixed(1)} %.`;
  }
  if (m.type === 'finished' && target !== null) {
    report.textContent = `The run ended before reaching ${(100 * target).toFixed(0)} %: try another learning rate.`;
    target = null;
  }
  if (m.type === 'diverged') {
    report.textContent = `Training diverged (${m.message}): try a smaller learning rate.`;
    target = null;
  }
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  target = Number(form.target.value) / 100;
  epochsSeen = 0;
  send('set', { settings: { lr: Number(form.lr.value) } }); // a new setting rebuilds the network
  send('reset');
  send('play');
  report.textContent = 'Training…';
});
