package content

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold maps letters that decomposition does not reduce to ASCII.
var fold = map[rune]string{'ß': "ss", 'æ': "ae", 'ø': "o", 'œ': "oe", 'đ': "d", 'ð': "d", 'þ': "th", 'ł': "l", 'ı': "i",
	'ħ': "h", 'ĸ': "k", 'ŋ': "n", 'ŧ': "t"}

// Slugify makes an ASCII URL segment or heading id from s: lowercased,
// accents folded (å, ä → a; ö → o), anything else collapsed to single
// hyphens. "Öppettider för support" becomes "oppettider-for-support".
func Slugify(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	hyphen := false
	// Invalid bytes first become spaces: norm leaves the letter after one
	// undecomposed, and a second Slugify would then fold it differently.
	for _, r := range norm.NFKD.String(strings.ToValidUTF8(s, " ")) {
		r = unicode.ToLower(r)
		switch {
		case r < 128 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		case unicode.Is(unicode.Mn, r), r >= 0x2b0 && r <= 0x2ff:
			// combining accent, or spacing modifier such as the ʼ of ŉ: drop
		case fold[r] != "":
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteString(fold[r])
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
	}
	return b.String()
}
