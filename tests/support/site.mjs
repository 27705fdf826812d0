// The built site (dist/) served locally and opened in headless Chromium, shared by the
// end-to-end test files: one browser context per file, every page's console errors and every
// request that leaves the origin collected, so each file can assert there were none.
import { before, after, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve, CHROMIUM } from './static-server.mjs';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The built site: dist/, or another build's folder (BRAINPROP_DIST=/tmp/dist node --test …). */
export const DIST = process.env.BRAINPROP_DIST ? resolve(process.env.BRAINPROP_DIST) : join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'artifacts');

export class Site {
  browser = null;
  context = null;
  origin = null;
  consoleErrors = [];
  foreignRequests = [];
  #closeServer = null;

  /**
   * Serves dist/ and opens a 1280×1000 context; call from `before`. `headers` go with every
   * response (static-server.mjs `serve`).
   */
  async start({ headers } = {}) {
    await stat(join(DIST, 'index.html')).catch(() => {
      throw new Error('dist/ is missing: run `trunk build --release` first');
    });
    await mkdir(ARTIFACTS, { recursive: true });
    ({ close: this.#closeServer, origin: this.origin } = await serve(DIST, { headers }));
    this.browser = await chromium.launch(CHROMIUM);
    this.context = await this.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    this.context.on('request', (r) => {
      if (!r.url().startsWith(`${this.origin}/`)) this.foreignRequests.push(r.url());
    });
    return this;
  }

  /** Closes the browser and the server; call from `after`. */
  async stop() {
    await this.browser?.close();
    await this.#closeServer?.();
  }

  /** Collects `page`'s console errors and uncaught exceptions. */
  watch(page) {
    page.on('console', (m) => {
      if (m.type() === 'error') this.consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => this.consoleErrors.push(`pageerror: ${e.message}`));
    return page;
  }

  /** A new watched page at `hash` (optionally with reduced motion). */
  async open(hash, { reducedMotion } = {}) {
    const page = this.watch(await this.context.newPage());
    if (reducedMotion) await page.emulateMedia({ reducedMotion });
    await page.goto(`${this.origin}/${hash}`);
    return page;
  }
}

/**
 * A `describe` block's site: started before its tests, stopped after them, with `measured`
 * (figures a suite records for the log) printed at the end. Call inside `describe`. `options`
 * go to `Site.start` (e.g. headers).
 */
export function siteSuite(measured = {}, options = {}) {
  const site = new Site();
  before(() => site.start(options));
  after(async () => {
    if (Object.keys(measured).length) console.log(`measured: ${JSON.stringify(measured, null, 1)}`);
    await site.stop();
  });
  return site;
}

/** The last test of a suite: its pages logged no console error and sent no request off the origin. */
export function itStayedClean(site) {
  it('logged no console error and sent no request off the origin', () => {
    assert.deepEqual(site.consoleErrors, []);
    assert.deepEqual(site.foreignRequests, []);
  });
}
