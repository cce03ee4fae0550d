// Package caseform is the one definition of the support case form: which
// fields it has, how each is entered, and what makes a value valid.
//
// Both sides of the form use it. The site renderer puts [Fields] on the
// case-form page (as .CaseFields) and the "case-form" partial renders an
// input per field from it; the form handler (package cases) calls
// [Validate] and [CheckAttachment] on what arrives. Because the two read the
// same slice, a field added here appears on the page and is accepted by the
// handler in one change.
//
// Labels, help texts, category names and error messages are not here: they
// are i18n keys in layouts/i18n/<locale>/cases.toml, named from the field
// ([Field.LabelKey], [Field.HelpKey], [Field.OptionKey]) and from the error
// keys this package returns ([ErrRequired] …). The package imports only the
// standard library, so the site generator pays nothing for it.
package caseform

import (
	"net/http"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Input types a Field can have; they are the HTML input types (plus
// "textarea" and "select") the form renders.
const (
	InputText     = "text"
	InputEmail    = "email"
	InputTel      = "tel"
	InputTextarea = "textarea"
	InputSelect   = "select"
	InputFile     = "file"
	InputHidden   = "hidden"
)

// Field names. The handler reads form values under these names, and JSON
// bodies use them as object keys.
const (
	Name               = "name"
	Email              = "email"
	Phone              = "phone"
	Organisation       = "organisation"
	OrganisationNumber = "organisation_number"
	Subject            = "subject"
	Category           = "category"
	Description        = "description"
	Attachments        = "attachments"
	Article            = "article"
	IdempotencyKey     = "idempotency_key"
	Locale             = "locale"
	// FollowUp is the number of the closed case a new case follows up:
	// a closed case's page links to the form with ?follow_up=<number>.
	FollowUp = "follow_up"
	// Honeypot is the field humans never see (it sits in a hidden block);
	// a value in it marks the submission as spam.
	Honeypot = "website"
)

// Error keys returned by Validate and CheckAttachment. Each is an i18n key
// in cases.toml; messages with a %d verb get the field's limit.
const (
	ErrRequired     = "cases.error.required"
	ErrTooLong      = "cases.error.too_long" // %d: maximum number of characters
	ErrEmail        = "cases.error.email"
	ErrPhone        = "cases.error.phone"
	ErrOrgNumber    = "cases.error.organisation_number"
	ErrOption       = "cases.error.option"
	ErrNewline      = "cases.error.newline"
	ErrInvalidText  = "cases.error.invalid_text"
	ErrFileType     = "cases.error.file_type"
	ErrFileSize     = "cases.error.file_size" // %d: maximum size in MB
	ErrTooManyFiles = "cases.error.too_many_files"
)

// Field describes one field of the case form.
type Field struct {
	// Name is the form and JSON name of the field.
	Name string
	// Input is the HTML input type (InputText …).
	Input string
	// Required fields must be non-blank.
	Required bool
	// MaxLen is the maximum length in characters (runes), 0 for files.
	MaxLen int
	// Autocomplete is the HTML autocomplete token, if any.
	Autocomplete string
	// Options are the allowed values of a select field, in display order.
	Options []string
	// SingleLine fields must not contain CR or LF; every single-line field
	// may end up in a mail header or ticket subject.
	SingleLine bool
	// Accept lists the MIME types a file field takes, checked by content.
	Accept []string
	// MaxFileSize is the largest single file, in bytes.
	MaxFileSize int64
	// MaxFiles is how many files a file field takes.
	MaxFiles int
}

// LabelKey is the i18n key of the field's label: cases.field.<name>.
func (f Field) LabelKey() string { return "cases.field." + f.Name }

// HelpKey is the i18n key of the field's help text: cases.help.<name>.
// Every field has one; an empty string in cases.toml means no help text.
func (f Field) HelpKey() string { return "cases.help." + f.Name }

// OptionKey is the i18n key of a select option's label:
// cases.option.<field>.<value>.
func (f Field) OptionKey(value string) string { return "cases.option." + f.Name + "." + value }

// AcceptAttr is the value for the HTML accept attribute of a file field.
func (f Field) AcceptAttr() string { return strings.Join(f.Accept, ",") }

// MaxFileSizeMB is MaxFileSize in whole megabytes, for messages.
func (f Field) MaxFileSizeMB() int64 { return f.MaxFileSize >> 20 }

// Visible reports whether the field is shown to the reader (hidden fields
// carry context such as the article the reader came from).
func (f Field) Visible() bool { return f.Input != InputHidden }

// Fields is the case form, in display order. Treat it as read-only.
var Fields = []Field{
	{Name: Name, Input: InputText, Required: true, MaxLen: 100, Autocomplete: "name", SingleLine: true},
	{Name: Email, Input: InputEmail, Required: true, MaxLen: 254, Autocomplete: "email", SingleLine: true},
	{Name: Phone, Input: InputTel, MaxLen: 30, Autocomplete: "tel", SingleLine: true},
	{Name: Organisation, Input: InputText, MaxLen: 100, Autocomplete: "organization", SingleLine: true},
	{Name: OrganisationNumber, Input: InputText, MaxLen: 20, SingleLine: true},
	{Name: Category, Input: InputSelect, Required: true, SingleLine: true, MaxLen: 40,
		Options: []string{"sending-invoices", "receiving-invoices", "account", "technical", "other"}},
	{Name: Subject, Input: InputText, Required: true, MaxLen: 150, SingleLine: true},
	{Name: Description, Input: InputTextarea, Required: true, MaxLen: 10000},
	{Name: Attachments, Input: InputFile, MaxFiles: 5, MaxFileSize: 10 << 20,
		Accept: []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}},
	{Name: Article, Input: InputHidden, MaxLen: 300, SingleLine: true},
	{Name: IdempotencyKey, Input: InputHidden, MaxLen: 64, SingleLine: true},
	{Name: Locale, Input: InputHidden, MaxLen: 10, SingleLine: true},
	{Name: FollowUp, Input: InputHidden, MaxLen: 40, SingleLine: true},
}

// Lookup returns the field with the given name.
func Lookup(name string) (Field, bool) {
	for _, f := range Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// TextFields returns the names of all fields that hold text (all but file
// fields), in display order.
func TextFields() []string {
	var names []string
	for _, f := range Fields {
		if f.Input != InputFile {
			names = append(names, f.Name)
		}
	}
	return names
}

// Values are the submitted text values by field name.
type Values map[string]string

// Errors maps a field name to the error key of its first problem.
type Errors map[string]string

// Normalize trims surrounding white space from every value, turns CRLF
// and lone CR in multi-line fields into LF, and drops names that are not
// text fields of the form (the honeypot included). It returns a new map.
func Normalize(v Values) Values {
	out := make(Values, len(v))
	for _, name := range TextFields() {
		s, ok := v[name]
		if !ok {
			continue
		}
		f, _ := Lookup(name)
		if !f.SingleLine {
			s = strings.ReplaceAll(s, "\r\n", "\n")
			s = strings.ReplaceAll(s, "\r", "\n")
		}
		out[name] = strings.TrimSpace(s)
	}
	return out
}

// Validate checks normalized values against Fields and returns the error
// key for each invalid field; an empty map means the values are valid.
func Validate(v Values) Errors {
	errs := Errors{}
	for _, f := range Fields {
		if f.Input == InputFile {
			continue
		}
		if key := validateField(f, v[f.Name]); key != "" {
			errs[f.Name] = key
		}
	}
	return errs
}

// ValidateField checks one normalized value of the named field and returns
// its error key, or "" if it is valid. An unknown field is ErrInvalidText.
func ValidateField(name, value string) string {
	f, ok := Lookup(name)
	if !ok || f.Input == InputFile {
		return ErrInvalidText
	}
	return validateField(f, value)
}

func validateField(f Field, s string) string {
	if s == "" {
		if f.Required {
			return ErrRequired
		}
		return ""
	}
	if !utf8.ValidString(s) {
		return ErrInvalidText
	}
	for _, r := range s {
		if r == '\r' || r == '\n' {
			if f.SingleLine {
				return ErrNewline
			}
			continue
		}
		if r == '\t' && !f.SingleLine {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ErrInvalidText
		}
	}
	if f.MaxLen > 0 && utf8.RuneCountInString(s) > f.MaxLen {
		return ErrTooLong
	}
	switch f.Name {
	case Email:
		if !validEmail(s) {
			return ErrEmail
		}
	case Phone:
		if !onlyRunes(s, "0123456789+-() ") || strings.Count(s, "+") > 1 || countDigits(s) < 5 {
			return ErrPhone
		}
	case OrganisationNumber:
		if !onlyRunes(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz- ") || countDigits(s) < 6 {
			return ErrOrgNumber
		}
	case Article:
		if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, " <>\"\\") {
			return ErrInvalidText
		}
	case Locale:
		if !onlyRunes(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") {
			return ErrInvalidText
		}
	case FollowUp:
		if !onlyRunes(s, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") {
			return ErrInvalidText
		}
	}
	if len(f.Options) > 0 && !contains(f.Options, s) {
		return ErrOption
	}
	return ""
}

// validEmail accepts a bare addr-spec (no display name, no comments) with
// a dotted domain, which is what a reader types and what is safe to put in
// a To or Reply-To header.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return false
	}
	domain := s[at+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") &&
		!strings.HasSuffix(domain, ".") && !strings.ContainsAny(domain, "[]")
}

func onlyRunes(s, allowed string) bool {
	for _, r := range s {
		if !strings.ContainsRune(allowed, r) {
			return false
		}
	}
	return true
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// CheckAttachment checks the n-th (0-based) file of the attachments field:
// its size and its type, sniffed from head (the first up to 512 bytes of
// the content) rather than taken from the file name or the client's
// Content-Type. It returns the detected MIME type (without parameters) and
// an error key, empty when the file is acceptable.
func CheckAttachment(n int, size int64, head []byte) (contentType, errKey string) {
	f, _ := Lookup(Attachments)
	if n >= f.MaxFiles {
		return "", ErrTooManyFiles
	}
	if size > f.MaxFileSize {
		return "", ErrFileSize
	}
	ct := http.DetectContentType(head)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if !contains(f.Accept, ct) {
		return ct, ErrFileType
	}
	return ct, ""
}
