// Package search builds the help center's static search index and defines
// the files that static/js/search-core.js reads in the browser.
//
// There is no search server. During `build` the pipeline calls [Index] once
// per locale with every article as a [Doc]; Index returns a set of small
// files that the pipeline writes under public/search/<locale>/. In the
// browser, search-core.js fetches only the files a query needs.
//
// # How a query is answered
//
//  1. manifest.json (a few KB) and dict.json (every distinct word, sorted,
//     front-coded, with its stem and a document-frequency class) are loaded
//     once, when the reader first focuses a search box.
//  2. Each query word is folded (å→a, ö→o, é→e, …) and expanded against the
//     dictionary, in memory: the exact word; words with the same stem
//     (English or Swedish Snowball stems computed here; an unknown query word
//     is stemmed in the browser by stripping the manifest's suffixes until a
//     known stem or word remains, so "fakturor" reaches "faktura" and
//     "fakturaformaten" "fakturaformat"); synonyms of every form of the word,
//     in both directions; words it is a prefix of (the last word while
//     typing); words within one edit (words of 4+ letters) or two edits
//     (8+ letters) when the word itself is unknown; and, for an unknown
//     compound, its known parts as words of their own ("skärmupplösning" →
//     skärm, upplösning). Two query words that the dictionary has as one
//     word also find it ("log in" → login). Stop words ("how do I", "jag kan")
//     are filler: they never bring an article in, and count a little where a
//     title, description or heading has them. Negations are no stop words
//     ("not working", "fungerar inte" are what problem articles say), and
//     "n't" contractions ("can't") stand for the manifest's negation word.
//  3. The dictionary says which shards/N.json holds each expanded word:
//     shards are runs of consecutive dictionary words of about 4 KB, so a
//     word, its inflections and its prefix completions usually sit in one
//     shard. Terms containing digits (error codes, years) skip the
//     dictionary and live in num/N.json buckets chosen by hash.
//  4. Posting lists hold, per article, the id gap and a one-character impact:
//     three field bits (title, description, heading) times 8 plus a BM25
//     term-frequency grade of the body (0-7). Stop words are indexed only
//     where a field has them. Lists are cut to their postingCap best
//     impacts. search-core.js scores each query word by its best variant,
//     match kind (exact > join > stem > synonym ≈ prefix > compound part ≈
//     one edit > two edits) × field score, times the word's rarity (a
//     synonym's own rarity when it is more common), sums the words, and
//     scales the sum by the square of the share of the query's rarity the
//     article covers (a synonym or typo covers a word partly). An article
//     without a common word of the query can still come first; one without
//     its rarest word rarely does; once some article has every word, those
//     covering less than half of the best are dropped.
//  5. Only the articles shown fetch their chunk of docs/N.json: title, URL
//     and the opening of the plain text (about 160 bytes, cut on a word),
//     16 articles a file. Snippets highlight the query's words where they
//     occur in that opening, which is also what is shown when they do not.
//
// # Files against bytes
//
// The build must write few files (creating one costs 70-300 µs of kernel
// time; 10,000 per-article snippet files cost 1-3 s) and a reader must
// download little (≤ 300 KB for the search page and three typed queries,
// script included; bench/search measures both). Shown articles are
// scattered over the id space, so each suggestion or result costs a whole
// docs chunk: halving the chunk count doubles those bytes, and every byte of
// snippet text is paid by every article of every chunk read, suggestions
// included. Hence one file per 16 articles with a short opening rather than
// a long snippet source, shards of about 6 KB, and small heads and numeric
// buckets, which typing reads on every keystroke. For 10,000 articles that
// is about 1,200 files where there were 12,000.
//
// Why a whole dictionary instead of shards keyed by the first letters: typo
// tolerance must find "ertificate" → "certificate" too, and the candidates of
// an edit in the first letters can be anywhere in the alphabet. The
// dictionary carries no postings, so it costs about 6.5 bytes per distinct
// word (≈40 KB for the 6,000-word benchmark vocabulary) and is loaded once.
//
// Articles are numbered in category, section, weight, title order, so that
// the manifest's section table (first article id of each section) maps any
// result to its section and category without fetching anything: the
// category filter and counts work on the whole result list.
package search
