package cases

import (
	"embed"
	"fmt"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

//go:generate cp ../../layouts/i18n/en/cases.toml messages/en.toml
//go:generate cp ../../layouts/i18n/sv/cases.toml messages/sv.toml

// messageFiles are copies of layouts/i18n/<locale>/cases.toml, so the
// handler's pages and mails say what the site says. TestMessagesMatchLayouts
// fails when they drift; run go generate ./internal/cases to copy them.
//
//go:embed messages/*.toml
var messageFiles embed.FS

// Messages holds the UI strings of each locale, key → text.
type Messages map[string]map[string]string

// DefaultLocale is used when neither the form nor Accept-Language names a
// locale the handler has messages for.
const DefaultLocale = "en"

// LoadMessages reads the embedded message files.
func LoadMessages() (Messages, error) {
	entries, err := messageFiles.ReadDir("messages")
	if err != nil {
		return nil, fmt.Errorf("read embedded messages: %w", err)
	}
	m := Messages{}
	for _, e := range entries {
		locale := strings.TrimSuffix(e.Name(), ".toml")
		data, err := messageFiles.ReadFile("messages/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read embedded messages: %w", err)
		}
		table := map[string]string{}
		if err := toml.Unmarshal(data, &table); err != nil {
			return nil, fmt.Errorf("messages/%s: %w", e.Name(), err)
		}
		m[locale] = table
	}
	return m, nil
}

// Locales returns the locales with messages, sorted.
func (m Messages) Locales() []string {
	var out []string
	for l := range m {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// T returns the text for key in locale (falling back to DefaultLocale and
// then to the key itself), formatted with args if any are given.
func (m Messages) T(locale, key string, args ...any) string {
	s, ok := m[locale][key]
	if !ok {
		s, ok = m[DefaultLocale][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Negotiate picks the locale: the form's explicit choice if it is known,
// else the first known language in Accept-Language (by q order), else
// DefaultLocale.
func (m Messages) Negotiate(explicit, acceptLanguage string) string {
	if _, ok := m[explicit]; ok {
		return explicit
	}
	best, bestQ := "", -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		lang, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if _, ok := m[lang]; ok && q > bestQ && q > 0 {
			best, bestQ = lang, q
		}
	}
	if best != "" {
		return best
	}
	return DefaultLocale
}
