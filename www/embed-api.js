// The embedding API (version 1): a small postMessage protocol between a page that embeds a
// figure in an iframe (a course page) and the figure. Documented in the README ("Embedding API");
// www/course-example.html uses it.
//
// The figure → its parent window, each message {source: 'brainprop', version: 1, type, …}:
//   ready    {chapter, figures, hash}             once the page is up
//   state    {hash}                               after every change of settings (a `set`, the form)
//   metrics  {figure, lane, columns, rows}        new metric rows of a lane, as they are measured
//                                                 (rows are arrays in the order of `columns`)
//   finished {figure, lanes: [{lane, epoch, reached}]} every lane of a figure stopped at its end
//                                                 or at its target test accuracy (stop_at)
//   diverged {figure, lane, message}              a lane's training diverged
//   error    {message}                            a command could not be done
// The parent → the figure, each {target: 'brainprop', version: 1, type, …}:
//   set      {hash} | {settings: {key: value}}    new settings (URL keys, as in the page's links)
//   play | pause | reset | step  {figure?}        the figure's buttons (default: the embedded one)
//   get                                           answers with `state`
// The figure listens to its parent window only. With `?origins=https://a.example,https://b.example`
// in the iframe's address (the query, not the hash), it also ignores messages from any other
// origin and posts only to those; without it, it posts to any parent (the metrics are not secret).

export const EMBED_API_VERSION = 1;

/**
 * Starts the API. `page` gives: state() → the page state; hash() → its link hash; setHash(hash);
 * set(key, value); chapter() → the shown FigureChapter (or null); figureIds() → the shown figures.
 */
export function startEmbedApi(page) {
  if (window.parent === window) return; // not embedded
  const allowed = new URLSearchParams(location.search).get('origins')?.split(',').map((o) => o.trim()).filter(Boolean) ?? [];
  const post = (type, detail = {}) => {
    const message = { source: 'brainprop', version: EMBED_API_VERSION, type, ...detail };
    for (const origin of allowed.length ? allowed : ['*']) {
      try {
        window.parent.postMessage(message, origin);
      } catch { /* an origin that is not one: ignored */ }
    }
  };

  /** The figure a command names, or the embedded one (the link's `fig`, else the first shown). */
  const figureOf = (id) => {
    const chapter = page.chapter();
    if (!chapter) return null;
    const wanted = id || page.state().fig || page.figureIds()[0];
    return chapter.figures.get(wanted)?.figure ?? null;
  };

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (event.source !== window.parent || !m || m.target !== 'brainprop') return;
    if (allowed.length && !allowed.includes(event.origin)) return;
    if (m.version !== EMBED_API_VERSION) {
      post('error', { message: `this figure speaks embedding API version ${EMBED_API_VERSION}, not ${m.version}` });
      return;
    }
    if (m.type === 'get') {
      post('state', { hash: page.hash() });
    } else if (m.type === 'set') {
      if (typeof m.hash === 'string') page.setHash(m.hash);
      else if (m.settings && typeof m.settings === 'object') for (const [key, value] of Object.entries(m.settings)) page.set(key, value);
      else post('error', { message: 'set needs a hash or settings' });
    } else if (['play', 'pause', 'reset', 'step'].includes(m.type)) {
      const figure = figureOf(m.figure);
      if (!figure) post('error', { message: `no figure ${m.figure ?? ''} on this page` });
      else figure[m.type]();
    } else {
      post('error', { message: `unknown command ${String(m.type)}` });
    }
  });

  // What the figures measure (www/figures/figure.js dispatches these on its root).
  document.addEventListener('brainprop:rows', (e) => post('metrics', e.detail));
  document.addEventListener('brainprop:finished', (e) => post('finished', e.detail));
  document.addEventListener('brainprop:diverged', (e) => post('diverged', e.detail));
  return { post };
}
