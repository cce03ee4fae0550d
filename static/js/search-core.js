/*
 * search-core.js: the query side of the help center's static search, with
 * no DOM: the browser (before search-ui.js) and the Node tests
 * (internal/search/jstest, bench/search) load the same file.
 * ES5, no dependencies, runs in Internet Explorer 11. The index format is
 * documented in internal/search (Go), which writes the files read here.
 *
 * Pieces:
 *   Index       loads manifest.json + dict.json once, expands query words
 *               (exact, stem, synonym, join, prefix, typo, compound part),
 *               marks stop words as filler and fetches only the
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

  // Weights of the ways a document word can match a query word: the word
  // itself, an inflection (same stem), a synonym, two query words written
  // as one ("log in" finds "login"), a completion of the word being typed,
  // a part of an unknown compound ("skärmupplösning" finds "skärm"), a word
  // one or two edits away.
  var MATCH = { exact: 1, stem: 0.8, synonym: 0.6, join: 0.9, prefix: 0.6, part: 0.5, typo1: 0.5, typo2: 0.35 };
  // Score of a posting's fields (impact >> 3: title 4, description 2,
  // heading 1), added to its body grade (impact & 7).
  var FIELD = [0, 12, 16, 22, 30, 34, 36, 38];
  // FILLER weighs a stop word ("who do I", "how to"), which the index holds
  // only where a title, description or heading has it, in place of a
  // word's rarity: it orders articles but never decides whether one
  // matches.
  var FILLER = 0.15;
  // COVER is the exponent of the share of the query's weight (the rarity of
  // its meaningful words) that an article holds: an article without a
  // common word of the query can still come first, one without its rarest
  // word rarely does.
  var COVER = 2;
  // Once some article holds every meaningful word, articles covering less
  // than this share of what the best-covering article covers are left out.
  var MIN_COVER = 0.5;
  var PROMOTED = 1.1;     // articles promoted on the locale home
  var PREFIX_WORDS = 8;   // prefix completions fetched per typed word
  var TYPO_WORDS = 3;     // typo candidates fetched per unknown word
  var FORMAT = 3;         // the index format this script reads (search.Format in Go)

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
  // numeric terms) it may match and their weights, and filler set for stop
  // words. prefix says the last word may be unfinished (the reader is
  // typing). A contraction such as "can't" adds the language's negation
  // word: "not working" is what a problem article's title says.
  Index.prototype.analyze = function (q, prefix) {
    var toks = tokenize(q, this.m.fold), words = [], i, t, w, last, filler = 0, m, at, neg = this.m.neg, j, wi, k;
    if (neg && (m = /[a-z]n['\u2019]t\b/i.exec(q))) {
      for (at = 0; at < toks.length && toks[at].s <= m.index; at++) { /* after the contracted word */ }
      for (i = 0; i < toks.length && toks[i].t !== neg; i++) { /* already there? */ }
      if (i === toks.length) { toks.splice(at, 0, { t: neg, s: m.index, e: m.index }); }
    }
    last = toks.length - 1;
    var at2 = [];  // the word of each token (a compound's first part)
    for (i = 0; i < toks.length; i++) {
      t = toks[i].t;
      w = this.expand(t, prefix && i === last);
      w.filler = !!this.stop[t];
      if (w.filler) { filler++; }
      at2.push(words.length);
      if (w.parts) {
        // Each part is a word of the query; typo candidates of the whole
        // stay with the first.
        for (j = 0; j < w.parts.length; j++) {
          var pv = j === 0 ? w.v : {};
          for (k = 0; k < w.parts[j].list.length; k++) { pv['w:' + w.parts[j].list[k]] = MATCH.part; }
          words.push({ q: t, v: pv, syn: {}, prefix: false, filler: false });
        }
      } else {
        words.push(w);
      }
    }
    if (filler === toks.length) {
      for (i = 0; i < words.length; i++) { words[i].filler = false; }
    }
    // Two words written as one: "log in" also finds "login", "user name"
    // "username", "faktura status" "fakturastatus". Both words take it.
    for (i = 0; i + 1 < toks.length; i++) {
      t = toks[i].t + toks[i + 1].t;
      if (hasDigit(t) || (wi = this.find(t)) < 0) { continue; }
      for (j = at2[i]; j <= at2[i + 1]; j++) {
        k = 'w:' + wi;
        if (!(words[j].v[k] >= MATCH.join)) { words[j].v[k] = MATCH.join; }
      }
    }
    return words;
  };

  // lookup returns the dictionary words that t is or inflects: the word and
  // the words sharing its stem, or, for an unknown word, the words whose
  // stem remains when inflection suffixes are stripped from it. It gives
  // {exact: index or -1, stem: the stem found, list: indexes}.
  Index.prototype.lookup = function (t) {
    var wi = this.find(t), i, suf, st;
    if (wi >= 0) { return { exact: wi, stem: this.wordStem[wi], list: this.stems[this.wordStem[wi]] || [wi] }; }
    if (this.stems.hasOwnProperty(t)) { return { exact: -1, stem: t, list: this.stems[t] }; }
    for (i = 0; i < this.m.suffixes.length; i++) {
      suf = this.m.suffixes[i];
      st = t.substring(0, t.length - suf.length);
      if (st.length < 3 || t.substring(st.length) !== suf) { continue; }
      if (this.stems.hasOwnProperty(st)) { return { exact: -1, stem: st, list: this.stems[st] }; }
      // The stripped form is a word whose own stem differs (the stemmer
      // strips "fakturaformat" to "fakturaform" but "fakturaformaten"
      // only to "fakturaformat"): that word's family.
      if ((wi = this.find(st)) >= 0) { return { exact: -1, stem: this.wordStem[wi], list: this.stems[this.wordStem[wi]] || [wi] }; }
    }
    return null;
  };

  // expand lists what one query word matches: {q, v: {key: weight}} where
  // a key is "w:<dict index>" or "n:<numeric term>".
  Index.prototype.expand = function (t, prefix) {
    var v = {}, syn = {}, self = this, i, j, g, groups, found, hit, parts, sh;
    function add(idx, weight) {
      var k = 'w:' + idx;
      if (!(v[k] >= weight)) { v[k] = weight; }
    }
    function addSyn(list, weight) {
      for (var k = 0; k < list.length; k++) {
        if (!v.hasOwnProperty('w:' + list[k])) { syn['w:' + list[k]] = true; }
        add(list[k], weight);
      }
    }
    function addAll(list, weight) {
      for (var k = 0; k < list.length; k++) { add(list[k], weight); }
    }
    if (hasDigit(t)) {
      v['n:' + t] = MATCH.exact;
      return { q: t, v: v, prefix: false };
    }
    hit = this.lookup(t);
    if (hit) {
      addAll(hit.list, MATCH.stem);
      if (hit.exact >= 0) { add(hit.exact, MATCH.exact); }
    }
    found = !!hit;
    // Synonyms of the word or of any word sharing its stem, and their
    // inflections: synonym groups work from every form of every member.
    groups = (this.syn[t] || []).slice();
    for (i = 0; hit && i < hit.list.length; i++) { groups = groups.concat(this.syn[this.words[hit.list[i]]] || []); }
    for (i = 0; i < groups.length; i++) {
      g = this.m.syn[groups[i]];
      for (j = 0; j < g.length; j++) {
        sh = this.lookup(g[j]);
        if (sh) {
          addSyn(sh.list, MATCH.synonym * MATCH.stem);
          if (sh.exact >= 0) { addSyn([sh.exact], MATCH.synonym); }
          found = true;
        }
      }
    }
    if (prefix && t.length >= 2) {
      this.completions(t, PREFIX_WORDS, function (idx) { add(idx, MATCH.prefix); found = true; });
    }
    if (!found && t.length >= 4) {
      this.typos(t, function (idx, d) { add(idx, d === 1 ? MATCH.typo1 : MATCH.typo2); });
    }
    // An unknown compound stands for its parts, each a word of the query
    // (analyze splits it): an article with both parts covers it.
    if (!found && (parts = this.compound(t))) {
      return { q: t, v: v, syn: syn, prefix: prefix, parts: parts };
    }
    return { q: t, v: v, syn: syn, prefix: prefix };
  };

  // compound splits an unknown word into known words, as Swedish (and
  // English, less often) joins them: "skärmupplösning" is skärm +
  // upplösning, "bankgironummer" bankgiro + nummer, with an optional
  // linking s ("organisationsnummer"). It returns the lookups of the known
  // parts of the best split (both parts known beats one; a lone known part
  // needs 5 letters), or null.
  Index.prototype.compound = function (t) {
    var best = null, bestScore = 0, i, l, r, left, right, sc;
    if (t.length < 7) { return null; }
    for (i = 3; i <= t.length - 3; i++) {
      l = t.substring(0, i);
      r = t.substring(i);
      left = this.lookup(l) || (l.length > 3 && l.charAt(l.length - 1) === 's' ? this.lookup(l.substring(0, l.length - 1)) : null);
      right = this.lookup(r);
      sc = (left ? l.length : 0) + (right ? r.length : 0) + (left && right ? 100 : 0);
      if ((left && right) || (left && l.length >= 5) || (right && r.length >= 5)) {
        if (sc > bestScore) {
          bestScore = sc;
          best = [];
          if (left) { best.push(left); }
          if (right) { best.push(right); }
        }
      }
    }
    return best;
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

  // rank scores articles from loaded shards; see MATCH, FIELD, FILLER and
  // COVER. Each query word adds its best-matching variant's score, times
  // its rarity, to an article; the sum is scaled by the share of the
  // query's rarity the article covers. Stop words add to the score of the
  // articles that have them in a title, description or heading, and never
  // bring an article in by themselves.
  Index.prototype.rank = function (words, quick) {
    var n = this.m.docs, score = new Float64Array(n), cover = new Float64Array(n), best = new Float64Array(n), how = new Float64Array(n),
        ids = [], seen = new Uint8Array(n), matched = new Uint8Array(n), touched = [], i, k, j, t, pl, w, s, capped = false,
        logN = Math.log(1 + Math.max(1, n)), mass = 0, need = 0, full = 0, final, out;
    for (i = 0; i < words.length; i++) {
      w = words[i];
      touched.length = 0;
      // Rarity is the query word's, not each variant's: a rare inflection
      // must not outrank the word itself. It is the rarity of the word and
      // its inflections; a synonym as common as "log" must not make
      // "password" common. Words known only by their variants take those.
      var df = 1, own = 1;
      for (k in w.v) {
        if (!w.v.hasOwnProperty(k)) { continue; }
        df = Math.max(df, this.postings(k, quick).df);
        if (w.v[k] >= MATCH.stem) { own = Math.max(own, this.postings(k, quick).df); }
      }
      var idf = w.filler ? FILLER : 0.25 + Math.log(1 + n / (own > 1 ? own : df)) / logN, any = false;
      for (k in w.v) {
        if (!w.v.hasOwnProperty(k)) { continue; }
        pl = this.postings(k, quick);
        if (!w.filler && pl.df > pl.length / 2) { capped = true; }
        // A synonym weighs as rare as it is itself: "customer" for
        // "recipient", the word of every page, must not count as rare.
        var rare = w.syn && w.syn[k] ? Math.min(1, (0.25 + Math.log(1 + n / Math.max(1, pl.df)) / logN) / idf) : 1;
        for (j = 0; j < pl.length; j += 2) {
          t = pl[j + 1];
          s = rare * w.v[k] * (FIELD[t >> 3] + (t & 7));
          if (best[pl[j]] === 0) { touched.push(pl[j]); }
          if (s > best[pl[j]]) { best[pl[j]] = s; }
          if (w.v[k] > how[pl[j]]) { how[pl[j]] = w.v[k]; }
        }
      }
      // An article covers the word as well as its best way of matching
      // it: by the word itself fully, by a synonym or a typo partly.
      for (j = 0; j < touched.length; j++) {
        t = touched[j];
        score[t] += idf * best[t];
        if (!w.filler) {
          cover[t] += idf * how[t];
          matched[t]++;
          any = true;
          if (!seen[t]) { seen[t] = 1; ids.push(t); }
        }
        best[t] = 0;
        how[t] = 0;
      }
      // A word no article has (a typo beyond repair) cannot tell articles
      // apart: it does not count in the query's weight.
      if (any) { mass += idf; need++; }
    }
    final = new Float64Array(n);
    var most = 0;
    for (i = 0; i < ids.length; i++) {
      t = ids[i];
      cover[t] = mass > 0 ? cover[t] / mass : 1;
      if (cover[t] > most) { most = cover[t]; }
      if (matched[t] === need) { full++; }
      final[t] = score[t] * Math.pow(cover[t], COVER);
    }
    for (i = 0; i < this.m.promoted.length; i++) { final[this.m.promoted[i]] *= PROMOTED; }
    if (full > 0) {
      out = [];
      for (i = 0; i < ids.length; i++) { if (cover[ids[i]] >= MIN_COVER * most) { out.push(ids[i]); } }
      ids = out;
    }
    ids.sort(function (a, b) { return final[b] - final[a] || a - b; });
    return { hits: ids, words: words, capped: capped, score: final, full: full };
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
      // Stop words are not highlighted: "to" in every line is no help.
      if (words[i].filler) { continue; }
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
