/* helpcenter serve: live reload and build errors in the page.
 * Served only by the preview server at /_helpcenter/live.js; never part of
 * a build. ES5, no dependencies. It listens to /_helpcenter/events
 * (Server-Sent Events): "reload" names the pages a rebuild changed,
 * "css" maps old stylesheet URLs to new ones, "errors" lists the build
 * errors to show over the page (an empty list removes the overlay).
 */
(function () {
  'use strict';
  if (!window.EventSource || !window.JSON) {
    return; // the preview's live reload needs a current browser; the site itself does not
  }
  var overlay = null;
  var serverID = null;

  function here() {
    return location.pathname.replace(/index\.html$/, '');
  }

  function notFoundPage() {
    return /(^|\s)kind-404(\s|$)/.test(document.body.className);
  }

  function onReload(data) {
    if (data.all || notFoundPage()) {
      location.reload();
      return;
    }
    var p = here();
    for (var i = 0; i < data.pages.length; i++) {
      if (data.pages[i] === p) {
        location.reload();
        return;
      }
    }
  }

  function onCSS(data) {
    var links = document.getElementsByTagName('link');
    for (var i = 0; i < links.length; i++) {
      var l = links[i];
      if (!/(^|\s)stylesheet(\s|$)/.test(l.rel)) {
        continue;
      }
      var a = document.createElement('a');
      a.href = l.href;
      var next = data.styles[a.pathname];
      if (next) {
        l.href = next;
      }
    }
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text) {
      e.appendChild(document.createTextNode(text));
    }
    return e;
  }

  function styles() {
    if (document.getElementById('hc-live-css')) {
      return;
    }
    var l = document.createElement('link');
    l.id = 'hc-live-css';
    l.rel = 'stylesheet';
    l.href = '/_helpcenter/live.css';
    document.getElementsByTagName('head')[0].appendChild(l);
  }

  function showErrors(list) {
    if (overlay) {
      overlay.parentNode.removeChild(overlay);
      overlay = null;
    }
    if (!list || !list.length) {
      return;
    }
    styles();
    overlay = el('div', 'hc-live-overlay');
    overlay.setAttribute('role', 'alert');
    overlay.id = 'hc-live-overlay';
    var box = el('div', 'hc-live-box');
    box.appendChild(el('h2', 'hc-live-title', list.length === 1 ? 'The site has an error' : 'The site has ' + list.length + ' errors'));
    box.appendChild(el('p', 'hc-live-note', 'You are looking at the last good build. Fix the file and save: this goes away by itself.'));
    for (var i = 0; i < list.length; i++) {
      var e = list[i];
      var item = el('div', 'hc-live-error');
      item.appendChild(el('p', 'hc-live-where', e.where));
      item.appendChild(el('p', 'hc-live-message', e.message));
      if (e.hint) {
        item.appendChild(el('p', 'hc-live-hint', e.hint));
      }
      if (e.source && e.source.length) {
        var pre = el('pre', 'hc-live-source');
        for (var j = 0; j < e.source.length; j++) {
          var s = e.source[j];
          var line = el('span', s.current ? 'hc-live-line hc-live-current' : 'hc-live-line', pad(s.n) + '  ' + s.text + '\n');
          pre.appendChild(line);
        }
        item.appendChild(pre);
      }
      box.appendChild(item);
    }
    overlay.appendChild(box);
    document.body.appendChild(overlay);
  }

  function pad(n) {
    var s = String(n);
    while (s.length < 4) {
      s = ' ' + s;
    }
    return s;
  }

  function on(es, name, fn) {
    es.addEventListener(name, function (ev) {
      var data;
      try {
        data = JSON.parse(ev.data);
      } catch (err) {
        return;
      }
      fn(data);
    }, false);
  }

  var es = new EventSource('/_helpcenter/events');
  on(es, 'hello', function (data) {
    if (serverID !== null && serverID !== data.id) {
      location.reload(); // the server restarted: the page may be out of date
      return;
    }
    serverID = data.id;
    showErrors(data.errors);
  });
  on(es, 'reload', onReload);
  on(es, 'css', onCSS);
  on(es, 'errors', function (data) {
    showErrors(data.errors);
  });
}());
