// A tiny static file server for dist/, bound to 127.0.0.1 on a free port. Used by the end-to-end
// tests and the browser benchmark.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.json': 'application/json', '.bin': 'application/octet-stream',
};

/**
 * Serves `root`; resolves to { origin, close() }. `headers` are sent with every response, e.g.
 * { 'content-security-policy': "default-src 'self'" } (workers get theirs from their own script's).
 * `prefix` mounts the site under a sub-path (e.g. '/course/nn/brainprop'). Like every common static
 * host (nginx, Apache, GitHub Pages, python -m http.server), a folder asked for without its
 * trailing slash is redirected to it, so that the page's relative URLs resolve inside it.
 */
export async function serve(root, { headers = {}, prefix = '' } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      let path = decodeURIComponent(url.pathname);
      if (prefix) {
        if (path !== prefix && !path.startsWith(`${prefix}/`)) throw new Error('outside the prefix');
        path = path.slice(prefix.length) || '/';
      }
      let file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) throw new Error('outside root');
      if ((await stat(file)).isDirectory()) {
        if (!url.pathname.endsWith('/')) {
          res.writeHead(301, { ...headers, location: `${url.pathname}/${url.search}` });
          res.end();
          return;
        }
        file = join(file, 'index.html');
      }
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  // close() also drops kept-alive connections, so that a page (or its service worker) finds the
  // server really gone at once.
  return { origin, close: () => new Promise((ok) => { server.close(() => ok()); server.closeAllConnections(); }) };
}

/** Chromium flags for this machine's closed network (see TOOLCHAIN.md). */
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
};
