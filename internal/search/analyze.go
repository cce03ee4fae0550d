package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/swedish"
)

// foldTable maps lowercase Latin letters with diacritics to their ASCII
// base, so that "öppettider" and "oppettider" are the same term. It is the
// single source of truth: Index ships it in the manifest and search-core.js folds
// query text with it, so the two sides cannot drift apart.
var foldTable = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'ĉ': "c", 'ċ': "c", 'č': "c", 'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ĕ': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ĝ': "g", 'ğ': "g", 'ġ': "g", 'ģ': "g", 'ĥ': "h", 'ħ': "h",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ĩ': "i", 'ī': "i", 'ĭ': "i", 'į': "i", 'ı': "i",
	'ĳ': "ij", 'ĵ': "j", 'ķ': "k", 'ĺ': "l", 'ļ': "l", 'ľ': "l", 'ŀ': "l", 'ł': "l",
	'ñ': "n", 'ń': "n", 'ņ': "n", 'ň': "n", 'ŋ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ŏ': "o", 'ő': "o",
	'œ': "oe", 'ŕ': "r", 'ŗ': "r", 'ř': "r", 'ś': "s", 'ŝ': "s", 'ş': "s", 'š': "s", 'ſ': "s", 'ß': "ss",
	'ţ': "t", 'ť': "t", 'ŧ': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ũ': "u", 'ū': "u", 'ŭ': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ŵ': "w", 'ý': "y", 'ÿ': "y", 'ŷ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
}

// maxTermLen drops longer tokens (hashes, base64 blobs) that no reader types.
const maxTermLen = 40

// isCombining reports the combining diacritical marks, which are dropped so
// that decomposed text ("o" + U+0308) folds like composed text.
func isCombining(r rune) bool { return r >= 0x0300 && r <= 0x036F }

// isWordRune is the tokenizer's rule for what belongs to a word, applied
// after lowercasing and folding. search-core.js applies the same rule to UTF-16
// code units: ASCII letters and digits, and any character of another script
// (U+0250 and up) except the punctuation blocks. Latin-1 symbols such as ×
// and ¿ separate words. Characters outside the BMP separate words on both
// sides (JavaScript sees them as surrogate pairs).
func isWordRune(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return true
	case r < 0x0250, r >= 0x2000 && r <= 0x2BFF, r >= 0x3000 && r <= 0x303F,
		r >= 0xD800 && r <= 0xDFFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF65,
		r >= 0x10000:
		return false
	}
	return true
}

// token is one word of text: fold is its folded form (the index term), orig
// the lowercase original that the stemmer sees (Swedish suffixes carry å, ä, ö).
type token struct {
	fold, orig []byte
}

// tokenizer splits text into tokens, reusing its buffers between calls so
// that indexing 30 MB of text allocates almost nothing.
type tokenizer struct {
	fold, orig []byte
}

// each calls fn for every token of s. The slices passed to fn are valid only
// during the call.
func (z *tokenizer) each(s string, fn func(token)) {
	z.fold, z.orig = z.fold[:0], z.orig[:0]
	flush := func() {
		if len(z.fold) > 0 && len(z.fold) <= maxTermLen && !(len(z.fold) == 1 && z.fold[0] >= 'a') {
			fn(token{fold: z.fold, orig: z.orig})
		}
		z.fold, z.orig = z.fold[:0], z.orig[:0]
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			case c >= 'A' && c <= 'Z':
				c += 'a' - 'A'
			default:
				flush()
				continue
			}
			z.fold = append(z.fold, c)
			z.orig = append(z.orig, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if isCombining(r) {
			continue
		}
		r = unicode.ToLower(r)
		if f, ok := foldTable[r]; ok {
			z.fold = append(z.fold, f...)
			z.orig = utf8.AppendRune(z.orig, r)
			continue
		}
		if !isWordRune(r) {
			flush()
			continue
		}
		z.fold = utf8.AppendRune(z.fold, r)
		z.orig = utf8.AppendRune(z.orig, r)
	}
	flush()
}

// Fold returns the folded form of one word or phrase as the index stores it:
// lowercase, diacritics removed, separators kept. Fold("Öppettider") is
// "oppettider".
func Fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if isCombining(r) {
			continue
		}
		if f, ok := foldTable[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Tokens returns the folded index terms of s in order, stop words included;
// it is the tokenizer Index uses, exported for tests and tools.
func Tokens(s string) []string {
	var out []string
	var z tokenizer
	z.each(s, func(t token) { out = append(out, string(t.fold)) })
	return out
}

// isNumeric reports whether a term contains a digit. Such terms (error
// codes, versions, years) are looked up exactly, never by prefix or typo, so
// they live in hashed buckets instead of the sorted dictionary.
func isNumeric(term string) bool {
	return strings.ContainsAny(term, "0123456789")
}

// language holds what Index knows about one locale's language.
type language struct {
	stem     func(word string, stemStopWords bool) string
	stop     []string // folded; never negations, which make a problem statement ("not working", "fungerar inte")
	negation string   // the word "n't" contractions stand for, in languages that have them
	suffixes []string // folded, longest first; search-core.js strips them from unknown words
}

// languages maps a locale's language code to its analysis. Other locales
// are indexed without stemming or stop words.
var languages = map[string]language{
	"en": {
		stem: english.Stem,
		stop: strings.Fields(`a about above after again against all am an and any are as at be because been before
being below between both but by can did do does doing don down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me my myself nor of off
on once or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until very was we were what when where which
while who whom why will with you your yours yourself yourselves`),
		negation: "not",
		suffixes: strings.Fields(`ational ization fulness iveness tional ements ations ement ation ities ness ments
ings ment ance ence able ible ized izes ing ies ied ers ful ism ist ity ive ize ous ed es er ly al s e`),
	},
	"sv": {
		stem: swedish.Stem,
		stop: strings.Fields(Fold(`och det att i en jag hon som han på den med var sig för så till är men ett om
hade de av mig du henne då sin nu har hans honom skulle hennes där min man vid kunde något från ut
när efter upp vi dem vara vad över än dig kan sina här ha mot alla under någon eller allt mycket sedan ju denna
själv detta åt utan varit hur ingen mitt ni bli blev oss din dessa några deras blir mina samma vilken er sådan
vår blivit dess inom mellan sådant varför varje vilka ditt vem vilket sitta sådana vart dina vars vårt våra
ert era vilkas`)),
		suffixes: strings.Fields(`heterna hetens anden heten heter arnas ernas ornas andes arens andet arna erna orna
ande arne aste aren ades erns ligt lig els ade are ern ens het ast ad en ar er or as es at ig a e s t`),
	},
}

// lang returns the analysis for a locale such as "en" or "sv-SE".
func lang(locale string) language {
	base, _, _ := strings.Cut(strings.ToLower(locale), "-")
	base, _, _ = strings.Cut(base, "_")
	return languages[base]
}
