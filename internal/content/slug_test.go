package content_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/inexchange/helpcenter/internal/content"
)

func TestSlugify(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"swedish title", "Öppettider för support", "oppettider-for-support"},
		{"swedish letters", "Räkna på åtta öar", "rakna-pa-atta-oar"},
		{"german sharp s", "Straße", "strasse"},
		{"danish norwegian", "Blåbærsyltetøy Ærø", "blabaersyltetoy-aero"},
		{"ligature oe", "Œuvre", "oeuvre"},
		{"polish l", "Łódź", "lodz"},
		{"icelandic thorn eth", "Þórður", "thordur"},
		{"turkish dotted capital i", "İstanbul", "istanbul"},
		{"NFD input", "A\u030angstro\u0308m", "angstrom"},
		{"NFC and NFD agree", "\u00c5ngstr\u00f6m", "angstrom"},
		{"compatibility ligature", "\ufb01le", "file"},
		{"fullwidth letters", "ＡＢＣ", "abc"},
		{"punctuation runs", "Hello,   world!!! -- again", "hello-world-again"},
		{"leading and trailing punctuation", "--(Leading) and trailing?!--", "leading-and-trailing"},
		{"slashes and dots", "Windows 10/11 & macOS 14.2", "windows-10-11-macos-14-2"},
		{"em dash and quotes", "Two-factor—“login”", "two-factor-login"},
		{"digits kept", "2026-12-01", "2026-12-01"},
		{"already a slug", "create-a-support-case", "create-a-support-case"},
		{"underscores", "my_file_name", "my-file-name"},
		{"only punctuation", "!!! ??? ...", ""},
		{"empty", "", ""},
		{"emoji dropped", "Support 🎉 hours", "support-hours"},
		{"sami letters", "Ŋuvttat ŧ", "nuvttat-t"},
		{"maltese h", "Ħal Saflieni", "hal-saflieni"},
		{"invalid UTF-8", "caf\xe9 \xf2\u038a", "caf-\u03b9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := content.Slugify(tt.in); got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// latinInput reports whether s is text in the Latin alphabets of living
// languages: ASCII, Latin-1 punctuation and symbols (but not µ, which
// decomposes to a Greek letter), combining accents, general punctuation,
// and Latin letters of Latin-1, Latin Extended-A, the Romanian comma
// letters and the accented letters of Latin Extended Additional
// (Vietnamese, Welsh…). IPA and medieval letters are left out.
func latinInput(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x80:
		case r >= 0xa0 && r <= 0xbf && r != 0xb5:
		case r >= 0x300 && r <= 0x36f:
		case r >= 0x2000 && r <= 0x206f:
		case !unicode.IsLetter(r) || !unicode.Is(unicode.Latin, r):
			return false
		case r < 0x180, r >= 0x218 && r <= 0x21b, r >= 0x1e00 && r <= 0x1e99, r >= 0x1ea0 && r <= 0x1ef9:
		default:
			return false
		}
	}
	return true
}

func FuzzSlugify(f *testing.F) {
	for _, s := range []string{
		"Öppettider för support", "Straße", "Ærø", "A\u030angstrom", "İ", "ŉ", "ħ ŋ ŧ ĸ",
		"Hello,   world!!!", "", "---", "\ufb01", "Tiếng Việt", "Șapte Țări", "日本語", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := content.Slugify(s)
		if again := content.Slugify(got); again != got {
			t.Fatalf("not idempotent: Slugify(%q) = %q, Slugify(%q) = %q", s, got, got, again)
		}
		if strings.HasPrefix(got, "-") || strings.HasSuffix(got, "-") || strings.Contains(got, "--") {
			t.Fatalf("Slugify(%q) = %q: stray hyphens", s, got)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Slugify(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			if unicode.IsUpper(r) {
				t.Fatalf("Slugify(%q) = %q: upper case %q", s, got, r)
			}
		}
		if latinInput(s) {
			for _, r := range got {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
					t.Fatalf("Slugify(%q) = %q: %q (U+%04X) is not ASCII a-z, 0-9 or '-'", s, got, r, r)
				}
			}
		}
	})
}
