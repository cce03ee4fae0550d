// score.js scores the built site's search against the relevance queries:
//
//   node bench/relevance/score.js [-heldout] [-check scores.json] [-write scores.json] PUBLIC_DIR SET.txt…
//
// It loads the search script the site ships (public/assets/search*.js, the
// minified, fingerprinted file a browser gets) with require, points its
// Index at public/search/<locale>/ (the files the browser fetches), runs
// every query the way the results page does (prefix matching on the last
// word) and the way the search box's suggestions and the case form's
// deflection do (quick: the head shards only), and prints P@1, P@3 and MRR
// per set and locale:
//
//   P@1  share of queries whose first result is one of their articles
//   P@3  share of queries with one of their articles in the first three
//   MRR  mean of 1/rank of the first of their articles (0 when absent)
//
// Misses are listed for every set whose file name does not start with
// "heldout" (pass -heldout to list those too). -write saves the scores;
// -check compares them with a saved file and exits 1 when any score
// dropped (a regression guard: improvements pass and should be written).
'use strict';
var fs = require('fs');
var path = require('path');

var args = process.argv.slice(2), showHeldout = false, checkFile = '', writeFile = '';
while (args.length && args[0].charAt(0) === '-') {
  var flag = args.shift();
  if (flag === '-heldout') { showHeldout = true; } else if (flag === '-check') { checkFile = args.shift(); } else if (flag === '-write') {
    writeFile = args.shift();
  } else { usage('unknown flag ' + flag); }
}
if (args.length < 2) { usage('need the built site and at least one query file'); }
var pub = args[0], sets = args.slice(1);

function usage(msg) {
  console.error('score.js: ' + msg + '\nusage: node score.js [-heldout] [-check scores.json] [-write scores.json] PUBLIC_DIR SET.txt...');
  process.exit(2);
}

// core finds the search script among the site's assets: the one that, loaded
// in Node, exports the Index (after a split into core and UI files, the UI
// file exports nothing).
function core() {
  var dir = path.join(pub, 'assets'), names = fs.readdirSync(dir).filter(function (n) { return /^search.*\.js$/.test(n); }).sort();
  for (var i = 0; i < names.length; i++) {
    var m = require(path.resolve(dir, names[i]));
    if (m && m.Index) { return { mod: m, file: names[i] }; }
  }
  console.error('score.js: no search script exporting Index in ' + dir + ' (found: ' + names.join(', ') + '); build the site first');
  process.exit(1);
}

// parse reads a query file: "locale | kind | query | slug, slug" lines.
function parse(file) {
  var out = [];
  fs.readFileSync(file, 'utf8').split('\n').forEach(function (line, i) {
    line = line.trim();
    if (!line || line.charAt(0) === '#') { return; }
    var f = line.split('|').map(function (s) { return s.trim(); });
    if (f.length !== 4 || !f[0] || !f[2] || !f[3]) {
      console.error(file + ':' + (i + 1) + ': want "locale | kind | query | slug, slug", got ' + JSON.stringify(line));
      process.exit(2);
    }
    out.push({ file: file, line: i + 1, locale: f[0], kind: f[1], q: f[2], want: f[3].split(',').map(function (s) { return s.trim(); }) });
  });
  return out;
}

var search = core(), indexes = {};

function indexFor(locale) {
  if (!indexes[locale]) {
    var dir = path.join(pub, 'search', locale);
    if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
      console.error('score.js: no search index for locale ' + JSON.stringify(locale) + ' in ' + dir);
      process.exit(1);
    }
    indexes[locale] = new search.mod.Index(function (p, cb) { fs.readFile(path.join(dir, p.split('?')[0]), 'utf8', cb); });
  }
  return indexes[locale];
}

// ranked resolves to the slugs of the results, best first.
function ranked(q, opts) {
  var ix = indexFor(q.locale);
  return new Promise(function (resolve, reject) {
    ix.search(q.q, opts, function (err, r) {
      if (err) { reject(err); return; }
      ix.docs(opts.quick ? r.hits.slice(0, 6) : r.hits, function (err2, docs) {
        if (err2) { reject(err2); return; }
        resolve(docs.map(function (d) {
          var m = /\/articles\/([^/]+)\/?$/.exec(d.url);
          return m ? m[1] : d.url;
        }));
      });
    });
  });
}

function rankOf(slugs, want) {
  for (var i = 0; i < slugs.length; i++) { if (want.indexOf(slugs[i]) >= 0) { return i + 1; } }
  return 0;
}

