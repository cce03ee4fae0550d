package caseform

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func valid() Values {
	return Values{Name: "Åsa Öberg", Email: "asa@example.se", Subject: "Invoice rejected",
		Description: "It says\nerror 42.", Category: "technical"}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(Values)
		field string // "" means valid
		key   string
	}{
		{"minimal case is valid", func(Values) {}, "", ""},
		{"all optional fields", func(v Values) {
			v[Phone], v[Organisation], v[OrganisationNumber] = "+46 (0)8-123 45", "InExchange", "556677-8899"
			v[Article], v[IdempotencyKey], v[Locale] = "/sv/articles/x/", "k-1", "sv"
		}, "", ""},
		{"missing name", func(v Values) { delete(v, Name) }, Name, ErrRequired},
		{"blank description", func(v Values) { v[Description] = "" }, Description, ErrRequired},
		{"missing category", func(v Values) { delete(v, Category) }, Category, ErrRequired},
		{"unknown category", func(v Values) { v[Category] = "billing" }, Category, ErrOption},
		{"email with display name", func(v Values) { v[Email] = "Asa <asa@example.se>" }, Email, ErrEmail},
		{"email without dot in domain", func(v Values) { v[Email] = "asa@localhost" }, Email, ErrEmail},
		{"email with newline", func(v Values) { v[Email] = "asa@example.se\nBcc: x@y.se" }, Email, ErrNewline},
		{"subject with CR", func(v Values) { v[Subject] = "Hi\rBcc: x@y.se" }, Subject, ErrNewline},
		{"name with LF", func(v Values) { v[Name] = "A\nB" }, Name, ErrNewline},
		{"subject too long", func(v Values) { v[Subject] = strings.Repeat("å", 151) }, Subject, ErrTooLong},
		{"subject at limit counts runes", func(v Values) { v[Subject] = strings.Repeat("å", 150) }, "", ""},
		{"control character", func(v Values) { v[Description] = "a\x00b" }, Description, ErrInvalidText},
		{"invalid utf-8", func(v Values) { v[Name] = "a\xffb" }, Name, ErrInvalidText},
		{"phone with letters", func(v Values) { v[Phone] = "call me" }, Phone, ErrPhone},
		{"organisation number too short", func(v Values) { v[OrganisationNumber] = "12" }, OrganisationNumber, ErrOrgNumber},
		{"article not a path", func(v Values) { v[Article] = "https://evil.example/" }, Article, ErrInvalidText},
		{"article protocol-relative", func(v Values) { v[Article] = "//evil.example/" }, Article, ErrInvalidText},
		{"tab allowed in description", func(v Values) { v[Description] = "a\tb" }, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := valid()
			tt.edit(v)
			errs := Validate(v)
			if tt.field == "" {
				if len(errs) != 0 {
					t.Fatalf("Validate = %v, want no errors", errs)
				}
				return
			}
			if errs[tt.field] != tt.key {
				t.Fatalf("Validate()[%q] = %q, want %q (all: %v)", tt.field, errs[tt.field], tt.key, errs)
			}
		})
	}
}

func TestValidateReportsEveryField(t *testing.T) {
	errs := Validate(Values{})
	for _, f := range Fields {
		if f.Required && errs[f.Name] != ErrRequired {
			t.Errorf("empty form: %s error = %q, want %q", f.Name, errs[f.Name], ErrRequired)
		}
	}
}

func TestNormalize(t *testing.T) {
	got := Normalize(Values{Name: "  Anna ", Description: "a\r\nb\rc", Honeypot: "spam", "unknown": "x"})
	if got[Name] != "Anna" || got[Description] != "a\nb\nc" {
		t.Errorf("Normalize = %q", got)
	}
	if _, ok := got[Honeypot]; ok {
		t.Error("Normalize kept the honeypot")
	}
	if _, ok := got["unknown"]; ok {
		t.Error("Normalize kept an unknown field")
	}
	// A CR in a single-line field is kept, so Validate can reject it.
	if got := Normalize(Values{Subject: "a\rb"}); Validate(got)[Subject] != ErrNewline {
		t.Errorf("CR in subject after Normalize: %q", Validate(got)[Subject])
	}
}

func TestCheckAttachment(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	exe := []byte("MZ\x90\x00\x03\x00\x00\x00")
	tests := []struct {
		name   string
		n      int
		size   int64
		head   []byte
		wantCT string
		key    string
	}{
		{"png", 0, 100, png, "image/png", ""},
		{"pdf", 1, 100, []byte("%PDF-1.7\n"), "application/pdf", ""},
		{"text", 0, 5, []byte("hello"), "text/plain", ""},
		{"executable named .png is rejected by content", 0, 100, exe, "application/octet-stream", ErrFileType},
		{"html is rejected", 0, 100, []byte("<html><script>"), "text/html", ErrFileType},
		{"too big", 0, 10<<20 + 1, png, "", ErrFileSize},
		{"sixth file", 5, 10, png, "", ErrTooManyFiles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, key := CheckAttachment(tt.n, tt.size, tt.head)
			if key != tt.key || (tt.wantCT != "" && ct != tt.wantCT) {
				t.Errorf("CheckAttachment = %q, %q; want %q, %q", ct, key, tt.wantCT, tt.key)
			}
		})
	}
}

func TestFieldsDefinition(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Fields {
		if seen[f.Name] {
			t.Errorf("field %q defined twice", f.Name)
		}
		seen[f.Name] = true
		if f.Input != InputFile && f.MaxLen <= 0 {
			t.Errorf("field %q has no MaxLen", f.Name)
		}
		if f.Input == InputSelect && len(f.Options) == 0 {
			t.Errorf("select %q has no options", f.Name)
		}
	}
	for _, name := range []string{Name, Email, Subject, Description} {
		if f, _ := Lookup(name); !f.Required {
			t.Errorf("%s must be required: the issue's minimal case", name)
		}
	}
	if _, ok := Lookup(Honeypot); ok {
		t.Error("the honeypot must not be a form field (it is rendered separately and never stored)")
	}
}

// FuzzValidate checks that any input yields a verdict without panicking,
// that accepted single-line values never hold CR or LF, and that accepted
// values respect the length limit.
func FuzzValidate(f *testing.F) {
	f.Add("Anna", "anna@example.se", "Hi", "Body", "technical", "+46 8 1")
	f.Add("A\r\n", "a@b", "\x00", "", "x", "abc")
	f.Fuzz(func(t *testing.T, name, email, subject, desc, cat, phone string) {
		v := Normalize(Values{Name: name, Email: email, Subject: subject, Description: desc, Category: cat, Phone: phone})
		errs := Validate(v)
		for _, fl := range Fields {
			if _, bad := errs[fl.Name]; bad {
				continue
			}
			s := v[fl.Name]
			if fl.SingleLine && strings.ContainsAny(s, "\r\n") {
				t.Fatalf("%s accepted with a line break: %q", fl.Name, s)
			}
			if fl.MaxLen > 0 && utf8.RuneCountInString(s) > fl.MaxLen {
				t.Fatalf("%s accepted over its limit", fl.Name)
			}
			if s != "" && !utf8.ValidString(s) {
				t.Fatalf("%s accepted invalid UTF-8", fl.Name)
			}
		}
	})
}
