package search

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Doc is one article as the index sees it. The pipeline fills it from the
// site graph; Text is the plain text of the rendered body (no markup).
type Doc struct {
	URL         string   // site-relative, e.g. "/en/articles/create-a-case/"
	Title       string   // article title
	Section     string   // section title
	SectionURL  string   // section URL, e.g. "/en/sections/cases/"
	Category    string   // category title
	CategoryURL string   // category URL, e.g. "/en/categories/support/"
	Description string   // the article's description (front matter), what it answers in a sentence
	Headings    []string // h2-h6 texts of the body
	Text        string   // plain text of the body
	Weight      int      // position within its section (lower first), as the site orders it
	Promoted    bool     // promoted on the locale home: ranked slightly higher
}

// Tuning of the index. They trade the bytes a reader downloads against the
// number of files a build writes (each costs 70-300 µs of kernel time), and
// are chosen for the budget in the package doc; see bench/search.
const (
	// postingCap keeps only the highest-impact postings of a term. A word in
	// every article would otherwise cost ~20 KB per query on a 10k site;
	// readers never page past the first few hundred results, and a
	// multi-word query still finds the articles that rank high on each word.
	postingCap = 400
	// shardTarget is the size at which a run of postings is cut into a new
	// shard file. A query reads about two shards per word; 6 KB instead of
	// 4 KB saves a third of the shard files for ~8 KB per three queries.
	shardTarget = 6 << 10
	// headSize is the number of postings per term in heads/N.json, the
	// shards that suggestions read while the reader types: the articles
	// where the word weighs most, which is all a list of six suggestions
	// needs, at a tenth of the bytes.
	headSize = 24
	// headTarget is shardTarget for heads/N.json. Every keystroke may
	// read new heads, so they stay small.
	headTarget = 4 << 10
	// numTarget is the size of a num/N.json bucket. Typing a number reads a
	// bucket per keystroke ("4", "40", "404"), so buckets stay small; the
	// benchmark's 10,000 numeric terms fill 32.
	numTarget = 8 << 10
	// docChunk is the number of articles per docs/N.json. Every suggestion
	// and result reads the whole chunk holding its article, and results
	// are scattered, so a chunk's bytes are paid once per shown article
	// while the chunk count is the largest group of files: 16 keeps both
	// in budget (see bench/search/README.md for the measured trade-off).
	docChunk = 16
	// textCap bounds the snippet source per article: the opening of the
	// plain text, in bytes, about one results-page snippet. It rides in
	// docs/N.json, so suggestions download it too; each 10 bytes here
	// costs ~7 KB in the three-query benchmark session.
	textCap = 160
)

// Format is the version of the index format, stored in the manifest; bump it
// when search-core.js must change with the files. Format 2 moved the snippet text
// from text/N.json into docs/N.json; format 3 indexes descriptions, gives
// impacts three field bits (title, description, heading) over a 0-7 grade,
// indexes stop words where titles, descriptions and headings have them, and
// names the negation word in the manifest.
const Format = 3

// posting is one article's occurrence of a term during the build.
type posting struct {
	doc    int32
	tf     uint16
	flags  uint8 // inTitle | inDescription | inHeading
	impact uint8
}

// The fields a term occurs in, besides the body. A posting's impact is
// flags*8 + a BM25 grade of its body frequency (0-7): six bits, one
// character of the alphabet. The flags are kept apart rather than as the
// best field alone, so that a word in both the title and the description
// (what the article is about) weighs more than one in the title only.
const (
	inHeading     = 1
	inDescription = 2
	inTitle       = 4
)

// term is one distinct folded word during the build.
type term struct {
	fold, orig string
	postings   []posting
	// stop marks a stop word: indexed only where it is in a title,
	// description or heading ("Who do I turn to …?"), never in the body.
	stop bool
}

