// Listen: the output spikes of the last trial as clicks (Web Audio), replayed in real time, the
// target's spikes as lower, softer ticks under them, so the reader hears the train fall into
// time with its target. Off by default; no AudioContext exists until the reader turns it on.
// Each pass asks `source()` for the trains to play ({output: [{time, row}], target: [...],
// duration, rows}), so it always plays the latest snapshot.

/** Silence between two passes (ms). */
const GAP_MS = 350;

export class Listen {
  /** @param {() => ({output: {time: number, row: number}[], target: {time: number, row: number}[], duration: number, rows: number} | null)} source */
  constructor(source) {
    this.source = source;
    this.context = null;
    this.on = false;
    this.timer = null;
    this.passes = 0; // passes played since turned on (tests read it)
    this.clicks = 0; // output clicks scheduled since turned on
  }

  /** Turns the sound on (creating the AudioContext on first use: a user gesture) or off. */
  set(on) {
    this.on = on;
    clearTimeout(this.timer);
    this.timer = null;
    if (!on) {
      this.context?.suspend();
      return;
    }
    const Context = globalThis.AudioContext || globalThis.webkitAudioContext;
    if (!Context) return;
    this.context ??= new Context();
    this.context.resume();
    this.#pass();
  }

  #click(at, frequency, gain) {
    const ctx = this.context;
    const osc = ctx.createOscillator();
    const env = ctx.createGain();
    osc.frequency.value = frequency;
    env.gain.setValueAtTime(0, at);
    env.gain.linearRampToValueAtTime(gain, at + 0.001);
    env.gain.exponentialRampToValueAtTime(0.0001, at + 0.025);
    osc.connect(env).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.03);
  }

  #pass() {
    if (!this.on || !this.context) return;
    const trains = this.source();
    let duration = 500;
    if (trains) {
      duration = trains.duration;
      const start = this.context.currentTime + 0.05;
      const rows = Math.max(1, trains.rows);
      // Many outputs (the picture): each row its own pitch, quieter, so the chord stays soft.
      const loud = rows > 1 ? 0.12 : 0.35;
      for (const { time } of trains.target) this.#click(start + time / 1000, 220, rows > 1 ? 0.02 : 0.12);
      for (const { time, row } of trains.output) {
        this.#click(start + time / 1000, 880 * 2 ** (((rows - 1 - row) / Math.max(1, rows - 1)) * (rows > 1 ? 1.5 : 0)), loud);
        this.clicks++;
      }
      this.passes++;
    }
    this.timer = setTimeout(() => this.#pass(), duration + GAP_MS);
  }

  /** Stops for good (the figure leaves). */
  stop() {
    this.set(false);
  }
}
