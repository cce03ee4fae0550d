package content

import (
	"github.com/inexchange/helpcenter/internal/compat"
	"github.com/inexchange/helpcenter/internal/hours"
)

// Layouts lists the article layouts the generator knows; "" is a plain article.
var Layouts = []string{"", "system-requirements", "cookie-policy", "phone-hours", "how-to", "case-form"}

// TypedMatter holds the front matter of typed articles, each valid only
// with its layout.
type TypedMatter struct {
	// Requirements is the system-requirements article's data (the single
	// source of the compatibility banner's rules).
	Requirements *compat.Requirements `yaml:"requirements" toml:"requirements" json:"requirements"`
	// Cookies is the cookie-policy article's list of cookies.
	Cookies []Cookie `yaml:"cookies" toml:"cookies" json:"cookies"`
	// Hours is the phone-hours article's opening hours.
	Hours *hours.Hours `yaml:"hours" toml:"hours" json:"hours"`
}