// Index indexes one locale's articles and returns the index files, keyed by
// their path relative to the locale's index folder (public/search/<locale>/).
// The same input in any order gives byte-identical files. synonyms is the
// locale's `synonyms:` front matter: groups of words that find each other.
//
// The files are:
//
//	manifest.json  categories, sections, shard boundaries, stop words, synonyms, fold table
//	dict.json      every non-numeric term, sorted and front-coded, with its stem and df class
//	shards/N.json  posting lists of a run of consecutive dictionary terms
//	heads/N.json   the same, cut to each term's 24 best postings, for suggestions
//	num/N.json     posting lists of terms containing digits, hashed into buckets
//	docs/N.json    title, URL and opening text of articles N*16 … N*16+15
func Index(locale string, docs []Doc, synonyms [][]string) (map[string][]byte, error) {
	if locale == "" {
		return nil, fmt.Errorf("search: empty locale: pass the locale folder name, e.g. \"en\"")
	}
	syn, err := normalizeSynonyms(synonyms)
	if err != nil {
		return nil, err
	}
	docs = slices.Clone(docs)
	slices.SortFunc(docs, func(a, b Doc) int {
		return cmp.Or(cmp.Compare(a.CategoryURL, b.CategoryURL), cmp.Compare(a.SectionURL, b.SectionURL),
			cmp.Compare(a.Weight, b.Weight), cmp.Compare(a.Title, b.Title), cmp.Compare(a.URL, b.URL))
	})
	for i := range docs {
		if docs[i].URL == "" {
			return nil, fmt.Errorf("search: article %q has no URL: set Doc.URL to its site-relative path", docs[i].Title)
		}
		if i > 0 && docs[i].URL == docs[i-1].URL {
			return nil, fmt.Errorf("search: two articles have the URL %q: each Doc needs its own", docs[i].URL)
		}
	}
	ix := &indexer{lang: lang(locale), docs: docs, ids: make(map[string]int32, 1<<13)}
	ix.index()
	return ix.files(locale, syn)
}

// indexer holds the state of one Index call.
type indexer struct {
	lang  language
	docs  []Doc
	ids   map[string]int32
	terms []term

	// per-article scratch, indexed by term id
	tf      []uint16
	flags   []uint8
	touched []int32
	z       tokenizer
}

