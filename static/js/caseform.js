/* Case form: inline validation and XHR submit, showing the case number in
 * place. ES5 for IE 11, no dependencies. Without this script the form posts
 * normally and the form handler answers with its own pages. Rules mirror
 * internal/caseform (required, maxlength, email, file count/size); the
 * handler validates again and its 422 messages are shown per field. */
(function () {
  'use strict';
  var form = document.getElementById('case-form');
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  function d(name) { return form.getAttribute('data-msg-' + name) || ''; }
  var summary = document.getElementById('case-form-summary');
  var status = document.getElementById('case-form-status');
  // The HTML minifier drops type=submit (the default), so find the button
  // by its class.
  var submit = form.querySelector('.case-form__submit') || form.getElementsByTagName('button')[0];
  var sending = false;

  function field(name) { return form.elements[name]; }

  function randomKey() {
    var c = window.crypto || window.msCrypto, a = [], i, b;
    if (c && c.getRandomValues) {
      b = new Uint8Array(16);
      c.getRandomValues(b);
      for (i = 0; i < b.length; i++) { a.push((b[i] + 256).toString(16).slice(1)); }
      return a.join('');
    }
    return String(new Date().getTime()) + String(Math.random()).slice(2);
  }

  function queryParam(name) {
    var parts = window.location.search.replace(/^\?/, '').split('&'), i, kv;
    for (i = 0; i < parts.length; i++) {
      kv = parts[i].split('=');
      if (decodeURIComponent(kv[0]) === name && kv.length > 1) {
        try { return decodeURIComponent(kv[1].replace(/\+/g, ' ')); } catch (e) { return ''; }
      }
    }
    return '';
  }

  var key = field('idempotency_key');
  if (key && !key.value) { key.value = randomKey(); }
  var article = field('article');
  var from = queryParam('article');
  if (article && /^\/[^\/]/.test(from) && from.length <= 300) { article.value = from; }
  // A follow-up of a closed case (its page links here with ?follow_up=):
  // the case number goes along, and the reader is told.
  var followUp = field('follow_up');
  var followed = queryParam('follow_up');
  if (followUp && /^[A-Za-z0-9-]{1,40}$/.test(followed)) {
    followUp.value = followed;
    var note = document.createElement('p');
    note.className = 'case-form__follow-up';
    note.textContent = d('follow-up').replace('%s', followed);
    var intro = form.querySelector('.case-form__intro');
    if (intro && intro.parentNode) { intro.parentNode.insertBefore(note, intro.nextSibling); }
  }
  form.setAttribute('novalidate', '');

  function setError(name, msg) {
    var el = document.getElementById('case-' + name + '-error');
    var input = document.getElementById('case-' + name);
    if (!el || !input) { return; }
    el.textContent = msg || '';
    el.hidden = !msg;
    if (msg) { input.setAttribute('aria-invalid', 'true'); } else { input.removeAttribute('aria-invalid'); }
  }

  function trim(s) { return String(s).replace(/^\s+|\s+$/g, ''); }

  function check(input) {
    var v = trim(input.value), max;
    if (input.type === 'file') {
      var files = input.files || [], n = parseInt(input.getAttribute('data-max-files'), 10),
        size = parseInt(input.getAttribute('data-max-size'), 10), i;
      if (files.length > n) { return d('too-many-files'); }
      for (i = 0; i < files.length; i++) {
        if (files[i].size > size) { return d('file-size').replace('%d', String(Math.floor(size / 1048576))); }
      }
      return '';
    }
    if (input.hasAttribute('required') && v === '') {
      return input.tagName === 'SELECT' ? d('option') : d('required');
    }
    max = parseInt(input.getAttribute('maxlength'), 10);
    if (max && v.length > max) { return d('too-long').replace('%d', String(max)); }
    if (input.type === 'email' && v !== '' && !/^[^\s@<>()",;]+@[^\s@<>()",;\[\]]+\.[^\s@<>()",;\[\]]+$/.test(v)) {
      return d('email');
    }
    return '';
  }

  function validate() {
    var els = form.querySelectorAll('[data-field] input, [data-field] select, [data-field] textarea');
    var first = null, i, msg;
    for (i = 0; i < els.length; i++) {
      msg = check(els[i]);
      setError(els[i].name, msg);
      if (msg && !first) { first = els[i]; }
    }
    return first;
  }

  function showSummary(msg) {
    summary.textContent = msg || '';
    summary.hidden = !msg;
  }

  function onBlur(e) {
    var t = e.target || e.srcElement;
    if (t && t.name && document.getElementById('case-' + t.name + '-error') && t.getAttribute('aria-invalid')) {
      setError(t.name, check(t));
    }
  }
  form.addEventListener('blur', onBlur, true);

  function done(id) {
    var box = document.createElement('div'), h = document.createElement('h2'), p1 = document.createElement('p'),
      p2 = document.createElement('p'), strong = document.createElement('strong'), parts = d('done-number').split('%s');
    box.className = 'case-form__done';
    box.setAttribute('role', 'status');
    box.setAttribute('tabindex', '-1');
    h.textContent = d('done-title');
    p1.appendChild(document.createTextNode(parts[0] || ''));
    strong.textContent = id;
    p1.appendChild(strong);
    p1.appendChild(document.createTextNode(parts[1] || ''));
    p2.textContent = d('done-email');
    box.appendChild(h);
    box.appendChild(p1);
    box.appendChild(p2);
    form.parentNode.replaceChild(box, form);
    box.focus();
  }

  function fail(xhr) {
    var data = null, name, first = null;
    try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
    if (xhr.status === 422 && data && data.errors) {
      for (name in data.errors) {
        if (Object.prototype.hasOwnProperty.call(data.errors, name)) {
          setError(name, data.errors[name].message);
          if (!first) { first = document.getElementById('case-' + name); }
        }
      }
      showSummary(d('has-errors'));
      if (first) { first.focus(); }
      return;
    }
    showSummary(data && data.error && data.error.message ? data.error.message : d('failed'));
    summary.focus();
  }

  form.addEventListener('submit', function (e) {
    if (e.preventDefault) { e.preventDefault(); } else { e.returnValue = false; }
    if (sending) { return; }
    var first = validate();
    if (first) {
      showSummary(d('has-errors'));
      first.focus();
      return;
    }
    showSummary('');
    sending = true;
    submit.disabled = true;
    status.textContent = d('sending');
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('action'), true);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      sending = false;
      submit.disabled = false;
      status.textContent = '';
      if (xhr.status === 200 || xhr.status === 201) {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (err) { data = null; }
        if (data && data.id) { done(data.id); return; }
      }
      fail(xhr);
    };
    xhr.send(new FormData(form));
  });
}());
