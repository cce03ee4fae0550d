// Node tests of static/js/search.js's query side, against the index that
// internal/search builds from testdata/fixture.json (kept current by the Go
// test TestFixture). Run: node --test internal/search/jstest/
'use strict';
var test = require('node:test');
var assert = require('node:assert');
var fs = require('fs');
var path = require('path');
var core = require('../../../static/js/search.js');

var fixture = path.join(__dirname, '..', 'testdata', 'fixture');

function open(locale) {
  var ix = new core.Index(function (p, cb) {
    ix.fetched.push(p.split('?')[0]);
    fs.readFile(path.join(fixture, locale, p.split('?')[0]), 'utf8', cb);
  });
  ix.fetched = [];
  return ix;
}

// titles runs a query and resolves to the ranked titles.
function titles(ix, q, opts) {
  return new Promise(function (resolve, reject) {
    ix.search(q, opts || {}, function (err, r) {
      if (err) { reject(err); return; }
      ix.docs(r.hits, function (err2, docs) {
        if (err2) { reject(err2); return; }
        resolve(docs.map(function (d) { return d.title; }));
      });
    });
  });
}

test('tokenize agrees with the Go tokenizer', function () {
  var m = JSON.parse(fs.readFileSync(path.join(fixture, 'en', 'manifest.json'), 'utf8'));
  var cases = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'testdata', 'tokenize.json'), 'utf8'));
  cases.forEach(function (c) {
    var got = core.tokenize(c[0], m.fold).map(function (t) { return t.t; });
    assert.deepStrictEqual(got, c[1], JSON.stringify(c[0]));
  });
});

test('distance counts edits with transpositions', function () {
  var cases = [['pasword', 'password', 1, 1], ['passwrod', 'password', 1, 1], ['certifcate', 'certificate', 2, 1],
    ['sertifcate', 'certificate', 2, 2], ['kat', 'dog', 1, 2], ['same', 'same', 1, 0]];
  cases.forEach(function (c) { assert.strictEqual(core.distance(c[0], c[1], c[2]), c[3], c.join(' ')); });
});

var en = [
  ['prefix while typing', 'passw', { prefix: true }, 'Reset your password', 0],
  ['prefix of a second word', 'invoice deliv', { prefix: true }, 'Invoice delivery formats', 0],
  ['one typo in a 4+ letter word', 'pasword', {}, 'Reset your password', 0],
  ['a typo in the first letter', 'ertificate', {}, 'Log in with a certificate', 0],
  ['two typos in an 8+ letter word', 'sertifcate', {}, 'Log in with a certificate', 0],
  ['stemmed plural', 'certificates', {}, 'Log in with a certificate', 0],
  ['title above heading above body', 'recipient', {}, 'Invoice delivery formats', 0],
  ['exact title above stemmed title', 'invoicing', {}, 'Invoicing rules', 0],
  ['a rare inflection does not outrank the word', 'invoices', {}, 'Invoice delivery formats', 0],
  ['synonym', 'credentials', {}, 'Reset your password', -1],
  ['stop words are ignored', 'how to reset the password', {}, 'Reset your password', 0],
  ['numeric term', '404', {}, 'Error 404 when uploading', 0],
  ['case and accents do not matter', 'ÓPENING HOURS', {}, 'Opening hours', 0]
];
en.forEach(function (c) {
  test('en: ' + c[0] + ': ' + c[1], function () {
    return titles(open('en'), c[1], c[2]).then(function (ts) {
      if (c[4] === 0) {
        assert.strictEqual(ts[0], c[3], JSON.stringify(ts));
      } else {
        assert.ok(ts.indexOf(c[3]) >= 0, JSON.stringify(ts));
      }
    });
  });
});

test('en: a short word gets no typo tolerance', function () {
  return titles(open('en'), 'hourz').then(function (ts) {
    assert.ok(ts.indexOf('Opening hours') >= 0, 'hourz is 5 letters: one edit allowed');
    return titles(open('en'), 'hx');
  }).then(function (ts) { assert.deepStrictEqual(ts, []); });
});

test('en: every word must match when some article matches them all', function () {
  return titles(open('en'), 'invoice firewall').then(function (ts) {
    assert.deepStrictEqual(ts, ['Network settings']);
  });
});

var sv = [
  ['inflection finds the base form', 'fakturor', 'Skicka en faktura'],
  ['folding: oppettider finds öppettider', 'oppettider', 'Öppettider för support'],
  ['definite plural', 'öppettiderna', 'Öppettider för support'],
  ['folded query for a word with ö', 'losenord', 'Byt lösenord'],
  ['synonym', 'inloggning', 'Byt lösenord'],
  ['typo in Swedish', 'påminelse', 'Betalning och påminnelser']
];
sv.forEach(function (c) {
  test('sv: ' + c[0] + ': ' + c[1], function () {
    return titles(open('sv'), c[1]).then(function (ts) { assert.strictEqual(ts[0], c[2], JSON.stringify(ts)); });
  });
});

test('suggestions read only the small head shards', function () {
  var ix = open('en');
  return titles(ix, 'invo', { prefix: true, quick: true }).then(function (ts) {
    assert.ok(ts.length > 0);
    ix.fetched.forEach(function (f) {
      assert.ok(/^(manifest|dict)\.json$|^heads\/|^docs\//.test(f), f + ' fetched for a suggestion');
    });
  });
});

test('a file is fetched once', function () {
  var ix = open('en');
  return titles(ix, 'password').then(function () {
    var n = ix.fetched.length;
    return titles(ix, 'password').then(function () { assert.strictEqual(ix.fetched.length, n); });
  });
});

test('results carry section and category; snippets highlight matched words', function () {
  var ix = open('en');
  return new Promise(function (resolve, reject) {
    ix.search('passwords', {}, function (err, r) {
      if (err) { reject(err); return; }
      ix.docs(r.hits.slice(0, 1), function (err2, docs) {
        if (err2) { reject(err2); return; }
        assert.strictEqual(docs[0].url, '/en/articles/reset-your-password/');
        assert.strictEqual(docs[0].section, 'Account access');
        assert.strictEqual(docs[0].category, 'Account');
        ix.text(docs[0].id, function (err3, text) {
          if (err3) { reject(err3); return; }
          var segs = core.snippet(text, ix.m.fold, ix.matcher(r.words), 80);
          var hits = segs.filter(function (s) { return s[1]; }).map(function (s) { return s[0]; });
          assert.ok(hits.length > 0 && hits.every(function (h) { return /^password$/i.test(h); }), JSON.stringify(segs));
          assert.strictEqual(segs.map(function (s) { return s[0]; }).join('').replace(/\u2026/g, '').length > 0, true);
          var title = core.segments('Reset your PASSWORD', ix.m.fold, ix.matcher(r.words));
          assert.deepStrictEqual(title, [['Reset your ', false], ['PASSWORD', true]]);
          resolve();
        });
      });
    });
  });
});

test('snippet keeps original accents while matching folded words', function () {
  var ix = open('sv');
  return new Promise(function (resolve, reject) {
    ix.search('oppettider', {}, function (err, r) {
      if (err) { reject(err); return; }
      var segs = core.segments('Öppettider för support', ix.m.fold, ix.matcher(r.words));
      assert.deepStrictEqual(segs[0], ['Öppettider', true]);
      resolve();
    });
  });
});
