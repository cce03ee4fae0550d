/*
 * search-ui.js: the help center's search widgets, on the core of
 * search-core.js (window.HelpcenterSearch, loaded first):
 *   Combobox     the header and home search boxes (ARIA combobox with
 *                suggestions);
 *   ResultsPage  the results page (/<locale>/search/?q=) with snippets and
 *                a category filter;
 *   Deflection   suggestions on the case form (input[data-deflect] +
 *                #case-suggestions).
 * ES5, no dependencies, runs in Internet Explorer 11. DOM nodes are built
 * from text segments, never innerHTML.
 */
(function (core) {
  'use strict';
  if (!core || typeof document === 'undefined') { return; }
  var Index = core.Index, tokenize = core.tokenize, segments = core.segments, snippet = core.snippet;

  var indexes = {};

  function xhrLoad(base) {
    return function (path, cb) {
      var x = new XMLHttpRequest();
      x.open('GET', base + path, true);
      x.onreadystatechange = function () {
        if (x.readyState !== 4) { return; }
        if (x.status === 200) { cb(null, x.responseText); } else { cb(new Error('HTTP ' + x.status + ' for ' + path)); }
      };
      x.send();
    };
  }

  function indexFor(base) {
    return indexes[base] || (indexes[base] = new Index(xhrLoad(base)));
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.appendChild(document.createTextNode(text)); }
    return e;
  }

  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }

  function appendSegments(parent, segs) {
    for (var i = 0; i < segs.length; i++) {
      if (segs[i][1]) {
        parent.appendChild(el('mark', null, segs[i][0]));
      } else {
        parent.appendChild(document.createTextNode(segs[i][0]));
      }
    }
  }

  function fmt(s, a, b) {
    return String(s || '').replace('%d', a).replace('%s', b === undefined ? a : b);
  }

  function on(e, ev, fn) {
    if (e.addEventListener) { e.addEventListener(ev, fn, false); } else { e.attachEvent('on' + ev, fn); }
  }

  function debounce(fn, ms) {
    var t = null;
    return function () {
      var args = arguments;
      if (t) { clearTimeout(t); }
      t = setTimeout(function () { t = null; fn.apply(null, args); }, ms);
    };
  }

  function queryParam(name) {
    var parts = window.location.search.substring(1).split('&'), i, kv;
    for (i = 0; i < parts.length; i++) {
      kv = parts[i].split('=');
      if (decodeURIComponent(kv[0]) === name) {
        return decodeURIComponent((kv[1] || '').replace(/\+/g, ' '));
      }
    }
    return '';
  }

  var boxes = 0;

  // baseOf returns the index folder a widget reads: its own
  // data-search-index, else the body's.
  function baseOf(e) {
    return (e && e.getAttribute('data-search-index')) || document.body.getAttribute('data-search-index');
  }

  // Combobox: a search box with suggestions (WAI-ARIA combobox pattern with
  // a listbox popup and aria-activedescendant). The markup is a plain search
  // form that works without JavaScript; the roles, the listbox and the live
  // region are added here, so a reader without JavaScript meets no widget
  // that does nothing.
  function Combobox(form) {
    var self = this, n = ++boxes;
    this.form = form;
    this.input = form.querySelector('input[name="q"]');
    this.list = el('ul', 'search-box__list');
    this.list.id = 'search-box-list-' + n;
    this.list.setAttribute('role', 'listbox');
    this.list.setAttribute('aria-label', form.getAttribute('data-msg-label') || '');
    this.list.setAttribute('hidden', '');
    this.status = el('p', 'visually-hidden');
    this.status.setAttribute('aria-live', 'polite');
    form.appendChild(this.list);
    form.appendChild(this.status);
    this.input.setAttribute('role', 'combobox');
    this.input.setAttribute('aria-autocomplete', 'list');
    this.input.setAttribute('aria-expanded', 'false');
    this.input.setAttribute('aria-controls', this.list.id);
    this.input.setAttribute('autocomplete', 'off');
    this.index = indexFor(baseOf(form));
    this.items = [];
    this.active = -1;
    this.seq = 0;
    var update = debounce(function () { self.update(); }, 80);
    on(this.input, 'focus', function () { self.index.ready(function () {}); });
    on(this.input, 'input', update);
    on(this.input, 'keyup', function (e) {
      // IE 11 fires no input event for some edits (e.g. deleting).
      if (self.last !== self.input.value && e.keyCode !== 38 && e.keyCode !== 40) { update(); }
    });
    on(this.input, 'keydown', function (e) { self.key(e); });
    on(this.input, 'blur', function () { setTimeout(function () { self.close(); }, 150); });
    on(this.list, 'mousedown', function (e) {
      var t = e.target || e.srcElement;
      while (t && t !== self.list && !t.getAttribute('data-url')) { t = t.parentNode; }
      if (t && t !== self.list) {
        if (e.preventDefault) { e.preventDefault(); }
        window.location.href = t.getAttribute('data-url');
      }
    });
  }

  Combobox.prototype.update = function () {
    var self = this, q = this.input.value, seq = ++this.seq;
    this.last = q;
    if (tokenize(q, this.index.m ? this.index.m.fold : {}).length === 0 || q.replace(/\s/g, '').length < 2) {
      this.close();
      return;
    }
    this.index.search(q, { prefix: true, quick: true }, function (err, r) {
      if (seq !== self.seq) { return; }
      if (err) { self.say(self.form.getAttribute('data-msg-error')); return; }
      self.index.docs(r.hits.slice(0, 6), function (err2, docs) {
        if (seq !== self.seq || err2) { return; }
        self.show(docs, self.index.matcher(r.words));
      });
    });
  };

  Combobox.prototype.show = function (docs, match) {
    var i, li, id = this.list.id, small, keep = '';
    // Suggestions for the last keystrokes can arrive after the reader has
    // moved to one: keep it chosen if it is still there.
    if (this.active >= 0 && this.items[this.active]) { keep = this.items[this.active].url; }
    clear(this.list);
    this.items = docs;
    this.active = -1;
    this.input.removeAttribute('aria-activedescendant');
    for (i = 0; i < docs.length; i++) {
      li = el('li', 'search-box__option');
      li.id = id + '-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.setAttribute('data-url', docs[i].url);
      appendSegments(li, segments(docs[i].title, this.index.m.fold, match));
      small = el('span', 'search-box__section', docs[i].section);
      li.appendChild(small);
      this.list.appendChild(li);
    }
    if (docs.length) {
      this.list.removeAttribute('hidden');
      this.input.setAttribute('aria-expanded', 'true');
      this.say(fmt(this.form.getAttribute('data-msg-suggestions'), docs.length));
      for (i = 0; keep && i < docs.length; i++) {
        if (docs[i].url === keep) { this.move(i); }
      }
    } else {
      this.close();
      this.say(this.form.getAttribute('data-msg-none'));
    }
  };

  Combobox.prototype.close = function () {
    this.list.setAttribute('hidden', '');
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
    this.active = -1;
  };

  Combobox.prototype.say = function (text) {
    if (this.status) { this.status.textContent = text || ''; }
  };

  Combobox.prototype.move = function (to) {
    var opts = this.list.children, i;
    if (!opts.length) { return; }
    this.active = (to + opts.length) % opts.length;
    for (i = 0; i < opts.length; i++) {
      opts[i].setAttribute('aria-selected', i === this.active ? 'true' : 'false');
    }
    this.input.setAttribute('aria-activedescendant', opts[this.active].id);
  };

  Combobox.prototype.key = function (e) {
    var k = e.keyCode, open = !this.list.hasAttribute('hidden');
    if (k === 40 || k === 38) {              // down, up
      if (!open && this.items.length) {
        this.list.removeAttribute('hidden');
        this.input.setAttribute('aria-expanded', 'true');
      }
      this.move(this.active < 0 ? (k === 40 ? 0 : -1) : this.active + (k === 40 ? 1 : -1));
      e.preventDefault();
    } else if (k === 13 && open && this.active >= 0) {   // enter on a suggestion
      e.preventDefault();
      window.location.href = this.items[this.active].url;
    } else if (k === 27) {                   // escape
      if (open) { this.close(); } else { this.input.value = ''; }
      e.preventDefault();
    }
  };

  // ResultsPage: /<locale>/search/?q= with ranked results, snippets and a
  // category filter; the page's own input updates the results as typed.
  function ResultsPage(root) {
    var self = this, msgs = root;
    this.root = root;
    this.msgs = msgs;
    this.index = indexFor(baseOf(root));
    this.input = root.querySelector('input[name="q"]');
    this.status = root.querySelector('[data-search-results-status]');
    this.filter = root.querySelector('[data-search-filter]');
    this.list = root.querySelector('[data-search-results]');
    this.more = root.querySelector('[data-search-more]');
    this.category = -1;
    this.shown = 0;
    this.seq = 0;
    this.misses = root.getAttribute('data-misses') || '';
    this.reported = {};
    this.missTimer = null;
    var hide = root.querySelectorAll('[data-search-nojs]'), i;
    for (i = 0; i < hide.length; i++) { hide[i].setAttribute('hidden', ''); }
    var show = root.querySelectorAll('[data-search-js]');
    for (i = 0; i < show.length; i++) { show[i].removeAttribute('hidden'); }
    var q = queryParam('q'), c = queryParam('category');
    this.input.value = q;
    this.wanted = c;
    on(this.input, 'input', debounce(function () { self.run(self.input.value, true); }, 200));
    on(root.querySelector('form'), 'submit', function (e) {
      if (e.preventDefault) { e.preventDefault(); }
      self.run(self.input.value, true);
    });
    on(this.more, 'click', function () { self.page(); });
    if (q) { this.run(q, false); } else { this.say(msgs.getAttribute('data-msg-empty')); }
  }

  ResultsPage.prototype.say = function (t) { this.status.textContent = t || ''; };

  ResultsPage.prototype.run = function (q, push) {
    var self = this, seq = ++this.seq;
    if (this.missTimer) { clearTimeout(this.missTimer); this.missTimer = null; }
    if (push && window.history && window.history.replaceState) {
      window.history.replaceState(null, '', '?q=' + encodeURIComponent(q));
    }
    if (!q.replace(/\s/g, '')) {
      clear(this.list);
      clear(this.filter);
      this.filter.setAttribute('hidden', '');
      this.more.setAttribute('hidden', '');
      this.say(this.msgs.getAttribute('data-msg-empty'));
      return;
    }
    this.say(this.msgs.getAttribute('data-msg-searching'));
    this.index.search(q, { prefix: true }, function (err, r) {
      if (seq !== self.seq) { return; }
      if (err) { self.say(self.msgs.getAttribute('data-msg-error')); return; }
      self.q = q;
      self.result = r;
      self.match = self.index.matcher(r.words);
      self.category = -1;
      if (self.wanted) {
        for (var i = 0; i < self.index.m.cats.length; i++) {
          if (self.index.m.cats[i][1] === self.wanted) { self.category = i; }
        }
        self.wanted = '';
      }
      self.render();
      self.miss(q, r.hits.length);
    });
  };

  // FEW is the most results a search may find and still be reported as
  // missed (cases.FewResults in Go).
  var FEW = 3;
  // MISS_WAIT is how long a query must stay as it is before it is
  // reported: the words typed on the way to it are not.
  var MISS_WAIT = 1500;

  // miss reports a search that found nothing or few articles to the form
  // handler (data-misses, set unless the site's settings say
  // search_misses: false): the query text, the locale and the number of
  // results, nothing else, once per query and page. formhandler searches
  // lists them for the writers.
  ResultsPage.prototype.miss = function (q, n) {
    var self = this, key = q.toLowerCase().replace(/\s+/g, ' ').replace(/^ | $/g, '');
    if (this.missTimer) { clearTimeout(this.missTimer); this.missTimer = null; }
    if (!this.misses || n > FEW || !key || this.reported.hasOwnProperty(key)) { return; }
    this.missTimer = setTimeout(function () {
      self.missTimer = null;
      if (self.q !== q || self.reported.hasOwnProperty(key)) { return; }
      self.reported[key] = true;
      var x = new XMLHttpRequest();
      x.open('POST', self.misses, true);
      x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
      x.send('q=' + encodeURIComponent(q) + '&locale=' + encodeURIComponent(self.root.getAttribute('data-locale') || '') + '&results=' + n);
    }, MISS_WAIT);
  };

  // filtered returns the hits in the chosen category.
  ResultsPage.prototype.filtered = function () {
    var hits = this.result.hits, out = [], i, s;
    if (this.category < 0) { return hits; }
    for (i = 0; i < hits.length; i++) {
      s = this.index.sectionOf(hits[i]);
      if (s && s[2] === this.category) { out.push(hits[i]); }
    }
    return out;
  };

  ResultsPage.prototype.render = function () {
    var self = this, m = this.index.m, hits = this.result.hits, counts = [], i, s, n;
    for (i = 0; i < m.cats.length; i++) { counts.push(0); }
    for (i = 0; i < hits.length; i++) {
      s = this.index.sectionOf(hits[i]);
      if (s) { counts[s[2]]++; }
    }
    clear(this.filter);
    if (hits.length) { this.filter.removeAttribute('hidden'); } else { this.filter.setAttribute('hidden', ''); }
    var radio = function (idx, label, count) {
      var lab = el('label', 'search-filter__option'), inp = document.createElement('input');
      inp.type = 'radio';
      inp.name = 'search-category';
      inp.value = String(idx);
      inp.checked = idx === self.category;
      on(inp, 'click', function () { self.category = idx; self.render(); });
      lab.appendChild(inp);
      lab.appendChild(document.createTextNode(' ' + label + ' (' + count + ')'));
      self.filter.appendChild(lab);
    };
    if (hits.length) {
      this.filter.appendChild(el('legend', null, this.msgs.getAttribute('data-msg-filter')));
      radio(-1, this.msgs.getAttribute('data-msg-all'), hits.length);
      for (i = 0; i < m.cats.length; i++) {
        if (counts[i]) { radio(i, m.cats[i][0], counts[i]); }
      }
    }
    n = this.filtered().length;
    var plus = this.result.capped ? '+' : '';
    this.say(n ? fmt(this.msgs.getAttribute('data-msg-count'), n + plus, this.q) : fmt(this.msgs.getAttribute('data-msg-none'), this.q));
    clear(this.list);
    this.shown = 0;
    this.page();
  };

  ResultsPage.prototype.page = function () {
    var self = this, hits = this.filtered(), ids = hits.slice(this.shown, this.shown + 10), seq = this.seq, more;
    this.shown += ids.length;
    more = this.shown < hits.length;
    if (!ids.length) { this.more.setAttribute('hidden', ''); return; }
    // The items keep their place in the list (pages may arrive out of
    // order) but stay hidden until their titles and snippets are in, and
    // then show at once with the "more" button: nothing on the page is
    // laid out twice (no layout shift).
    var items = [], i;
    for (i = 0; i < ids.length; i++) {
      items.push(el('li', 'search-result'));
      items[i].setAttribute('hidden', '');
      this.list.appendChild(items[i]);
    }
    this.index.docs(ids, function (err, docs) {
      if (err || seq !== self.seq) { return; }
      for (var j = 0; j < docs.length; j++) {
        self.fill(items[j], docs[j]);
        items[j].removeAttribute('hidden');
      }
      if (more) { self.more.removeAttribute('hidden'); } else { self.more.setAttribute('hidden', ''); }
    });
  };

  ResultsPage.prototype.fill = function (li, d) {
    var fold = this.index.m.fold, h = el('h2', 'search-result__title'), a = el('a');
    a.href = d.url;
    appendSegments(a, segments(d.title, fold, this.match));
    h.appendChild(a);
    li.appendChild(h);
    var where = el('p', 'search-result__section');
    where.appendChild(document.createTextNode(d.category + ' \u203a '));
    var sa = el('a', null, d.section);
    sa.href = d.sectionURL;
    where.appendChild(sa);
    li.appendChild(where);
    var p = el('p', 'search-result__snippet');
    appendSegments(p, snippet(d.text || '', fold, this.match));
    li.appendChild(p);
  };

  // Deflection: suggest articles on the case form as the subject is typed.
  // The box's data-title (else the search box's data-msg-deflect) heads the
  // list.
  function Deflection(input, box, form) {
    var self = this;
    this.input = input;
    this.box = box;
    this.title = box.getAttribute('data-title') || (form && form.getAttribute('data-msg-deflect')) || '';
    this.index = indexFor(baseOf(form));
    this.seq = 0;
    on(input, 'focus', function () { self.index.ready(function () {}); });
    on(input, 'input', debounce(function () { self.update(); }, 250));
  }

  Deflection.prototype.update = function () {
    var self = this, q = this.input.value, seq = ++this.seq;
    if (q.replace(/\s/g, '').length < 3) { clear(this.box); return; }
    this.index.search(q, { prefix: true, quick: true }, function (err, r) {
      if (err || seq !== self.seq) { return; }
      self.index.docs(r.hits.slice(0, 5), function (err2, docs) {
        if (err2 || seq !== self.seq) { return; }
        clear(self.box);
        if (!docs.length) { return; }
        if (self.title) { self.box.appendChild(el('p', 'case-suggestions__title', self.title)); }
        var ul = el('ul', 'case-suggestions__list'), match = self.index.matcher(r.words);
        for (var i = 0; i < docs.length; i++) {
          var li = el('li'), a = el('a');
          a.href = docs[i].url;
          appendSegments(a, segments(docs[i].title, self.index.m.fold, match));
          li.appendChild(a);
          ul.appendChild(li);
        }
        self.box.appendChild(ul);
      });
    });
  };

  function start() {
    var forms = document.querySelectorAll('form[data-search-box]'), i;
    for (i = 0; i < forms.length; i++) { new Combobox(forms[i]); }
    var page = document.querySelector('[data-search-page-root]');
    if (page) { new ResultsPage(page); }
    var subj = document.querySelector('input[data-deflect]'), box = document.getElementById('case-suggestions');
    if (subj && box) { new Deflection(subj, box, forms[0] || null); }
  }

  if (document.readyState === 'loading') { on(document, 'DOMContentLoaded', start); } else { start(); }
}(this.HelpcenterSearch));