function known(q) {
  // Every wanted slug must exist: a typo in the query file would count as a miss forever.
  var dir = path.join(pub, q.locale, 'articles');
  q.want.forEach(function (s) {
    if (!fs.existsSync(path.join(dir, s))) {
      console.error(q.file + ':' + q.line + ': no article ' + JSON.stringify(s) + ' in ' + dir);
      process.exit(2);
    }
  });
}

function score(rows, key) {
  var n = rows.length, p1 = 0, p3 = 0, rr = 0;
  rows.forEach(function (r) {
    var k = r[key];
    if (k === 1) { p1++; }
    if (k >= 1 && k <= 3) { p3++; }
    if (k > 0) { rr += 1 / k; }
  });
  return { n: n, p1: n ? p1 / n : 0, p3: n ? p3 / n : 0, mrr: n ? rr / n : 0 };
}

function pct(x) { return (100 * x).toFixed(1) + '%'; }

function pad(s, n, right) {
  s = String(s);
  while (s.length < n) { s = right ? ' ' + s : s + ' '; }
  return s;
}

var all = [];
sets.forEach(function (f) { parse(f).forEach(function (q) { q.set = path.basename(f, '.txt'); all.push(q); }); });
all.forEach(known);

Promise.all(all.map(function (q) {
  return Promise.all([ranked(q, { prefix: true }), ranked(q, { prefix: true, quick: true })]).then(function (r) {
    q.results = r[0];
    q.rank = rankOf(r[0], q.want);
    q.boxRank = rankOf(r[1], q.want);
    return q;
  });
})).then(function () {
  console.log('search script: assets/' + search.file + '; ' + all.length + ' queries');
  console.log('');
  console.log(pad('set', 16) + pad('queries', 8, true) + pad('P@1', 8, true) + pad('P@3', 8, true) + pad('MRR', 7, true) +
    pad('no result', 10, true) + pad('box P@1', 9, true));
  var scores = {}, groups = [];
  sets.forEach(function (f) {
    var name = path.basename(f, '.txt'), rows = all.filter(function (q) { return q.set === name; });
    var locales = [];
    rows.forEach(function (q) { if (locales.indexOf(q.locale) < 0) { locales.push(q.locale); } });
    locales.forEach(function (l) { groups.push([name + ' ' + l, rows.filter(function (q) { return q.locale === l; })]); });
    groups.push([name, rows]);
  });
  if (sets.length > 1) { groups.push(['all', all]); }
  groups.forEach(function (g) {
    var s = score(g[1], 'rank'), box = score(g[1], 'boxRank'), none = g[1].filter(function (q) { return !q.results.length; }).length;
    scores[g[0]] = { queries: s.n, p1: +s.p1.toFixed(4), p3: +s.p3.toFixed(4), mrr: +s.mrr.toFixed(4) };
    console.log(pad(g[0], 16) + pad(s.n, 8, true) + pad(pct(s.p1), 8, true) + pad(pct(s.p3), 8, true) + pad(s.mrr.toFixed(3), 7, true) +
      pad(none, 10, true) + pad(pct(box.p1), 9, true));
  });
  console.log('');
  console.log('P@1, P@3, MRR: the results page; box P@1: the first suggestion of the search box and the case form for the whole query.');
  var misses = all.filter(function (q) { return q.rank !== 1 && (showHeldout || !/^heldout/.test(q.set)); });
  if (misses.length) {
    console.log('');
    console.log('not first (rank 0 = not found):');
    misses.forEach(function (q) {
      console.log('  ' + q.set + ':' + q.line + ' [' + q.locale + ' ' + q.kind + '] ' + JSON.stringify(q.q) + ' rank ' + q.rank +
        '; got ' + (q.results.slice(0, 3).join(', ') || 'nothing') + '; want ' + q.want.join(', '));
    });
  }
  if (writeFile) {
    fs.writeFileSync(writeFile, JSON.stringify(scores, null, 2) + '\n');
    console.log('\nwrote ' + writeFile);
  }
  if (checkFile) {
    var saved = JSON.parse(fs.readFileSync(checkFile, 'utf8')), drops = [];
    Object.keys(saved).forEach(function (k) {
      ['p1', 'p3', 'mrr'].forEach(function (m) {
        if (!scores[k]) { drops.push(k + ': set missing'); } else if (scores[k][m] < saved[k][m] - 1e-9) {
          drops.push(k + ' ' + m + ' ' + saved[k][m] + ' -> ' + scores[k][m]);
        }
      });
    });
    if (drops.length) {
      console.error('\nrelevance dropped below ' + checkFile + ':\n  ' + drops.join('\n  '));
      process.exit(1);
    }
    console.log('\nno score below ' + checkFile);
  }
}).catch(function (err) {
  console.error('score.js: ' + (err && err.stack || err));
  process.exit(1);
});
