// Node tests of static/js/search-core.js (the query side), against the index that
// internal/search builds from testdata/fixture.json (kept current by the Go
// test TestFixture). Run: node --test internal/search/jstest/
'use strict';
var test = require('node:test');
var assert = require('node:assert');
var fs = require('fs');
var path = require('path');
var core = require('../../../static/js/search-core.js');

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
  ['the word itself above a synonym', 'inloggning', 'Inloggningen fungerar inte'],
  ['typo in Swedish', 'påminelse', 'Betalning och påminnelser']
];
sv.forEach(function (c) {
  test('sv: ' + c[0] + ': ' + c[1], function () {
    return titles(open('sv'), c[1]).then(function (ts) { assert.strictEqual(ts[0], c[2], JSON.stringify(ts)); });
  });
});

test('sv: a synonym finds the article without the word', function () {
  return titles(open('sv'), 'inloggning').then(function (ts) {
    assert.ok(ts.indexOf('Byt lösenord') > 0, JSON.stringify(ts));
  });
});

// Questions and problem statements as readers type them.
var questions = [
  ['en', "a contraction is a negation: the problem article's title says not", "i can't log in", 'Login is not working'],
  ['en', 'a word only in the description', 'colleague', 'Add a user'],
  ['en', 'stop words count in titles: who do I', 'who do i ask about exported invoices', 'Who do I turn to?'],
  ['sv', 'negation is no stop word in Swedish either', 'jag kan inte logga in', 'Inloggningen fungerar inte'],
  ['sv', 'an unknown compound by its parts', 'fakturastatus', 'Vad statusarna betyder'],
  ['sv', 'an inflection the stemmer leaves longer than the word', 'fakturaformaten', 'Fakturaformat']
];
questions.forEach(function (c) {
  test(c[0] + ': ' + c[1] + ': ' + c[2], function () {
    return titles(open(c[0]), c[2], { prefix: true }).then(function (ts) { assert.strictEqual(ts[0], c[3], JSON.stringify(ts)); });
  });
});

test('en: an article without a common word of the query is still found', function () {
  // Other articles have both words; the password article lacks the common
  // "portal" but has the rarer word in its title: it must rank high.
  return titles(open('en'), 'portal password').then(function (ts) {
    var at = ts.indexOf('Reset your password');
    assert.ok(at === 0 || at === 1, JSON.stringify(ts));
  });
});

test('en: two words written as one: log in also finds login', function () {
  return titles(open('en'), 'log in problems').then(function (ts) {
    assert.ok(ts.indexOf('Login is not working') >= 0, JSON.stringify(ts));
  });
});

