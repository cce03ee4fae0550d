package content

import (
	"github.com/inexchange/helpcenter/internal/compat"
	"github.com/inexchange/helpcenter/internal/hours"
)

// The article layouts the generator knows: an article's `layout:` front
// matter. Each typed layout has its own template partial in layouts/ and
// its own page data (see package render); the names are used only
// through these constants.
const (
	// LayoutPlain is an article without a layout.
	LayoutPlain = ""
	// LayoutRequirements is the system-requirements article: its
	// `requirements:` drive the browser-compatibility banner.
	LayoutRequirements = "system-requirements"
	// LayoutCookies is the cookie policy with its `cookies:` table.
	LayoutCookies = "cookie-policy"
	// LayoutPhoneHours is the telephone hours article with its `hours:`.
	LayoutPhoneHours = "phone-hours"
	// LayoutHowTo is a how-to: its first ordered list becomes the
	// schema.org HowTo steps, each with an id.
	LayoutHowTo = "how-to"
	// LayoutCaseForm is the support case form.
	LayoutCaseForm = "case-form"
)

// Layouts lists the article layouts the generator knows, LayoutPlain first.
var Layouts = []string{LayoutPlain, LayoutRequirements, LayoutCookies, LayoutPhoneHours, LayoutHowTo, LayoutCaseForm}

// TypedLayouts are Layouts without LayoutPlain: what `layout:` may say.
func TypedLayouts() []string { return Layouts[1:] }

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
