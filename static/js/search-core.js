/*
 * search-core.js: the query side of the help center's static search, with
 * no DOM: the browser (before search-ui.js) and the Node tests
 * (internal/search/jstest, bench/search) load the same file.
 * ES5, no dependencies, runs in Internet Explorer 11. The index format is
 * documented in internal/search (Go), which writes the files read here.
 *
 * Pieces:
 *   Index       loads manifest.json + dict.json once, expands query words
 *               (exact, stem, synonym, prefix, typo) and fetches only the
 *               shards those words live in; ranks articles.
 *   snippet     cuts a passage around the matched words, as text segments
 *               (the UI builds DOM nodes from them; never innerHTML).
 * In Node, module.exports is the core; in the browser, window.HelpcenterSearch.
 */
(function (root) {
  'use strict';

  var ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
  var DIGIT = {};
  for (var ai = 0; ai < ALPHABET.length; ai++) { DIGIT[ALPHABET.charAt(ai)] = ai; }

  // Weights of the ways a document word can match a query word.
  var MATCH = { exact: 1, stem: 0.8, synonym: 0.75, prefix: 0.6, typo1: 0.5, typo2: 0.35 };
  // Score of an impact (tier*16 + grade): title above heading above body.
  var TIER = [0, 20, 40, 48];
  var PREFIX_WORDS = 8;   // prefix completions fetched per typed word
  var TYPO_WORDS = 3;     // typo candidates fetched per unknown word
  var FORMAT = 2;         // the index format this script reads (search.Format in Go)

  /* ---------- text analysis (mirrors internal/search/analyze.go) ---------- */

  function isWordCode(c) {
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) { return true; }
    if (c < 0x250 || (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xD800 && c <= 0xDFFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF65)) {
      return false;
    }
    return true;
  }

  // tokenize returns the words of s as {t: folded term, s: start, e: end}
  // with offsets into s, so that snippets can highlight the original text.
  function tokenize(s, fold) {
    var out = [], cur = '', start = -1, lower = s.toLowerCase(), i, ch, c, f;
    function flush(end) {
      if (cur.length > 0 && cur.length <= 40 && !(cur.length === 1 && cur >= 'a')) {
        out.push({ t: cur, s: start, e: end });
      }
      cur = '';
      start = -1;
    }
    // toLowerCase keeps the length for the scripts we fold; when it does not,
    // offsets would drift, so fall back to the original string.
    if (lower.length !== s.length) { lower = s; }
    for (i = 0; i < lower.length; i++) {
      ch = lower.charAt(i);
      c = lower.charCodeAt(i);
      if (c >= 0x300 && c <= 0x36F) { continue; }
      f = c >= 128 ? fold[ch] : undefined;
      if (f === undefined) {
        if (c >= 65 && c <= 90) { ch = String.fromCharCode(c + 32); c += 32; }
        if (!isWordCode(c)) { flush(i); continue; }
        f = ch;
      }
      if (start < 0) { start = i; }
      cur += f;
    }
    flush(lower.length);
    return out;
  }

  function hasDigit(w) { return /[0-9]/.test(w); }

  // fnv1a is the 32-bit FNV-1a hash of the UTF-8 bytes of s (fnv1a in Go).
  function fnv1a(s) {
    var bytes = unescape(encodeURIComponent(s)), h = 0x811c9dc5, i;
    for (i = 0; i < bytes.length; i++) {
      h = (h ^ bytes.charCodeAt(i)) >>> 0;
      // h * 16777619 (2^24 + 403) modulo 2^32, exact in doubles; no Math.imul in IE 11.
      h = (((h << 24) >>> 0) + h * 403) % 4294967296;
    }
    return h;
  }

  /* ---------- damerau-levenshtein with a bound ---------- */

  // distance returns the edit distance of a and b (transposition counts
  // one), or max+1 when it is larger than max. Rows are reused: the typo scan
  // calls it for every dictionary word of a similar length.
  var rows = [[], [], []];
  function distance(a, b, max) {
    var la = a.length, lb = b.length, i, j, prev2, prev = rows[0], cur = rows[1], spare = rows[2], best, cost, v, ca;
    if (Math.abs(la - lb) > max) { return max + 1; }
    for (j = 0; j <= lb; j++) { prev[j] = j; }
    prev2 = null;
    for (i = 1; i <= la; i++) {
      cur[0] = i;
      best = i;
      ca = a.charCodeAt(i - 1);
      for (j = 1; j <= lb; j++) {
        cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
        v = prev[j - 1] + cost;
        if (prev[j] + 1 < v) { v = prev[j] + 1; }
        if (cur[j - 1] + 1 < v) { v = cur[j - 1] + 1; }
        if (prev2 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1) &&
            prev2[j - 2] + 1 < v) {
          v = prev2[j - 2] + 1;
        }
        cur[j] = v;
        if (v < best) { best = v; }
      }
      if (best > max) { return max + 1; }
      v = prev2 || spare;
      prev2 = prev;
      prev = cur;
      cur = v;
    }
    return prev[lb] > max ? max + 1 : prev[lb];
  }

  function typoBudget(len) { return len >= 8 ? 2 : len >= 4 ? 1 : 0; }

  /* ---------- the index ---------- */

  // Index reads the files of one locale's index. load(path, cb) fetches a
  // file relative to the index folder and calls cb(err, text); bytes counts
  // what it returned, for the benchmark.
  function Index(load) {
    this.load = load;
    this.files = {};
    this.bytes = 0;
    this.m = null;
  }

  // get fetches a file once; concurrent callers share the request.
  Index.prototype.get = function (path, cb) {
    var self = this, f = this.files[path];
    if (f && f.done) { cb(f.err, f.data); return; }
    if (f) { f.cbs.push(cb); return; }
    f = this.files[path] = { done: false, cbs: [cb] };
    var url = path;
    if (this.m && path !== 'manifest.json') { url += '?v=' + this.m.build; }
    this.load(url, function (err, text) {
      var data = null, i;
      if (!err) {
        self.bytes += text.length;
        try { data = JSON.parse(text); } catch (e) { err = e; }
      }
      f.done = true;
      f.err = err;
      f.data = data;
      if (err) { delete self.files[path]; }
      for (i = 0; i < f.cbs.length; i++) { f.cbs[i](err, data); }
    });
  };

  // getAll fetches several files and calls cb(err, datas) when all are in.
  Index.prototype.getAll = function (paths, cb) {
    var left = paths.length, out = [], failed = null, i;
    if (!left) { cb(null, out); return; }
    function one(k) {
      return function (err, data) {
        if (err && !failed) { failed = err; }
        out[k] = data;
        if (--left === 0) { cb(failed, out); }
      };
    }
    for (i = 0; i < paths.length; i++) { this.get(paths[i], one(i)); }
  };

  // ready loads manifest.json and dict.json and decodes the dictionary.
  Index.prototype.ready = function (cb) {
    var self = this;
    if (this.dict) { cb(null); return; }
    this.get('manifest.json', function (err, m) {
      if (err) { cb(err); return; }
      if (!m || m.format !== FORMAT) {
        // A page cached from before a deploy meets the new index.
        delete self.files['manifest.json'];
        cb(new Error('search index format ' + (m && m.format) + ', this script reads ' + FORMAT));
        return;
      }
      self.m = m;
      self.get('dict.json', function (err2, d) {
        if (err2) { cb(err2); return; }
        if (!self.dict) { self.decodeDict(d); }
        cb(null);
      });
    });
  };

  // decodeDict unpacks dict.json (see appendDictEntry in build.go).
  Index.prototype.decodeDict = function (s) {
    var words = [], df = [], stems = {}, wordStem = [], i = 0, n = s.length, prev = '',
        c, w, st, p, drop, syn = {}, g, k, m = this.m;
    while (i < n) {
      p = s.charCodeAt(i) - 65;
      i++;
      st = i;
      while (i < n && !((c = s.charCodeAt(i)) >= 48 && c <= 57)) { i++; }
      w = prev.substring(0, p) + s.substring(st, i);
      df.push(s.charCodeAt(i) - 48);
      i++;
      var stem = w;
      if (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) {
        drop = c - 48;
        i++;
        st = i;
        while (i < n && !((c = s.charCodeAt(i)) >= 65 && c <= 90)) { i++; }
        stem = w.substring(0, w.length - drop) + s.substring(st, i);
      }
      wordStem.push(stem);
      if (stems.hasOwnProperty(stem)) { stems[stem].push(words.length); } else { stems[stem] = [words.length]; }
      words.push(w);
      prev = w;
    }
    for (g = 0; g < m.syn.length; g++) {
      for (k = 0; k < m.syn[g].length; k++) {
        (syn[m.syn[g][k]] = syn[m.syn[g][k]] || []).push(g);
      }
    }
    this.words = words;
    this.df = df;
    this.stems = stems;
    this.wordStem = wordStem;
    this.syn = syn;
    this.stop = {};
    for (k = 0; k < m.stop.length; k++) { this.stop[m.stop[k]] = true; }
    this.dict = true;
  };

  // find returns the dictionary index of w, or the insertion point as -(i+1).
  Index.prototype.find = function (w) {
    var lo = 0, hi = this.words.length - 1, mid, v;
    while (lo <= hi) {
      mid = (lo + hi) >> 1;
      v = this.words[mid];
      if (v === w) { return mid; }
      if (v < w) { lo = mid + 1; } else { hi = mid - 1; }
    }
    return -(lo + 1);
  };

  // shardOf returns the number of the shard (from starts) holding word wi.
  function shardOf(starts, wi) {
    var lo = 0, hi = starts.length - 1, mid;
    while (lo < hi) {
      mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= wi) { lo = mid; } else { hi = mid - 1; }
    }
    return lo;
  }

  Index.prototype.shardPath = function (wi, quick) {
    return quick ? 'heads/' + shardOf(this.m.heads, wi) + '.json' : 'shards/' + shardOf(this.m.shards, wi) + '.json';
  };

  // analyze splits a query into words, each with the dictionary words (or
  // numeric terms) it may match and their weights. prefix says the last
  // word may be unfinished (the reader is typing).
  Index.prototype.analyze = function (q, prefix) {
    var toks = tokenize(q, this.m.fold), words = [], i, t, kept = [], self = this;
    for (i = 0; i < toks.length; i++) {
      t = toks[i].t;
      if (!this.stop[t] || (prefix && i === toks.length - 1)) { kept.push(t); }
    }
    if (!kept.length) { for (i = 0; i < toks.length; i++) { kept.push(toks[i].t); } }
    for (i = 0; i < kept.length; i++) {
      words.push(this.expand(kept[i], prefix && i === kept.length - 1));
    }
    return words;
  };

  // expand lists what one query word matches: {q, v: {key: weight}} where
  // a key is "w:<dict index>" or "n:<numeric term>".
  Index.prototype.expand = function (t, prefix) {
    var v = {}, self = this, wi, stem, i, j, g, list, found = false;
    function add(idx, weight) {
      var k = 'w:' + idx;
      if (!(v[k] >= weight)) { v[k] = weight; }
      found = true;
    }
    function addStem(st, weight) {
      var l = self.stems.hasOwnProperty(st) ? self.stems[st] : null, k;
      if (!l) { return false; }
      for (k = 0; k < l.length; k++) { add(l[k], weight); }
      return true;
    }
    if (hasDigit(t)) {
      v['n:' + t] = MATCH.exact;
      return { q: t, v: v, prefix: false };
    }
    wi = this.find(t);
    if (wi >= 0) {
      add(wi, MATCH.exact);
      addStem(this.wordStem[wi], MATCH.stem);
      stem = this.wordStem[wi];
    } else if (!addStem(t, MATCH.stem)) {
      // An unknown word: strip inflection suffixes until a known stem remains.
      for (i = 0; i < this.m.suffixes.length; i++) {
        var suf = this.m.suffixes[i];
        if (t.length - suf.length >= 3 && t.substring(t.length - suf.length) === suf) {
          if (addStem(t.substring(0, t.length - suf.length), MATCH.stem)) { break; }
        }
      }
    }
    // Synonyms of the word or of words sharing its stem.
    var groups = (this.syn[t] || []).slice();
    if (stem && this.stems[stem]) {
      list = this.stems[stem];
      for (i = 0; i < list.length; i++) { groups = groups.concat(this.syn[this.words[list[i]]] || []); }
    }
    for (i = 0; i < groups.length; i++) {
      g = this.m.syn[groups[i]];
      for (j = 0; j < g.length; j++) {
        wi = this.find(g[j]);
        if (wi >= 0) {
          add(wi, MATCH.synonym);
          addStem(this.wordStem[wi], MATCH.synonym * MATCH.stem);
        }
      }
    }
    if (prefix && t.length >= 2) {
      this.completions(t, PREFIX_WORDS, function (idx) { add(idx, MATCH.prefix); });
    }
    if (!found && t.length >= 4) {
      this.typos(t, function (idx, d) { add(idx, d === 1 ? MATCH.typo1 : MATCH.typo2); });
    }
    return { q: t, v: v, prefix: prefix };
  };

  // completions calls fn for the most frequent dictionary words starting
  // with t (at most n; ties in alphabetical order).
  Index.prototype.completions = function (t, n, fn) {
    var i = this.find(t), cand = [], k;
    if (i < 0) { i = -i - 1; }
    for (; i < this.words.length && this.words[i].substring(0, t.length) === t; i++) {
      if (this.words[i] !== t) { cand.push(i); }
    }
    var df = this.df;
    cand.sort(function (a, b) { return df[b] - df[a] || a - b; });
    for (k = 0; k < cand.length && k < n; k++) { fn(cand[k]); }
  };

  // typos calls fn(index, edits) for the best dictionary words within the
  // word's edit budget: one edit from 4 letters, two from 8.
  Index.prototype.typos = function (t, fn) {
    var max = typoBudget(t.length), cand = [], i, d, w, df = this.df;
    if (!max) { return; }
    for (i = 0; i < this.words.length; i++) {
      w = this.words[i];
      if (Math.abs(w.length - t.length) > max || w.length < 4) { continue; }
      d = distance(t, w, Math.min(max, typoBudget(w.length)));
      if (d <= Math.min(max, typoBudget(w.length))) { cand.push([i, d]); }
    }
    cand.sort(function (a, b) { return a[1] - b[1] || df[b[0]] - df[a[0]] || a[0] - b[0]; });
    for (i = 0; i < cand.length && i < TYPO_WORDS; i++) { fn(cand[i][0], cand[i][1]); }
  };

  // filesFor lists the shard and bucket files a set of analyzed words
  // needs; quick reads the heads (each word's best postings) instead.
  Index.prototype.filesFor = function (words, quick) {
    var seen = {}, out = [], i, k, p;
    for (i = 0; i < words.length; i++) {
      for (k in words[i].v) {
        if (!words[i].v.hasOwnProperty(k)) { continue; }
        p = k.charAt(0) === 'w' ? this.shardPath(+k.substring(2), quick)
          : 'num/' + (fnv1a(k.substring(2)) % this.m.buckets) + '.json';
        if (!seen[p]) { seen[p] = true; out.push(p); }
      }
    }
    return out;
  };

  // postings returns the decoded posting list of a key, [docId, impact, …],
  // with df set to the number of articles holding the word (the list may
  // have been cut to the best ones at build time).
  Index.prototype.postings = function (key, quick) {
    var s, p, m = this.m, out, i, n, id, r, ck = (quick ? 'h' : 'f') + key, t,
        cache = this.plCache || (this.plCache = {});
    if (cache.hasOwnProperty(ck)) { return cache[ck]; }
    if (key.charAt(0) === 'w') {
      var wi = +key.substring(2), starts = quick ? m.heads : m.shards;
      p = this.files[this.shardPath(wi, quick)];
      s = p && p.data ? p.data[wi - starts[shardOf(starts, wi)]] : null;
    } else {
      t = key.substring(2);
      p = this.files['num/' + (fnv1a(t) % m.buckets) + '.json'];
      s = p && p.data && p.data.hasOwnProperty(t) ? p.data[t] : null;
    }
    out = [];
    out.df = 0;
    if (s) {
      r = readVarint(s, 0);
      out.df = r[0];
      i = r[1];
      n = s.length;
      id = -1;
      while (i < n) {
        r = readVarint(s, i);
        id += r[0] + 1;
        out.push(id, DIGIT[s.charAt(r[1])]);
        i = r[1] + 1;
      }
    }
    cache[ck] = out;
    return out;
  };

  function readVarint(s, i) {
    var v = 0, mul = 1, d;
    for (;;) {
      d = DIGIT[s.charAt(i++)];
      if (d < 32) { return [v + d * mul, i]; }
      v += (d - 32) * mul;
      mul *= 32;
    }
  }

  // search runs a query and calls cb(err, result) with result.hits the
  // ranked article ids, result.words the analyzed words (for highlighting)
  // and result.capped when counts are lower bounds. opts.prefix: the last
  // word may be unfinished; opts.quick: only the top hits matter (suggestions).
  Index.prototype.search = function (q, opts, cb) {
    var self = this;
    opts = opts || {};
    this.ready(function (err) {
      if (err) { cb(err); return; }
      var words = self.analyze(q, !!opts.prefix);
      self.getAll(self.filesFor(words, !!opts.quick), function (err2) {
        if (err2) { cb(err2); return; }
        cb(null, self.rank(words, !!opts.quick));
      });
    });
  };

  // rank scores articles from loaded shards; see MATCH and TIER. Each query
  // word adds its best-matching variant's score to an article; articles
  // matching every word come first, and if there are any, only they count.
  Index.prototype.rank = function (words, quick) {
    var n = this.m.docs, score = new Float64Array(n), best = new Float64Array(n), matched = new Uint8Array(n),
        ids = [], touched = [], i, k, j, t, pl, w, s, capped = false, total = 0, logN = Math.log(1 + Math.max(1, n));
    for (i = 0; i < words.length; i++) {
      w = words[i];
      touched.length = 0;
      // Rarity is the query word's, not each variant's: a rare inflection
      // must not outrank the word itself.
      var df = 1;
      for (k in w.v) { if (w.v.hasOwnProperty(k)) { df = Math.max(df, this.postings(k, quick).df); } }
      var idf = 0.5 + Math.log(1 + n / df) / logN;
      for (k in w.v) {
        if (!w.v.hasOwnProperty(k)) { continue; }
        pl = this.postings(k, quick);
        if (pl.df > pl.length / 2) { capped = true; }
        var weight = w.v[k] * idf;
        for (j = 0; j < pl.length; j += 2) {
          t = pl[j + 1];
          s = weight * (TIER[t >> 4] + (t & 15));
          if (best[pl[j]] === 0) { touched.push(pl[j]); }
          if (s > best[pl[j]]) { best[pl[j]] = s; }
        }
      }
      for (j = 0; j < touched.length; j++) {
        t = touched[j];
        if (matched[t] === 0) { ids.push(t); }
        score[t] += best[t];
        best[t] = 0;
        matched[t]++;
      }
    }
    for (i = 0; i < this.m.promoted.length; i++) { score[this.m.promoted[i]] *= 1.1; }
    for (i = 0; i < ids.length; i++) { if (matched[ids[i]] === words.length) { total++; } }
    ids.sort(function (a, b) {
      return matched[b] - matched[a] || score[b] - score[a] || a - b;
    });
    if (total > 0) { ids.length = total; }
    return { hits: ids, words: words, capped: capped, score: score };
  };

  // docs calls cb(err, list) with {id, title, url, text, section,
  // sectionURL, category, categoryIndex} for ids. A docs/N.json chunk holds
  // [title, url, text] for m.chunk articles; text is the opening of the
  // article, ending in an ellipsis when the article goes on.
  Index.prototype.docs = function (ids, cb) {
    var self = this, m = this.m, paths = [], seen = {}, i, c;
    for (i = 0; i < ids.length; i++) {
      c = Math.floor(ids[i] / m.chunk);
      if (!seen[c]) { seen[c] = true; paths.push('docs/' + c + '.json'); }
    }
    this.getAll(paths, function (err) {
      if (err) { cb(err); return; }
      var out = [], id, row, at, sec;
      for (i = 0; i < ids.length; i++) {
        id = ids[i];
        row = self.files['docs/' + Math.floor(id / m.chunk) + '.json'].data;
        at = 3 * (id % m.chunk);
        sec = self.sectionOf(id);
        out.push({
          id: id,
          title: row[at],
          url: m.urlPre + row[at + 1] + m.urlSuf,
          text: row[at + 2],
          section: sec ? sec[0] : '',
          sectionURL: sec ? sec[1] : '',
          category: sec ? m.cats[sec[2]][0] : '',
          categoryIndex: sec ? sec[2] : -1
        });
      }
      cb(null, out);
    });
  };

  // sectionOf returns the manifest's [title, url, category, first] row of
  // the section holding article id.
  Index.prototype.sectionOf = function (id) {
    var s = this.m.secs, lo = 0, hi = s.length - 1, mid;
    if (!s.length) { return null; }
    while (lo < hi) {
      mid = (lo + hi + 1) >> 1;
      if (s[mid][3] <= id) { lo = mid; } else { hi = mid - 1; }
    }
    return s[lo];
  };

  // matcher returns a function telling whether a folded text word matches
  // one of the analyzed query words (for highlighting).
  Index.prototype.matcher = function (words) {
    var set = {}, prefixes = [], i, k;
    for (i = 0; i < words.length; i++) {
      set[words[i].q] = true;
      for (k in words[i].v) {
        if (words[i].v.hasOwnProperty(k)) {
          set[k.charAt(0) === 'w' ? this.words[+k.substring(2)] : k.substring(2)] = true;
        }
      }
      if (words[i].prefix) { prefixes.push(words[i].q); }
    }
    return function (t) {
      if (set.hasOwnProperty(t)) { return true; }
      for (var j = 0; j < prefixes.length; j++) {
        if (t.substring(0, prefixes[j].length) === prefixes[j]) { return true; }
      }
      return false;
    };
  };

  // segments splits s into [text, isMatch] pairs by the matcher.
  function segments(s, fold, match) {
    var toks = tokenize(s, fold), out = [], at = 0, i;
    for (i = 0; i < toks.length; i++) {
      if (match(toks[i].t)) {
        if (toks[i].s > at) { out.push([s.substring(at, toks[i].s), false]); }
        out.push([s.substring(toks[i].s, toks[i].e), true]);
        at = toks[i].e;
      }
    }
    if (at < s.length) { out.push([s.substring(at), false]); }
    return out;
  }

  // snippet returns segments of a passage of about size characters around
  // the densest cluster of matches in text, or its opening when nothing in
  // it matches. A text that fits is shown whole.
  function snippet(text, fold, match, size) {
    var toks = tokenize(text, fold), hits = [], i, j, bestI = -1, bestN = 0, start, end, n;
    size = size || 180;
    for (i = 0; i < toks.length; i++) { if (match(toks[i].t)) { hits.push(toks[i]); } }
    for (i = 0, j = 0; i < hits.length; i++) {
      while (hits[i].e - hits[j].s > size) { j++; }
      n = i - j + 1;
      if (n > bestN) { bestN = n; bestI = j; }
    }
    if (bestI < 0) {
      start = 0;
    } else {
      start = Math.max(0, hits[bestI].s - 40);
      if (start > text.length - size) {
        // Matches near the end: a full-length passage that reaches the end.
        start = Math.max(0, text.length - size);
        while (start > 0 && start < hits[bestI].s && text.charAt(start - 1) !== ' ') { start++; }
      } else {
        while (start > 0 && text.charAt(start - 1) !== ' ') { start--; }
      }
    }
    end = Math.min(text.length, start + size);
    if (end < text.length) {
      n = text.lastIndexOf(' ', end);
      if (n > start + size / 2) { end = n; }
    }
    var out = segments(text.substring(start, end), fold, match);
    if (start > 0) { out.unshift(['\u2026', false]); }
    if (end < text.length) { out.push(['\u2026', false]); }
    return out;
  }

  var core = {
    Index: Index, tokenize: tokenize, distance: distance, fnv1a: fnv1a,
    snippet: snippet, segments: segments, MATCH: MATCH
  };
  if (typeof module !== 'undefined' && module.exports) {
    module.exports = core;
  } else {
    root.HelpcenterSearch = core;
  }
}(this));
