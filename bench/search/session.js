// session.js simulates a reader's search session against a built index and
// reports the bytes it downloads, the way static/js/search-core.js fetches them:
//
//   node bench/search/session.js INDEX_DIR SCRIPT_BYTES[:GZIP_BYTES][,…] "query one" "query two" …
//
// SCRIPT_BYTES are the minified sizes of the scripts the search page loads
// (search-core.js, search-ui.js), one file each, and GZIP_BYTES their
// gzipped sizes. Besides the bytes as stored, the total is also given
// gzipped per file (gzip -6), which is about what a CDN sends.
// The session: load the search page (the scripts, manifest.json, dict.json),
// then for each query type it one character at a time, asking for
// suggestions (top 6 titles) after every keystroke from the second
// character on, as if the reader never paused; then show its results page
// (top 10 titles and snippets; the snippet text comes in the same
// docs/N.json chunks as the titles). Files are fetched once and kept, as the
// browser would. The time from all files being in memory to a ranked list
// with snippets is measured separately, per query, as "compute". The last
// line splits the session's bytes by kind of file.
'use strict';
var fs = require('fs');
var path = require('path');
var zlib = require('zlib');
var core = require('../../static/js/search-core.js');

var dir = process.argv[2];
var scripts = String(process.argv[3] || '').split(',');
var scriptBytes = scripts.reduce(function (n, b) { return n + (+b.split(':')[0]); }, 0);
var scriptGzip = scripts.reduce(function (n, b) { return n + (+(b.split(':')[1] || b.split(':')[0])); }, 0);
var queries = process.argv.slice(4);
if (!dir || !queries.length) {
  console.error('usage: node session.js INDEX_DIR SCRIPT_BYTES[,SCRIPT_BYTES...] QUERY...');
  process.exit(2);
}

var fetched = [];
var index = new core.Index(function (p, cb) {
  var file = p.split('?')[0];
  fs.readFile(path.join(dir, file), 'utf8', function (err, text) {
    if (!err) { fetched.push([file, Buffer.byteLength(text), zlib.gzipSync(text).length]); }
    cb(err, text);
  });
});

function bytes() {
  var n = 0;
  fetched.forEach(function (f) { n += f[1]; });
  return n;
}

function step(q, nDocs, quick, cb) {
  index.search(q, { prefix: true, quick: quick }, function (err, r) {
    if (err) { throw err; }
    index.docs(r.hits.slice(0, nDocs), function (err2, docs) {
      if (err2) { throw err2; }
      cb(r, docs);
    });
  });
}

// compute times a query once its files are in: analysis, ranking, titles
// and snippets, the median of 21 runs (a shared machine's noise shows in
// the mean, not in the median).
function compute(q) {
  var times = [], r, n = 21;
  for (var k = 0; k < n; k++) {
    var t0 = process.hrtime();
    delete index.plCache;
    var words = index.analyze(q, true);
    r = index.rank(words);
    var match = index.matcher(r.words);
    // The chunks are loaded: docs calls back at once.
    index.docs(r.hits.slice(0, 10), function (err, ds) {
      if (err) { throw err; }
      ds.forEach(function (d) { core.snippet(d.text, index.m.fold, match); });
    });
    var d = process.hrtime(t0);
    times.push(d[0] * 1e3 + d[1] / 1e6);
  }
  times.sort(function (a, b) { return a - b; });
  return times[(n - 1) / 2];
}

index.ready(function (err) {
  if (err) { throw err; }
  console.log('page load: ' + scripts.length + ' script(s) ' + (scriptBytes / 1024).toFixed(1) + ' KB + manifest and dictionary ' +
    (bytes() / 1024).toFixed(1) + ' KB');
  var qi = 0;
  function nextQuery() {
    if (qi === queries.length) {
      var total = scriptBytes + bytes();
      var gz = scriptGzip;
      fetched.forEach(function (f) { gz += f[2]; });
      console.log('session total: ' + (total / 1024).toFixed(1) + ' KB (' + total + ' bytes) in ' +
        (fetched.length + scripts.length) + ' files; budget 300 KB; Pagefind 425 KB');
      console.log('session total gzipped per file: ' + (gz / 1024).toFixed(1) + ' KB (' + gz + ' bytes)');
      var kinds = {}, names = [];
      fetched.forEach(function (f) {
        var k = f[0].split('/')[0];
        if (!kinds[k]) { kinds[k] = [0, 0]; names.push(k); }
        kinds[k][0]++;
        kinds[k][1] += f[1];
      });
      console.log('by kind: script ' + (scriptBytes / 1024).toFixed(1) + ' KB, ' + names.map(function (k) {
        return k + ' ' + kinds[k][0] + ' files ' + (kinds[k][1] / 1024).toFixed(1) + ' KB';
      }).join(', '));
      return;
    }
    var q = queries[qi++], before = bytes(), k = 2;
    function type() {
      if (k <= q.length) {
        step(q.substring(0, k++), 6, true, type);
        return;
      }
      step(q, 10, false, function (r, docs) {
        console.log('query "' + q + '": +' + ((bytes() - before) / 1024).toFixed(1) + ' KB, ' +
          r.hits.length + (r.capped ? '+' : '') + ' results, compute (median) ' + compute(q).toFixed(2) + ' ms; top: ' +
          docs.slice(0, 3).map(function (d) { return JSON.stringify(d.title); }).join(', '));
        nextQuery();
      });
    }
    type();
  }
  nextQuery();
});
