// "Copy link" and "Copy embed code". A page inside an iframe cannot change its parent's URL, so
// teachers copy the figure's state from here. The copied text is also shown, selected, in case
// the clipboard is not available (an insecure origin, a sandboxed frame).

/** The URL of the current figure, with or without the embed layout. */
export function figureUrl(href, embed) {
  const url = new URL(href);
  const params = url.hash.replace(/^#/, '').split('&').filter((p) => p && !p.startsWith('embed='));
  if (embed) params.push('embed=1');
  url.hash = params.join('&');
  return url.href;
}

export function embedCode(href, title) {
  const src = figureUrl(href, true).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const t = title.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${src}" title="${t}" width="100%" height="760" style="border:0;max-width:1180px" loading="lazy"></iframe>`;
}

/**
 * Wires the two buttons of a `.share` block. `title()` names the figure for the iframe; `href()`
 * gives the page URL to share (by default the current one). `prefix` starts the `data-el` names
 * of the block's buttons, field and message (`classroom-copy-link`, …: a second block of them
 * inside the first, www/figures/classroom.js).
 */
export function bindShare(block, title, href = () => location.href, prefix = '') {
  const $ = (name) => block.querySelector(`[data-el="${prefix}${name}"]`);
  const field = $('share-text');
  const message = $('share-message');
  const copy = async (text, what) => {
    field.hidden = false;
    field.value = text;
    field.select();
    try {
      await navigator.clipboard.writeText(text);
      message.textContent = `${what} copied.`;
    } catch {
      message.textContent = `Copy the ${what.toLowerCase()} from the field above (Ctrl+C or ⌘C).`;
    }
  };
  $('copy-link').addEventListener('click', () => copy(figureUrl(href(), false), 'Link'));
  $('copy-embed').addEventListener('click', () => copy(embedCode(href(), title()), 'Embed code'));
}
