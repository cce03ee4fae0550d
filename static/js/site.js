/* Site-wide script. ES5, no dependencies, runs in IE 11.
 *
 * 1. Marks that JavaScript runs (class "js" on <html>), so CSS can show
 *    script-only controls.
 * 2. Loads the search scripts (body data-search-scripts: search-core.js,
 *    then search-ui.js: suggestions in the search boxes, case deflection
 *    on the case form) the first time a reader focuses a search box or the
 *    case form's subject, so pages nobody searches on do not pay for them.
 *    Both download at once and run in order (async = false). The search
 *    page loads them itself. If the reader typed before they arrived, an
 *    input event is replayed so the suggestions catch up. */
(function () {
  var el = document.documentElement, started = false;
  el.className = (el.className ? el.className + ' ' : '') + 'js';

  function fire(target, name) {
    var ev = document.createEvent('Event');
    ev.initEvent(name, name === 'input', false);
    target.dispatchEvent(ev);
  }

  function wantsSearch(t) {
    if (!t || !t.getAttribute) { return false; }
    if (t.getAttribute('data-deflect') !== null) { return true; }
    return t.name === 'q' && !!t.form && t.form.getAttribute('data-search-box') !== null;
  }

  function onFocus(e) {
    var t = e.target || e.srcElement, srcs = document.body && document.body.getAttribute('data-search-scripts'), s, i;
    if (started || !srcs || !wantsSearch(t)) { return; }
    started = true;
    srcs = srcs.split(' ');
    for (i = 0; i < srcs.length; i++) {
      s = document.createElement('script');
      s.src = srcs[i];
      s.async = false;
      if (i === srcs.length - 1) {
        s.onload = function () {
          if (document.activeElement === t) {
            fire(t, 'focus');
            if (t.value) { fire(t, 'input'); }
          }
        };
      }
      document.getElementsByTagName('head')[0].appendChild(s);
    }
  }

  if (document.addEventListener) {
    document.addEventListener('focus', onFocus, true);
  }
})();