test('stop words are not highlighted', function () {
  var ix = open('en');
  return new Promise(function (resolve, reject) {
    ix.search('who do i turn to', {}, function (err, r) {
      if (err) { reject(err); return; }
      var m = ix.matcher(r.words);
      assert.ok(m('turn') && !m('who') && !m('do'), 'turn highlighted, who and do not');
      resolve();
    });
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

// first runs a query and resolves to its top result and the analyzed words.
function first(ix, q) {
  return new Promise(function (resolve, reject) {
    ix.search(q, {}, function (err, r) {
      if (err) { reject(err); return; }
      ix.docs(r.hits.slice(0, 1), function (err2, docs) {
        if (err2) { reject(err2); return; }
        resolve({ doc: docs[0], match: ix.matcher(r.words) });
      });
    });
  });
}

function marked(segs) {
  return segs.filter(function (s) { return s[1]; }).map(function (s) { return s[0]; });
}

function plain(segs) {
  return segs.map(function (s) { return s[0]; }).join('');
}

test('results carry section, category and text; snippets highlight matched words', function () {
  var ix = open('en');
  return first(ix, 'passwords').then(function (f) {
    assert.strictEqual(f.doc.url, '/en/articles/reset-your-password/');
    assert.strictEqual(f.doc.section, 'Account access');
    assert.strictEqual(f.doc.category, 'Account');
    var segs = core.snippet(f.doc.text, ix.m.fold, f.match, 80);
    var hits = marked(segs);
    assert.ok(hits.length > 0 && hits.every(function (h) { return /^password$/i.test(h); }), JSON.stringify(segs));
    assert.ok(plain(segs).replace(/\u2026/g, '').length > 0);
    var title = core.segments('Reset your PASSWORD', ix.m.fold, f.match);
    assert.deepStrictEqual(title, [['Reset your ', false], ['PASSWORD', true]]);
  });
});

test('a result costs one docs chunk: titles and snippet text, no file per article', function () {
  var ix = open('en');
  return first(ix, 'archive').then(function (f) {
    assert.strictEqual(f.doc.title, 'Archived cases');
    ix.fetched.forEach(function (p) {
      assert.ok(/^(manifest|dict)\.json$|^(shards|num)\/\d+\.json$|^docs\/\d+\.json$/.test(p), p + ' fetched for a result');
    });
    assert.strictEqual(ix.fetched.filter(function (p) { return /^docs\//.test(p); }).length, 1);
  });
});

test('a word in the stored opening is highlighted; a later word leaves the opening unmarked', function () {
  var ix = open('en');
  return first(ix, 'archive').then(function (f) {
    var segs = core.snippet(f.doc.text, ix.m.fold, f.match);
    assert.deepStrictEqual(marked(segs).map(function (h) { return h.toLowerCase(); }).slice(0, 2), ['archive', 'archived'],
      JSON.stringify(segs));
    assert.ok(/\u2026$/.test(plain(segs)), 'the opening of a longer article ends in an ellipsis: ' + plain(segs));
    return first(ix, 'retention');
  }).then(function (f) {
    assert.strictEqual(f.doc.title, 'Archived cases', 'found by a word past the stored opening');
    assert.strictEqual(f.doc.text.indexOf('Retention'), -1, 'the fixture word must lie past the opening');
    var segs = core.snippet(f.doc.text, ix.m.fold, f.match);
    assert.deepStrictEqual(marked(segs), []);
    assert.strictEqual(plain(segs).substring(0, 12), 'Closed cases', 'the opening is shown');
  });
});

test('snippet', function (t) {
  var fold = {};
  var match = function (w) { return w === 'needle'; };
  var words = [];
  for (var i = 0; i < 60; i++) { words.push('word' + i); }
  var long = words.join(' ');
  var cases = [
    ['a text that fits is whole, even with a late match', 'alpha beta gamma needle', 180,
      [['alpha beta gamma ', false], ['needle', true]]],
    ['no match: the opening', long, 40, null, function (segs) {
      return plain(segs).indexOf('word0 word1') === 0 && /\u2026$/.test(plain(segs)) && marked(segs).length === 0;
    }],
    ['a late match in a long text: a passage around it', long + ' needle ' + long, 60, null, function (segs) {
      return /^\u2026/.test(plain(segs)) && marked(segs).length === 1 && /\u2026$/.test(plain(segs));
    }],
    ['a match near the end keeps a full-length passage', long + ' needle', 80, null, function (segs) {
      return plain(segs).length >= 70 && marked(segs).length === 1 && !/\u2026$/.test(plain(segs));
    }],
    ['empty text', '', 180, []]
  ];
  return Promise.all(cases.map(function (c) {
    return t.test(c[0], function () {
      var segs = core.snippet(c[1], fold, match, c[2]);
      if (c[3]) {
        assert.deepStrictEqual(segs, c[3]);
      } else {
        assert.ok(c[4](segs), JSON.stringify(segs));
      }
    });
  }));
});

test('an index of another format is refused', function () {
  var ix = new core.Index(function (p, cb) {
    if (p === 'manifest.json') { cb(null, JSON.stringify({ format: 1 })); return; }
    cb(new Error('unexpected ' + p));
  });
  return new Promise(function (resolve) {
    ix.search('password', {}, function (err) {
      assert.ok(err && /format 1/.test(err.message), String(err));
      resolve();
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