// index tokenizes every article and collects the postings with their impact.
func (ix *indexer) index() {
	stop := make(map[string]bool, len(ix.lang.stop))
	for _, w := range ix.lang.stop {
		stop[w] = true
	}
	lens := make([]int, len(ix.docs))
	total := 0
	for d := range ix.docs {
		doc := &ix.docs[d]
		n := 0
		add := func(flag uint8) func(token) {
			return func(t token) {
				id, ok := ix.ids[string(t.fold)]
				if !ok {
					isStop := stop[string(t.fold)]
					if isStop && flag == 0 {
						return
					}
					id = int32(len(ix.terms))
					ix.terms = append(ix.terms, term{fold: string(t.fold), orig: string(t.orig), stop: isStop})
					ix.ids[ix.terms[id].fold] = id
					ix.tf = append(ix.tf, 0)
					ix.flags = append(ix.flags, 0)
				} else if isASCII(ix.terms[id].orig) && !bytes.Equal(t.orig, t.fold) {
					// Prefer an original with diacritics: the Swedish stemmer needs them.
					ix.terms[id].orig = string(t.orig)
				}
				if flag == 0 && ix.terms[id].stop {
					return
				}
				if ix.tf[id] == 0 && ix.flags[id] == 0 {
					ix.touched = append(ix.touched, id)
				}
				if flag == 0 {
					if ix.tf[id] < math.MaxUint16 {
						ix.tf[id]++
					}
					n++
				}
				ix.flags[id] |= flag
			}
		}
		ix.z.each(doc.Title, add(inTitle))
		ix.z.each(doc.Description, add(inDescription))
		for _, h := range doc.Headings {
			ix.z.each(h, add(inHeading))
		}
		ix.z.each(doc.Text, add(0))
		slices.Sort(ix.touched)
		for _, id := range ix.touched {
			ix.terms[id].postings = append(ix.terms[id].postings, posting{doc: int32(d), tf: ix.tf[id], flags: ix.flags[id]})
			ix.tf[id], ix.flags[id] = 0, 0
		}
		ix.touched = ix.touched[:0]
		lens[d] = n
		total += n
	}
	avg := float64(total) / float64(max(1, len(ix.docs)))
	// BM25's saturating term frequency, normalized by article length.
	const k1, bb = 1.2, 0.75
	for i := range ix.terms {
		for j := range ix.terms[i].postings {
			p := &ix.terms[i].postings[j]
			grade := 0
			if p.tf > 0 {
				tf := float64(p.tf)
				s := tf * (k1 + 1) / (tf + k1*(1-bb+bb*float64(lens[p.doc])/max(avg, 1)))
				grade = min(7, 1+int(s/(k1+1)*7))
			}
			p.impact = p.flags*8 + uint8(grade)
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// encodePostings writes a term's posting list: its document frequency, then
// for each kept posting the gap to the previous article id and the impact.
// It keeps the limit postings of highest impact (ties: lower article id
// first) without sorting: impacts are 6-bit, so a histogram finds the
// cut-off impact in one pass and the list stays in article order.
func encodePostings(dst []byte, ps []posting, limit int) []byte {
	dst = appendVarint(dst, len(ps))
	cut, atCut := -1, 0 // keep impact > cut, and atCut postings with impact == cut
	if len(ps) > limit {
		var hist [64]int
		for _, p := range ps {
			hist[p.impact]++
		}
		n := 0
		for cut = 63; n+hist[cut] < limit; cut-- {
			n += hist[cut]
		}
		atCut = limit - n
	}
	prev := int32(-1)
	for _, p := range ps {
		if int(p.impact) < cut {
			continue
		}
		if int(p.impact) == cut {
			if atCut == 0 {
				continue
			}
			atCut--
		}
		dst = appendVarint(dst, int(p.doc-prev-1))
		dst = append(dst, alphabet[p.impact])
		prev = p.doc
	}
	return dst
}

// shardWriter cuts the posting strings of consecutive dictionary words into
// JSON arrays of about target bytes, named dir + N + ".json". A shard is
// only cut once it holds a quarter of the target, so no file is needlessly
// small.
type shardWriter struct {
	dir    string
	out    map[string][]byte
	target int
	starts []int // dictionary index of each shard's first word
	cur    []byte
}

func (w *shardWriter) add(word int, enc []byte) {
	if w.cur == nil || len(w.cur)+len(enc) > w.target && len(w.cur) > w.target/4 {
		w.flush()
		w.starts = append(w.starts, word)
		w.cur = append(make([]byte, 0, w.target+256), '[')
	} else {
		w.cur = append(w.cur, ',')
	}
	w.cur = append(w.cur, '"')
	w.cur = append(w.cur, enc...)
	w.cur = append(w.cur, '"')
}

func (w *shardWriter) flush() {
	if w.cur != nil {
		w.out[w.dir+strconv.Itoa(len(w.starts)-1)+".json"] = append(w.cur, ']')
		w.cur = nil
	}
}

// manifest is manifest.json, the first file search-core.js loads. Keys are short
// because every reader downloads it.
type manifest struct {
	Format     int               `json:"format"`
	Version    string            `json:"build"`    // content hash; search-core.js appends ?v=<build> to every other file
	Locale     string            `json:"locale"`   //
	Docs       int               `json:"docs"`     // number of articles
	Chunk      int               `json:"chunk"`    // articles per docs/N.json, each [title, url, text]
	Cap        int               `json:"cap"`      // posting lists longer than this are cut to their top impacts
	URLPrefix  string            `json:"urlPre"`   // common prefix of article URLs, left out of docs/N.json
	URLSuffix  string            `json:"urlSuf"`   // common suffix of article URLs
	Categories [][2]string       `json:"cats"`     // [title, url]
	Sections   [][4]any          `json:"secs"`     // [title, url, category index, first article id]; articles are grouped by section
	Promoted   []int             `json:"promoted"` // promoted article ids
	Shards     []int             `json:"shards"`   // index in dict.json of the first term of each shards/N.json
	Heads      []int             `json:"heads"`    // index in dict.json of the first term of each heads/N.json
	Buckets    int               `json:"buckets"`  // number of num/N.json files
	Stop       []string          `json:"stop"`     // folded stop words: filler in queries, indexed only in titles, descriptions and headings
	Negation   string            `json:"neg"`      // the word "n't" contractions stand for ("can't" → not), if the language has them
	Suffixes   []string          `json:"suffixes"` // folded inflection suffixes, longest first
	Synonyms   [][]string        `json:"syn"`      // folded synonym groups
	Fold       map[string]string `json:"fold"`     // the fold table
}

// files encodes the index.
func (ix *indexer) files(locale string, syn [][]string) (map[string][]byte, error) {
	out := make(map[string][]byte, 64+len(ix.docs)/docChunk)
	var words, nums []int32
	for id := range ix.terms {
		if isNumeric(ix.terms[id].fold) {
			nums = append(nums, int32(id))
		} else {
			words = append(words, int32(id))
		}
	}
	slices.SortFunc(words, func(x, y int32) int { return strings.Compare(ix.terms[x].fold, ix.terms[y].fold) })
	slices.SortFunc(nums, func(x, y int32) int { return strings.Compare(ix.terms[x].fold, ix.terms[y].fold) })

	// Dictionary, shards and heads, in one pass over the sorted words.
	var dict, enc []byte
	shards := shardWriter{dir: "shards/", out: out, target: shardTarget}
	heads := shardWriter{dir: "heads/", out: out, target: headTarget}
	prev := ""
	for i, id := range words {
		t := &ix.terms[id]
		dict = appendDictEntry(dict, prev, t, ix.lang.stem)
		prev = t.fold
		enc = encodePostings(enc[:0], t.postings, postingCap)
		shards.add(i, enc)
		enc = encodePostings(enc[:0], t.postings, headSize)
		heads.add(i, enc)
	}
	shards.flush()
	heads.flush()
	dictJSON, err := json.Marshal(string(dict))
	if err != nil {
		return nil, fmt.Errorf("search: encoding dictionary: %w", err)
	}
	out["dict.json"] = dictJSON

	// Numeric terms, hashed into buckets of about numTarget bytes.
	numSize := 0
	numEnc := make([][]byte, len(nums))
	for i, id := range nums {
		numEnc[i] = encodePostings(nil, ix.terms[id].postings, postingCap)
		numSize += len(numEnc[i]) + len(ix.terms[id].fold) + 6
	}
	buckets := max(1, (numSize+numTarget-1)/numTarget)
	bucket := make([][]byte, buckets)
	for i, id := range nums {
		f := ix.terms[id].fold
		k := fnv1a(f) % uint32(buckets)
		if bucket[k] == nil {
			bucket[k] = []byte{'{'}
		} else {
			bucket[k] = append(bucket[k], ',')
		}
		q, _ := json.Marshal(f)
		bucket[k] = append(bucket[k], q...)
		bucket[k] = append(bucket[k], ':', '"')
		bucket[k] = append(bucket[k], numEnc[i]...)
		bucket[k] = append(bucket[k], '"')
	}
	for k := range bucket {
		if bucket[k] == nil {
			bucket[k] = []byte{'{'}
		}
		out["num/"+strconv.Itoa(k)+".json"] = append(bucket[k], '}')
	}

	// Articles: title, URL and snippet text, docChunk to a file. The text
	// rides with the title so that a result costs one request and the
	// index has no file per article.
	pre, suf := commonAffixes(ix.docs)
	for c := 0; c*docChunk < len(ix.docs); c++ {
		part := ix.docs[c*docChunk : min(len(ix.docs), (c+1)*docChunk)]
		row := make([]string, 0, 3*len(part))
		for _, d := range part {
			row = append(row, d.Title, d.URL[len(pre):len(d.URL)-len(suf)], snippetSource(d.Text))
		}
		j, err := json.Marshal(row)
		if err != nil {
			return nil, fmt.Errorf("search: encoding articles %d-%d: %w", c*docChunk, c*docChunk+len(part)-1, err)
		}
		out["docs/"+strconv.Itoa(c)+".json"] = j
	}

	m := manifest{Format: Format, Locale: locale, Docs: len(ix.docs), Chunk: docChunk, Cap: postingCap,
		URLPrefix: pre, URLSuffix: suf, Shards: shards.starts, Heads: heads.starts, Buckets: buckets,
		Stop: ix.lang.stop, Negation: ix.lang.negation, Suffixes: ix.lang.suffixes, Synonyms: syn, Fold: make(map[string]string, len(foldTable))}
	if m.Shards == nil {
		m.Shards, m.Heads = []int{}, []int{}
	}
	if m.Stop == nil {
		m.Stop = []string{}
	}
	if m.Suffixes == nil {
		m.Suffixes = []string{}
	}
	for r, f := range foldTable {
		m.Fold[string(r)] = f
	}
	cats := map[string]int{}
	for i, d := range ix.docs {
		if _, ok := cats[d.CategoryURL]; !ok {
			cats[d.CategoryURL] = len(m.Categories)
			m.Categories = append(m.Categories, [2]string{d.Category, d.CategoryURL})
		}
		if n := len(m.Sections); n == 0 || m.Sections[n-1][1] != d.SectionURL {
			m.Sections = append(m.Sections, [4]any{d.Section, d.SectionURL, cats[d.CategoryURL], i})
		}
		if d.Promoted {
			m.Promoted = append(m.Promoted, i)
		}
	}
	if m.Categories == nil {
		m.Categories = [][2]string{}
		m.Sections = [][4]any{}
	}
	if m.Promoted == nil {
		m.Promoted = []int{}
	}
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write(out[k])
	}
	m.Version = hex.EncodeToString(h.Sum(nil))[:12]
	mj, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("search: encoding manifest: %w", err)
	}
	out["manifest.json"] = mj
	return out, nil
}

// appendDictEntry writes one dict.json entry: an uppercase letter giving the
// length of the prefix shared with the previous word (A=0 … Z=25), the rest
// of the word, a digit for the document-frequency class, and, when the stem
// differs from the word, a digit for how many characters to drop from the
// word and the characters to add. Folded words hold no uppercase letters and
// no digits, so the entries need no separators.
func appendDictEntry(dst []byte, prev string, t *term, stem func(string, bool) string) []byte {
	w := t.fold
	p := min(25, commonPrefix(prev, w))
	// Byte prefix to rune count: folded words may hold other scripts.
	for p > 0 && !utf8.RuneStart(w[p]) {
		p--
	}
	dst = append(dst, byte('A'+utf8.RuneCountInString(w[:p])))
	dst = append(dst, w[p:]...)
	df := len(t.postings)
	dst = append(dst, byte('0'+min(9, int(float64(bits.Len(uint(df))-1)/1.5))))
	if stem == nil {
		return dst
	}
	s := Fold(stem(t.orig, true))
	if s == w || s == "" {
		return dst
	}
	cp := commonPrefix(s, w)
	for cp > 0 && !utf8.RuneStart(w[cp]) {
		cp--
	}
	drop := utf8.RuneCountInString(w[cp:])
	if drop > 9 || strings.ContainsAny(s[cp:], "0123456789") {
		return dst
	}
	dst = append(dst, byte('0'+drop))
	return append(dst, s[cp:]...)
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// commonAffixes returns the prefix and suffix shared by all article URLs
// (typically "/en/articles/" and "/"), which docs/N.json leaves out.
func commonAffixes(docs []Doc) (pre, suf string) {
	if len(docs) == 0 {
		return "", ""
	}
	pre, suf = docs[0].URL, docs[0].URL
	for _, d := range docs[1:] {
		pre = pre[:commonPrefix(pre, d.URL)]
		n := 0
		for n < len(suf) && n < len(d.URL) && suf[len(suf)-1-n] == d.URL[len(d.URL)-1-n] {
			n++
		}
		suf = suf[len(suf)-n:]
	}
	// Keep at least one character of every URL and cut on whole runes.
	shortest := len(docs[0].URL)
	for _, d := range docs {
		shortest = min(shortest, len(d.URL))
	}
	for len(pre)+len(suf) >= shortest && len(suf) > 0 {
		suf = suf[1:]
	}
	for len(pre)+len(suf) >= shortest && len(pre) > 0 {
		pre = pre[:len(pre)-1]
	}
	for len(pre) > 0 && !utf8.RuneStart(docs[0].URL[len(pre)]) {
		pre = pre[:len(pre)-1]
	}
	for len(suf) > 0 && !utf8.RuneStart(suf[0]) {
		suf = suf[1:]
	}
	return pre, suf
}

// snippetSource trims an article's text to what snippets are cut from:
// whitespace collapsed to single spaces, at most textCap bytes, ending on a
// word boundary, and followed by "…" when the text goes on (so search-core.js
// knows the opening is not the whole article).
func snippetSource(s string) string {
	// Collect one byte more than fits, to tell a cut text from one that
	// ends exactly at the cap. A space is only added before a non-space,
	// so b never ends with one.
	b := make([]byte, 0, min(len(s), textCap+1)+len("…"))
	space := false
	for i := 0; i < len(s) && len(b) <= textCap; i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			space = len(b) > 0
		default:
			if space {
				b = append(b, ' ')
				space = false
			}
			b = append(b, c)
		}
	}
	if len(b) <= textCap {
		return string(b)
	}
	cut := textCap
	if b[cut] != ' ' {
		if sp := bytes.LastIndexByte(b[:cut], ' '); sp > textCap/2 {
			cut = sp
		}
		// A word longer than half the cap is cut inside: on a whole character.
		for cut > 0 && !utf8.RuneStart(b[cut]) {
			cut--
		}
	}
	b = bytes.TrimRight(b[:cut], " ,;:(")
	return string(append(b, "…"...))
}

