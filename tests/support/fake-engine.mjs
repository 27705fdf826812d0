// A stand-in for the page's EngineClient (www/engine/client.js) in unit tests: it records what
// it is sent and replies when the test says; `fakeRace` makes a Race whose lanes use it.
import { Race } from '../../www/figures/race.js';

export class FakeEngine extends EventTarget {
  constructor() {
    super();
    this.sent = [];
  }

  send(message) {
    this.sent.push(message);
  }

  terminate() {
    this.terminated = true;
  }

  reply(message) {
    this.dispatchEvent(new CustomEvent(message.type, { detail: message }));
  }

  types() {
    return this.sent.map((m) => m.type);
  }

  /** The experiment of the last `configure` this engine was sent. */
  lastExperiment() {
    return this.sent.filter((m) => m.type === 'configure').at(-1).experiment;
  }
}

/** A Race (www/figures/race.js) of fake engines: {race, engines}, one engine per lane started. */
export function fakeRace(options = {}) {
  const engines = [];
  const race = new Race({ ...options, makeClient: () => { const e = new FakeEngine(); engines.push(e); return e; } });
  return { race, engines };
}
