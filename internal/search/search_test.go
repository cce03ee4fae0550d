package search

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite testdata/fixture from the fixture articles")

func TestTokens(t *testing.T) {
	raw, err := os.ReadFile("testdata/tokenize.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases [][2]json.RawMessage
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("testdata/tokenize.json: %v", err)
	}
	for _, c := range cases {
		var in string
		var want []string
		if err := json.Unmarshal(c[0], &in); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(c[1], &want); err != nil {
			t.Fatal(err)
		}
		t.Run(in, func(t *testing.T) {
			got := Tokens(in)
			if len(got) == 0 && len(want) == 0 {
				return
			}
			if !slices.Equal(got, want) {
				t.Errorf("Tokens(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Öppettider": "oppettider",
		"FAKTURA":    "faktura",
		"café":       "cafe",
		"Ångström":   "angstrom",
		"naïve":      "naive",
		"plain":      "plain",
	} {
		t.Run(in, func(t *testing.T) {
			if got := Fold(in); got != want {
				t.Errorf("Fold(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

// entry is one decoded dict.json entry.
type entry struct {
	word, stem string
	dfClass    int
}

// decodeDict is the Go twin of Index.decodeDict in search-core.js.
func decodeDict(t *testing.T, raw []byte) []entry {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("dict.json: %v", err)
	}
	var out []entry
	prev := []rune{}
	r := []rune(s)
	for i := 0; i < len(r); {
		p := int(r[i] - 'A')
		i++
		st := i
		for i < len(r) && !(r[i] >= '0' && r[i] <= '9') {
			i++
		}
		w := string(prev[:p]) + string(r[st:i])
		e := entry{word: w, stem: w, dfClass: int(r[i] - '0')}
		i++
		if i < len(r) && r[i] >= '0' && r[i] <= '9' {
			drop := int(r[i] - '0')
			i++
			st = i
			for i < len(r) && !(r[i] >= 'A' && r[i] <= 'Z') {
				i++
			}
			wr := []rune(w)
			e.stem = string(wr[:len(wr)-drop]) + string(r[st:i])
		}
		out = append(out, e)
		prev = []rune(w)
	}
	return out
}

// index is a decoded Build output for assertions.
type index struct {
	files map[string][]byte
	m     manifest
	dict  []entry
}

func build(t *testing.T, locale string, docs []Doc, syn [][]string) *index {
	t.Helper()
	files, err := Index(locale, docs, syn)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	ix := &index{files: files}
	if err := json.Unmarshal(files["manifest.json"], &ix.m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	ix.dict = decodeDict(t, files["dict.json"])
	return ix
}

func (ix *index) word(w string) (int, entry) {
	for i, e := range ix.dict {
		if e.word == w {
			return i, e
		}
	}
	return -1, entry{}
}

// postings decodes the list of a word from shards (or heads), as
// [doc, impact] pairs, and its df.
func (ix *index) postings(t *testing.T, w, dir string) (list [][2]int, df int) {
	t.Helper()
	var enc string
	if isNumeric(w) {
		var bucket map[string]string
		name := "num/" + strconv.Itoa(int(fnv1a(w)%uint32(ix.m.Buckets))) + ".json"
		if err := json.Unmarshal(ix.files[name], &bucket); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		enc = bucket[w]
	} else {
		wi, _ := ix.word(w)
		if wi < 0 {
			return nil, 0
		}
		starts := ix.m.Shards
		if dir == "heads" {
			starts = ix.m.Heads
		}
		sh := 0
		for sh+1 < len(starts) && starts[sh+1] <= wi {
			sh++
		}
		var arr []string
		name := dir + "/" + strconv.Itoa(sh) + ".json"
		if err := json.Unmarshal(ix.files[name], &arr); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		enc = arr[wi-starts[sh]]
	}
	if enc == "" {
		return nil, 0
	}
	df, i, ok := readVarint(enc, 0)
	if !ok {
		t.Fatalf("postings of %q: bad df", w)
	}
	doc := -1
	for i < len(enc) {
		var gap int
		gap, i, ok = readVarint(enc, i)
		if !ok || i >= len(enc) {
			t.Fatalf("postings of %q: truncated at %d", w, i)
		}
		doc += gap + 1
		list = append(list, [2]int{doc, int(digitValue[enc[i]])})
		i++
	}
	return list, df
}

// docID returns the article id Build gave the article with this URL.
func (ix *index) docID(t *testing.T, url string) int {
	t.Helper()
	for c := 0; ; c++ {
		raw, ok := ix.files["docs/"+strconv.Itoa(c)+".json"]
		if !ok {
			t.Fatalf("no article %q in docs/", url)
		}
		var row []string
		if err := json.Unmarshal(raw, &row); err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(row); i += 3 {
			if ix.m.URLPrefix+row[i]+ix.m.URLSuffix == url {
				return c*ix.m.Chunk + i/3
			}
		}
	}
}

func TestStems(t *testing.T) {
	cases := []struct {
		locale, text, word, stem string
	}{
		{"sv", "Fakturor skickas som faktura", "fakturor", "faktur"},
		{"sv", "Fakturor skickas som faktura", "faktura", "faktur"},
		{"sv", "Öppettiderna ändras", "oppettiderna", "oppettid"},
		{"en", "Invoices are invoiced when invoicing", "invoices", "invoic"},
		{"en", "Invoices are invoiced when invoicing", "invoicing", "invoic"},
		{"en", "a happy company", "happy", "happi"},
		{"en", "a happy company", "company", "compani"},
		{"de", "Rechnungen", "rechnungen", "rechnungen"}, // no stemmer: the word itself
	}
	for _, c := range cases {
		t.Run(c.locale+"/"+c.word, func(t *testing.T) {
			ix := build(t, c.locale, []Doc{{URL: "/a/", Title: "t", Text: c.text}}, nil)
			_, e := ix.word(c.word)
			if e.word == "" {
				t.Fatalf("%q not in the dictionary %v", c.word, ix.dict)
			}
			if e.stem != c.stem {
				t.Errorf("stem of %q = %q, want %q", c.word, e.stem, c.stem)
			}
		})
	}
}

// TestSwedishInflectionReachable checks what search-core.js relies on to find
// "faktura" for the query "fakturor" when only "faktura" is indexed: some
// suffix of the manifest strips the query down to faktura's stem.
func TestSwedishInflectionReachable(t *testing.T) {
	ix := build(t, "sv", []Doc{{URL: "/sv/a/", Title: "Om faktura", Text: "En faktura skickas."}}, nil)
	_, e := ix.word("faktura")
	found := false
	for _, suf := range ix.m.Suffixes {
		if q := "fakturor"; strings.HasSuffix(q, suf) && strings.TrimSuffix(q, suf) == e.stem {
			found = true
		}
	}
	if !found {
		t.Errorf("no suffix in %q strips %q to the stem %q", ix.m.Suffixes, "fakturor", e.stem)
	}
}

// TestStopWords: a stop word is indexed where a title, description or
// heading has it ("Who do I turn to …?", which search-core.js matches a
// question against), never for the body; negations are no stop words.
func TestStopWords(t *testing.T) {
	ix := build(t, "en", []Doc{
		{URL: "/a/", Title: "How to reset the password", Text: "It is what it is. The password is not working."},
		{URL: "/b/", Title: "Invoices", Description: "What the statuses mean", Text: "How the invoice moves. It is what it is."},
	}, nil)
	for _, w := range []string{"it", "is"} {
		if i, _ := ix.word(w); i >= 0 {
			t.Errorf("stop word %q only in bodies is indexed", w)
		}
	}
	for _, w := range []string{"reset", "password", "not"} {
		if i, _ := ix.word(w); i < 0 {
			t.Errorf("%q is not indexed", w)
		}
	}
	for w, want := range map[string][]string{"how": {"/a/"}, "the": {"/a/", "/b/"}, "what": {"/b/"}, "to": {"/a/"}} {
		list, _ := ix.postings(t, w, "shards")
		var got []string
		for _, p := range list {
			if p[1]&7 != 0 {
				t.Errorf("stop word %q has a body grade %d", w, p[1]&7)
			}
			for _, u := range []string{"/a/", "/b/"} {
				if ix.docID(t, u) == p[0] {
					got = append(got, u)
				}
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("stop word %q is indexed for %v, want the articles with it in a title or description %v", w, got, want)
		}
	}
	if ix.m.Negation != "not" {
		t.Errorf("manifest neg = %q, want not", ix.m.Negation)
	}
	sv := build(t, "sv", []Doc{{URL: "/a/", Title: "Inloggningen fungerar inte", Text: "Jag kan inte logga in för att det är fel."}}, nil)
	if i, _ := sv.word("for"); i >= 0 {
		t.Errorf("Swedish stop word för (folded for), only in the body, is indexed")
	}
	if i, _ := sv.word("inte"); i < 0 {
		t.Errorf("Swedish negation inte is not indexed")
	}
}

func TestSynonyms(t *testing.T) {
	t.Run("normalized", func(t *testing.T) {
		ix := build(t, "en", []Doc{{URL: "/a/", Title: "t"}}, [][]string{
			{"Password", "credentials", "LOGIN", "password"},
			{"öppettider", "hours"},
			{"login", "credentials", "password"},
		})
		want := [][]string{{"credentials", "login", "password"}, {"hours", "oppettider"}}
		if !slices.EqualFunc(ix.m.Synonyms, want, slices.Equal) {
			t.Errorf("synonyms = %q, want %q", ix.m.Synonyms, want)
		}
	})
	for name, groups := range map[string][][]string{
		"phrase":    {{"log in", "login"}},
		"one word":  {{"login", "Login"}},
		"empty":     {{}},
		"no letter": {{"login", "--"}},
		// A letter alone is no word: "e-invoice" is indexed as "invoice".
		"lone letter": {{"e-invoice", "einvoice"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Index("en", nil, groups); err == nil {
				t.Errorf("Build accepted synonyms %q", groups)
			}
		})
	}
}

// TestRankingImpacts checks the order search-core.js ranks by: a title match
// above a description match above a heading match above a body match, and
// more occurrences above fewer within the body.
func TestRankingImpacts(t *testing.T) {
	filler := strings.Repeat("other words here. ", 20)
	docs := []Doc{
		{URL: "/body1/", Title: "Alpha", Text: filler + "invoice once"},
		{URL: "/body3/", Title: "Beta", Text: filler + "invoice invoice invoice"},
		{URL: "/heading/", Title: "Gamma", Headings: []string{"The invoice"}, Text: filler + "invoice"},
		{URL: "/description/", Title: "Delta", Description: "Send an invoice.", Text: filler + "invoice"},
		{URL: "/title/", Title: "Invoice basics", Text: filler},
		{URL: "/both/", Title: "Invoice", Headings: []string{"Invoice"}, Text: filler + "invoice"},
	}
	ix := build(t, "en", docs, nil)
	list, df := ix.postings(t, "invoic", "shards")
	if list == nil {
		list, df = ix.postings(t, "invoice", "shards")
	}
	if df != 6 || len(list) != 6 {
		t.Fatalf("invoice: df %d, %d postings; want 6 and 6", df, len(list))
	}
	impact := map[string]int{}
	for _, p := range list {
		for _, d := range docs {
			if ix.docID(t, d.URL) == p[0] {
				impact[d.URL] = p[1]
			}
		}
	}
	order := []string{"/both/", "/title/", "/description/", "/heading/", "/body3/", "/body1/"}
	for i := 1; i < len(order); i++ {
		if impact[order[i-1]] <= impact[order[i]] {
			t.Errorf("impact %s = %d, not above %s = %d", order[i-1], impact[order[i-1]], order[i], impact[order[i]])
		}
	}
}

func TestPostingCapAndHeads(t *testing.T) {
	n := postingCap + 100
	docs := make([]Doc, n)
	for i := range docs {
		docs[i] = Doc{URL: fmt.Sprintf("/a%04d/", i), Title: fmt.Sprintf("Article %d", i), Text: "common word"}
	}
	docs[n-1].Title = "Common questions" // the one title hit must survive both cuts
	ix := build(t, "en", docs, nil)
	title := ix.docID(t, fmt.Sprintf("/a%04d/", n-1))
	for _, c := range []struct {
		dir  string
		want int
	}{{"shards", postingCap}, {"heads", headSize}} {
		t.Run(c.dir, func(t *testing.T) {
			list, df := ix.postings(t, "common", c.dir)
			if df != n || len(list) != c.want {
				t.Fatalf("common: df %d, %d postings; want %d and %d", df, len(list), n, c.want)
			}
			if !slices.ContainsFunc(list, func(p [2]int) bool { return p[0] == title }) {
				t.Errorf("the article with the word in its title was cut")
			}
			if !slices.IsSortedFunc(list, func(a, b [2]int) int { return a[0] - b[0] }) {
				t.Errorf("postings not in article order")
			}
		})
	}
}

func TestNumericTerms(t *testing.T) {
	ix := build(t, "en", []Doc{
		{URL: "/a/", Title: "Error 404", Text: "version 2fa"},
		{URL: "/b/", Title: "Other", Text: "error 500"},
	}, nil)
	for _, w := range []string{"404", "2fa", "500"} {
		if i, _ := ix.word(w); i >= 0 {
			t.Errorf("numeric %q is in the dictionary", w)
		}
		if list, df := ix.postings(t, w, ""); df != 1 || len(list) != 1 {
			t.Errorf("%q: df %d, postings %v; want one", w, df, list)
		}
	}
}

func TestShardsCoverDictionary(t *testing.T) {
	docs := corpus(300, 1)
	ix := build(t, "en", docs, nil)
	for _, dir := range []string{"shards", "heads"} {
		starts := ix.m.Shards
		if dir == "heads" {
			starts = ix.m.Heads
		}
		if len(starts) == 0 || starts[0] != 0 {
			t.Fatalf("%s: starts %v, want to begin at 0", dir, starts)
		}
		total := 0
		for i := range starts {
			var arr []string
			name := dir + "/" + strconv.Itoa(i) + ".json"
			if err := json.Unmarshal(ix.files[name], &arr); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			end := len(ix.dict)
			if i+1 < len(starts) {
				end = starts[i+1]
			}
			if len(arr) != end-starts[i] {
				t.Errorf("%s holds %d words, the manifest says %d", name, len(arr), end-starts[i])
			}
			if len(ix.files[name]) > 2*shardTarget {
				t.Errorf("%s is %d bytes, more than twice the target", name, len(ix.files[name]))
			}
			total += len(arr)
		}
		if total != len(ix.dict) {
			t.Errorf("%s hold %d words, dictionary %d", dir, total, len(ix.dict))
		}
	}
	if !slices.IsSortedFunc(ix.dict, func(a, b entry) int { return strings.Compare(a.word, b.word) }) {
		t.Errorf("dictionary is not sorted")
	}
}

func TestDeterministic(t *testing.T) {
	docs := corpus(200, 2)
	syn := [][]string{{"login", "password"}, {"bank", "account"}}
	first, err := Index("en", docs, syn)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 3 {
		shuffled := slices.Clone(docs)
		r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		slices.Reverse(syn)
		again, err := Index("en", shuffled, syn)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != len(first) {
			t.Fatalf("run %d: %d files, first run %d", i, len(again), len(first))
		}
		for name, b := range first {
			if !bytes.Equal(again[name], b) {
				t.Errorf("run %d: %s differs when the articles come in another order", i, name)
			}
		}
	}
}

func TestSectionsAndURLs(t *testing.T) {
	docs := []Doc{
		{URL: "/en/articles/b/", Title: "B", Section: "S2", SectionURL: "/en/sections/s2/", Category: "C1", CategoryURL: "/en/categories/c1/"},
		{URL: "/en/articles/a/", Title: "A", Section: "S1", SectionURL: "/en/sections/s1/", Category: "C1", CategoryURL: "/en/categories/c1/", Promoted: true},
		{URL: "/en/articles/c/", Title: "C", Section: "S3", SectionURL: "/en/sections/s3/", Category: "C0", CategoryURL: "/en/categories/c0/"},
	}
	ix := build(t, "en", docs, nil)
	if ix.m.URLPrefix != "/en/articles/" || ix.m.URLSuffix != "/" {
		t.Errorf("URL affixes %q %q", ix.m.URLPrefix, ix.m.URLSuffix)
	}
	for _, d := range docs {
		id := ix.docID(t, d.URL)
		sec := ix.m.Sections[0]
		for _, s := range ix.m.Sections {
			if int(s[3].(float64)) <= id {
				sec = s
			}
		}
		if sec[1] != d.SectionURL || ix.m.Categories[int(sec[2].(float64))][1] != d.CategoryURL {
			t.Errorf("%s: article %d maps to section %v", d.URL, id, sec)
		}
	}
	if want := []int{ix.docID(t, "/en/articles/a/")}; !slices.Equal(ix.m.Promoted, want) {
		t.Errorf("promoted = %v, want %v", ix.m.Promoted, want)
	}
}

func TestIndexErrors(t *testing.T) {
	for name, c := range map[string]struct {
		locale string
		docs   []Doc
	}{
		"no locale":     {"", nil},
		"no URL":        {"en", []Doc{{Title: "x"}}},
		"duplicate URL": {"en", []Doc{{URL: "/a/", Title: "x"}, {URL: "/a/", Title: "y"}}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Index(c.locale, c.docs, nil); err == nil {
				t.Errorf("Build accepted it")
			}
		})
	}
	t.Run("empty site", func(t *testing.T) {
		ix := build(t, "en", nil, nil)
		if ix.m.Docs != 0 || len(ix.dict) != 0 {
			t.Errorf("empty build: %+v", ix.m)
		}
	})
}

func TestVarint(t *testing.T) {
	for _, v := range []int{0, 1, 31, 32, 1023, 1024, 1 << 20, 1<<31 - 1} {
		t.Run(strconv.Itoa(v), func(t *testing.T) {
			b := appendVarint(nil, v)
			got, next, ok := readVarint(string(b), 0)
			if !ok || got != v || next != len(b) {
				t.Errorf("round trip of %d: %d %d %v (encoded %q)", v, got, next, ok, b)
			}
		})
	}
}

func FuzzTokens(f *testing.F) {
	for _, s := range []string{"Öppettider för fakturor", "o\u0308", "日本語", "a-b_c", "\xff\xfe", "İstanbul"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tok := range Tokens(s) {
			if tok == "" || len(tok) > maxTermLen || !utf8.ValidString(tok) {
				t.Fatalf("bad token %q from %q", tok, s)
			}
			for _, r := range tok {
				if !isWordRune(r) {
					t.Fatalf("token %q from %q holds %q", tok, s, r)
				}
			}
			if Fold(tok) != tok {
				t.Fatalf("token %q is not folded", tok)
			}
		}
	})
}

func FuzzIndex(f *testing.F) {
	f.Add("Title", "Heading", "Body text with 404 and öppettider", "login")
	f.Fuzz(func(t *testing.T, title, heading, text, syn string) {
		docs := []Doc{{URL: "/a/", Title: title, Headings: []string{heading}, Text: text}, {URL: "/b/", Title: text}}
		files, err := Index("sv", docs, [][]string{{syn, "konto"}})
		if err != nil {
			return // a bad synonym group is reported, not indexed
		}
		for name, b := range files {
			if !json.Valid(b) {
				t.Fatalf("%s is not JSON: %q", name, b)
			}
		}
		ix := build(t, "sv", docs, [][]string{{syn, "konto"}})
		for _, tok := range Tokens(title + " " + text) {
			if isNumeric(tok) || slices.Contains(ix.m.Stop, tok) {
				continue
			}
			if i, _ := ix.word(tok); i < 0 {
				t.Fatalf("token %q of the input is not in the dictionary", tok)
			}
		}
	})
}

// corpus returns n synthetic articles whose words follow a Zipf
// distribution over a 6,000-word vocabulary, like shared/bench/gen-corpus.
func corpus(n int, seed uint64) []Doc {
	r := rand.New(rand.NewPCG(seed, 7))
	syl := strings.Fields("ka la re mo ti sa ne vi lo du fe ri pa go en an st er in ar or ul ek om tr sk fl br gr pl kn")
	vocab := strings.Fields("account invoice recipient network case support browser cookie session password " +
		"credentials telephone hours bank update history delivery format organisation number address portal")
	seen := map[string]bool{}
	for len(vocab) < 6000 {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	z := rand.NewZipf(rand.New(rand.NewPCG(seed, 9)), 1.0001, 1, uint64(len(vocab)-1))
	sentence := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = vocab[z.Uint64()]
		}
		return strings.Join(ws, " ") + "."
	}
	docs := make([]Doc, n)
	for i := range docs {
		var text strings.Builder
		var heads []string
		for range 2 + r.IntN(4) {
			h := sentence(4)
			heads = append(heads, h)
			text.WriteString(h + "\n")
			for range 6 + r.IntN(10) {
				text.WriteString(sentence(6+r.IntN(10)) + " ")
			}
		}
		sec := i % 64
		docs[i] = Doc{
			URL: fmt.Sprintf("/en/articles/article-%06d/", i), Title: sentence(3+r.IntN(5)) + " " + strconv.Itoa(i),
			Section: "Section " + strconv.Itoa(sec), SectionURL: fmt.Sprintf("/en/sections/s%02d/", sec),
			Category: "Category " + strconv.Itoa(sec%8), CategoryURL: fmt.Sprintf("/en/categories/c%d/", sec%8),
			Headings: heads, Text: text.String(), Weight: i % 50,
		}
	}
	return docs
}

func benchmarkIndex(b *testing.B, n int) {
	docs := corpus(n, 42)
	size := 0
	for _, d := range docs {
		size += len(d.Text)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	b.ResetTimer()
	var files map[string][]byte
	for b.Loop() {
		var err error
		if files, err = Index("en", docs, [][]string{{"credentials", "password", "login"}}); err != nil {
			b.Fatal(err)
		}
	}
	total := 0
	for _, f := range files {
		total += len(f)
	}
	b.ReportMetric(float64(total)/1e6, "index-MB")
	b.ReportMetric(float64(len(files)), "files")
}

func BenchmarkIndex1k(b *testing.B)  { benchmarkIndex(b, 1000) }
func BenchmarkIndex10k(b *testing.B) { benchmarkIndex(b, 10000) }

// TestFixture keeps testdata/fixture (the index of testdata/fixture.json's
// articles) current: search-core.js's Node tests run against it. Run
// `go test ./internal/search -run TestFixture -update` after changing the
// format or the articles.
func TestFixture(t *testing.T) {
	raw, err := os.ReadFile("testdata/fixture.json")
	if err != nil {
		t.Fatal(err)
	}
	var sites map[string]struct {
		Synonyms [][]string `json:"synonyms"`
		Docs     []struct {
			URL, Title, Description, Section, Category, Text string
			Headings                                         []string
		} `json:"docs"`
	}
	if err := json.Unmarshal(raw, &sites); err != nil {
		t.Fatalf("testdata/fixture.json: %v", err)
	}
	for locale, site := range sites {
		t.Run(locale, func(t *testing.T) {
			var docs []Doc
			for _, d := range site.Docs {
				docs = append(docs, Doc{URL: d.URL, Title: d.Title, Description: d.Description, Headings: d.Headings, Text: d.Text,
					Section: d.Section, SectionURL: "/" + locale + "/sections/" + slug(d.Section) + "/",
					Category: d.Category, CategoryURL: "/" + locale + "/categories/" + slug(d.Category) + "/"})
			}
			files, err := Index(locale, docs, site.Synonyms)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join("testdata", "fixture", locale)
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				for name, b := range files {
					p := filepath.Join(dir, filepath.FromSlash(name))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return
			}
			for name, b := range files {
				got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
				if err != nil || !bytes.Equal(got, b) {
					t.Errorf("%s/%s is stale: run go test ./internal/search -run TestFixture -update", dir, name)
				}
			}
			err = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
				if err != nil || e.IsDir() {
					return err
				}
				rel, err := filepath.Rel(dir, p)
				if _, ok := files[filepath.ToSlash(rel)]; !ok && err == nil {
					t.Errorf("%s is no longer built: run go test ./internal/search -run TestFixture -update", p)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func slug(s string) string { return strings.ReplaceAll(strings.ToLower(Fold(s)), " ", "-") }

func TestSnippetSource(t *testing.T) {
	fits := strings.Repeat("x", textCap)
	for _, c := range []struct {
		name, in string
		want     func(string) bool
	}{
		{"collapses whitespace", "  a\n\n b\t c  ", func(s string) bool { return s == "a b c" }},
		{"a text that fits is whole", fits + "  \n", func(s string) bool { return s == fits }},
		{"cuts on a word and says so", strings.Repeat("öppettider ", 40), func(s string) bool {
			body, ok := strings.CutSuffix(s, "…")
			return ok && len(body) <= textCap && strings.HasSuffix(body, " öppettider")
		}},
		{"a word ending at the cap", fits + " more", func(s string) bool { return s == fits+"…" }},
		{"no dangling punctuation", strings.Repeat("ab, ", textCap), func(s string) bool {
			return strings.HasSuffix(s, "ab…")
		}},
		{"cuts inside a long word on a whole character", strings.Repeat("ö", textCap), func(s string) bool {
			body, ok := strings.CutSuffix(s, "…")
			return ok && utf8.ValidString(body) && len(body) >= textCap-1 && len(body) <= textCap
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := snippetSource(c.in); !c.want(got) {
				t.Errorf("snippetSource(%.30q…) = %q", c.in, got)
			}
		})
	}
}

// TestFileLayout checks the files a site of n articles gets: one docs
// chunk per docChunk articles holding every article once with its opening
// text, no file per article, and shards, heads and buckets near their
// target sizes rather than many small files.
func TestFileLayout(t *testing.T) {
	for _, n := range []int{1, docChunk, docChunk + 1, 1000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			docs := corpus(n, 3)
			ix := build(t, "en", docs, nil)
			count := map[string]int{}
			for name := range ix.files {
				dir, _, ok := strings.Cut(name, "/")
				if !ok {
					dir = name
				}
				count[dir]++
				switch dir {
				case "manifest.json", "dict.json", "shards", "heads", "num", "docs":
				default:
					t.Errorf("unexpected file %s", name)
				}
			}
			if want := (n + docChunk - 1) / docChunk; count["docs"] != want {
				t.Errorf("%d docs chunks for %d articles, want %d", count["docs"], n, want)
			}
			if ix.m.Chunk != docChunk || ix.m.Format != Format {
				t.Errorf("manifest chunk %d format %d", ix.m.Chunk, ix.m.Format)
			}
			byURL := map[string]Doc{}
			for _, d := range docs {
				byURL[d.URL] = d
			}
			seen := 0
			for c := range count["docs"] {
				var row []string
				name := "docs/" + strconv.Itoa(c) + ".json"
				if err := json.Unmarshal(ix.files[name], &row); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if len(row)%3 != 0 || len(row) > 3*docChunk {
					t.Fatalf("%s holds %d strings, want [title, url, text] for up to %d articles", name, len(row), docChunk)
				}
				for i := 0; i < len(row); i += 3 {
					d, ok := byURL[ix.m.URLPrefix+row[i+1]+ix.m.URLSuffix]
					if !ok || d.Title != row[i] {
						t.Fatalf("%s: article %q %q is not in the input", name, row[i], row[i+1])
					}
					if row[i+2] != snippetSource(d.Text) {
						t.Errorf("%s: text of %s is %q, want its opening", name, d.URL, row[i+2])
					}
					seen++
				}
			}
			if seen != n {
				t.Errorf("docs chunks hold %d articles, want %d", seen, n)
			}
			if n < 1000 {
				return
			}
			// Only the last file of a group may be under a quarter of its target.
			for _, g := range []struct {
				dir    string
				target int
			}{{"shards", shardTarget}, {"heads", headTarget}, {"num", numTarget}} {
				small := 0
				for name, b := range ix.files {
					if strings.HasPrefix(name, g.dir+"/") && len(b) < g.target/4 {
						small++
					}
				}
				if small > 1 || count[g.dir] < 2 {
					t.Errorf("%s: %d files, %d of them under %d bytes", g.dir, count[g.dir], small, g.target/4)
				}
			}
		})
	}
}
