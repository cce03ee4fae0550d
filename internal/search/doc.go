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
//     known stem remains, so "fakturor" reaches "faktura"); synonyms; words
//     it is a prefix of (the last word while typing); and words within one
//     edit (words of 4+ letters) or two edits (8+ letters) when the word
//     itself is unknown.
//  3. The dictionary says which shards/N.json holds each expanded word:
//     shards are runs of consecutive dictionary words of about 4 KB, so a
//     word, its inflections and its prefix completions usually sit in one
//     shard. Terms containing digits (error codes, years) skip the
//     dictionary and live in num/N.json buckets chosen by hash.
//  4. Posting lists hold, per article, the id gap and a one-character impact:
//     title/heading tier times 16 plus a BM25 term-frequency grade. Lists
//     are cut to their postingCap best impacts. search-core.js scores
//     impact × match kind (exact > stem > synonym > prefix > one edit >
//     two edits) × rarity, and ranks articles that match every word first.
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