// normalizeSynonyms folds every word of every group, drops duplicates and
// sorts, so that the manifest does not depend on how writers ordered them.
func normalizeSynonyms(groups [][]string) ([][]string, error) {
	out := [][]string{}
	for gi, g := range groups {
		var set []string
		for _, w := range g {
			toks := Tokens(w)
			if len(toks) != 1 {
				return nil, fmt.Errorf("search: synonyms group %d: %q is not one word: list single words such as [login, password]", gi+1, w)
			}
			// "e-invoice" is indexed as "invoice" (a letter alone is no
			// word): as a synonym it would make every invoice match the
			// whole group.
			if whole := strings.NewReplacer("-", "", "'", "", "’", "").Replace(Fold(strings.TrimSpace(w))); toks[0] != whole {
				return nil, fmt.Errorf("search: synonyms group %d: %q is indexed as %q, so it would stand for every %q: write it as one word (%q) or leave it out", gi+1, w, toks[0], toks[0], whole)
			}
			if !slices.Contains(set, toks[0]) {
				set = append(set, toks[0])
			}
		}
		if len(set) < 2 {
			return nil, fmt.Errorf("search: synonyms group %d %q needs at least two different words", gi+1, g)
		}
		slices.Sort(set)
		out = append(out, set)
	}
	slices.SortFunc(out, slices.Compare)
	out = slices.CompactFunc(out, slices.Equal)
	return out, nil
}
