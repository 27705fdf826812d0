// A classic script (not a module) that runs before the page's modules: when they fail to load,
// it replaces the static page with a notice that says why and gives the full page's address.
//
// Module scripts are fetched with CORS. A frame sandboxed without allow-same-origin has an opaque
// origin ("null"), so every module of the site is a cross-origin fetch for it, and a host that
// sends no Access-Control-Allow-Origin header gets them all refused: the page would show its
// static landing text, with no figure and no message. Classic scripts load without CORS, so this
// one still runs, and it hears the module script's `error` event (fired in place of running it,
// in document order after this deferred script, so the listener is always in time). A page whose
// modules load never sees the notice, however slowly they come: nothing here uses a timer.
(function () {
  'use strict';

  /** The page's address without `embed=…` in its hash: the full page of the same figure. */
  function fullPageUrl() {
    var url = new URL(location.href);
    var params = url.hash.replace(/^#/, '').split('&').filter(function (p) {
      return p && p.indexOf('embed=') !== 0;
    });
    url.hash = params.join('&');
    return url.href;
  }

  var shown = false;

  /** Hides the static page and shows the notice (once). */
  function showNotice() {
    if (shown) return;
    shown = true;
    var notice = document.querySelector('[data-el="boot-failed"]');
    if (!notice) return;
    var sandboxed = self.origin === 'null';
    notice.querySelector('[data-el="boot-failed-why"]').textContent = sandboxed
      ? 'This frame is sandboxed without its own origin, so its browser fetches the page\'s scripts as '
        + 'requests from another site, and the site\'s host refused them: it sends no CORS header '
        + '(Access-Control-Allow-Origin), which a sandboxed frame needs. Nothing here can run. '
        + '(Whoever embedded it: have the host send Access-Control-Allow-Origin: *.)'
      : 'The page\'s scripts could not be loaded (the network, or the server that hosts the site), '
        + 'so its figures cannot run.';
    var link = notice.querySelector('[data-el="boot-failed-link"]');
    link.href = fullPageUrl();
    link.textContent = link.href;
    var embedded = /[#&]embed=1(&|$)/.test(location.hash);
    var stale = document.querySelectorAll(embedded ? '[data-page], .chrome' : '[data-page]');
    for (var i = 0; i < stale.length; i++) stale[i].hidden = true;
    notice.hidden = false;
  }

  var modules = document.querySelectorAll('script[type="module"]');
  for (var i = 0; i < modules.length; i++) modules[i].addEventListener('error', showNotice);
})();
