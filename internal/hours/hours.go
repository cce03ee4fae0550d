package hours

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Hours is the `hours:` front matter of a phone-hours article:
//
//	hours:
//	  time_zone: Europe/Stockholm
//	  effective_from: 2026-12-01
//	  weekly:
//	    monday: "08:00-12:00, 13:00-16:30"
//	    …
//	    sunday: closed
//	  exceptions:
//	    - {date: 2026-12-24, hours: closed, note: "Christmas Eve"}
//
// The zero value is not valid; call [Hours.Validate] after decoding.
type Hours struct {
	// TimeZone is the IANA name of the zone the hours are kept in
	// ("Europe/Stockholm"). Required.
	TimeZone string `yaml:"time_zone" toml:"time_zone" json:"time_zone"`
	// EffectiveFrom is the first day the weekly hours apply. Before it the
	// weekly hours are not known (only exceptions are). Optional.
	EffectiveFrom Date `yaml:"effective_from" toml:"effective_from" json:"effective_from"`
	// Weekly holds the regular hours of each day of the week. Every day is
	// required: write "closed" for a day without hours.
	Weekly Weekly `yaml:"weekly" toml:"weekly" json:"weekly"`
	// Exceptions override the weekly hours on single dates (holidays).
	Exceptions []Exception `yaml:"exceptions" toml:"exceptions" json:"exceptions"`
}

// Weekly holds the hours of each day of the week, each "closed" or a list
// of intervals such as "08:00-12:00, 13:00-16:30".
type Weekly struct {
	Monday    string `yaml:"monday" toml:"monday" json:"monday"`
	Tuesday   string `yaml:"tuesday" toml:"tuesday" json:"tuesday"`
	Wednesday string `yaml:"wednesday" toml:"wednesday" json:"wednesday"`
	Thursday  string `yaml:"thursday" toml:"thursday" json:"thursday"`
	Friday    string `yaml:"friday" toml:"friday" json:"friday"`
	Saturday  string `yaml:"saturday" toml:"saturday" json:"saturday"`
	Sunday    string `yaml:"sunday" toml:"sunday" json:"sunday"`
}

// DayKeys are the front-matter keys of [Weekly] in display order, Monday
// first. Index i of [Weekly.Days] and of [ScriptData.Weekly] is DayKeys[i].
var DayKeys = [7]string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// Days returns the hours strings Monday first, in the order of [DayKeys].
func (w Weekly) Days() [7]string {
	return [7]string{w.Monday, w.Tuesday, w.Wednesday, w.Thursday, w.Friday, w.Saturday, w.Sunday}
}

// Exception replaces the weekly hours on one date.
type Exception struct {
	// Date is the day the exception applies to. Required.
	Date Date `yaml:"date" toml:"date" json:"date"`
	// Hours is "closed" or intervals, like a weekly day. Required.
	Hours string `yaml:"hours" toml:"hours" json:"hours"`
	// Note says why ("Christmas Eve"), in the article's language. Optional.
	Note string `yaml:"note" toml:"note" json:"note"`
}

// Date is a calendar date without a time or zone, written 2026-12-01. It
// decodes from a YAML date or string, a TOML local date or string, and a JSON
// string. The zero Date means "not set".
type Date struct {
	year  int
	month time.Month
	day   int
}

// DateLayout is the written form of a [Date].
const DateLayout = "2006-01-02"

// NewDate returns the date year-month-day, normalised as [time.Date] does.
func NewDate(year int, month time.Month, day int) Date {
	return DateOf(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses a date written 2026-12-01.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date: write it as YYYY-MM-DD, e.g. 2026-12-01", s)
	}
	return DateOf(t), nil
}

// Year returns the date's year.
func (d Date) Year() int { return d.year }

// Month returns the date's month.
func (d Date) Month() time.Month { return d.month }

// Day returns the date's day of the month.
func (d Date) Day() int { return d.day }

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String returns the date as 2026-12-01, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.year, d.month, d.day)
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool {
	if d.year != e.year {
		return d.year < e.year
	}
	if d.month != e.month {
		return d.month < e.month
	}
	return d.day < e.day
}

// AddDays returns the date n days after d (before, if n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.year, d.month, d.day+n, 0, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, time.UTC).Weekday()
}

// Midnight returns the first instant of d in loc.
func (d Date) Midnight(loc *time.Location) time.Time {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, loc)
}

// MarshalText writes the date as 2026-12-01.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a date written 2026-12-01.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// UnmarshalJSON reads a JSON string holding a date written 2026-12-01.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date %s is not a string: write it as \"2026-12-01\"", b)
	}
	return d.UnmarshalText([]byte(s))
}

// UnmarshalYAML reads a YAML scalar 2026-12-01. yaml.v3 resolves an unquoted
// date to a timestamp; the node keeps the text as written, which is what is
// parsed, so a quoted and an unquoted date read the same.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a date must be a single value like 2026-12-01", n.Line)
	}
	if err := d.UnmarshalText([]byte(n.Value)); err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	return nil
}

// UnmarshalTOML reads a TOML local date (2026-12-01, unquoted) or a string
// holding one. Local and offset date-times are refused: the hours are in the
// zone named by time_zone, so a time of day or an offset would be ignored.
func (d *Date) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		return d.UnmarshalText([]byte(v))
	case time.Time:
		// BurntSushi/toml gives an unquoted local date a location named
		// "date-local" (its internal LocalDate).
		if v.Location().String() != "date-local" {
			return fmt.Errorf("%s is not a date: write it as 2026-12-01 without a time", v.Format(time.RFC3339))
		}
		*d = DateOf(v)
		return nil
	default:
		return fmt.Errorf("%v is not a date: write it as 2026-12-01", v)
	}
}

// Interval is one opening period of a day, in minutes after midnight:
// open at Open, closed from Close on. Close may be 1440 (24:00).
type Interval struct {
	Open, Close int
}

// Closed is the hours string for a day without opening hours.
const Closed = "closed"

// Sentinel errors wrapped by [ParseDay] and [Hours.Validate]; test with
// errors.Is.
var (
	// ErrFormat: the value is not "closed" or HH:MM-HH:MM intervals.
	ErrFormat = errors.New("bad hours format")
	// ErrCloseBeforeOpen: an interval closes at or before it opens.
	ErrCloseBeforeOpen = errors.New("closes before it opens")
	// ErrOverlap: two intervals of one day overlap.
	ErrOverlap = errors.New("intervals overlap")
	// ErrMissing: a required field is empty.
	ErrMissing = errors.New("missing")
	// ErrTimeZone: time_zone is not a known IANA zone.
	ErrTimeZone = errors.New("unknown time zone")
	// ErrDuplicateDate: two exceptions name the same date.
	ErrDuplicateDate = errors.New("duplicate exception date")
)

// ParseDay parses the hours of one day: "closed" (any case; an empty, non-nil slice) or
// comma-separated intervals "08:00-12:00, 13:00-16:30". Times are 24-hour
// HH:MM; a close of 24:00 means midnight at the end of the day. Intervals are
// returned sorted; they must not overlap (touching is allowed), and each must
// close after it opens: hours across midnight are written as two days.
func ParseDay(s string) ([]Interval, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, kindError(ErrMissing, "missing: write \"closed\" or hours like \"08:00-12:00, 13:00-16:30\"")
	}
	if strings.EqualFold(t, Closed) {
		return []Interval{}, nil
	}
	var out []Interval
	for _, part := range strings.Split(t, ",") {
		part = strings.TrimSpace(part)
		open, close, ok := strings.Cut(part, "-")
		if !ok {
			return nil, kindError(ErrFormat, "%q is not HH:MM-HH:MM: write \"closed\" or hours like \"08:00-12:00, 13:00-16:30\"", part)
		}
		o, okO := parseClock(strings.TrimSpace(open), false)
		c, okC := parseClock(strings.TrimSpace(close), true)
		if !okO || !okC {
			return nil, kindError(ErrFormat, "%q is not HH:MM-HH:MM: write \"closed\" or hours like \"08:00-12:00, 13:00-16:30\"", part)
		}
		if c <= o {
			return nil, kindError(ErrCloseBeforeOpen, "%q closes before it opens: write hours across midnight as \"22:00-24:00\" on one day and \"00:00-02:00\" on the next", part)
		}
		out = append(out, Interval{o, c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Open < out[j].Open })
	for i := 1; i < len(out); i++ {
		if out[i].Open < out[i-1].Close {
			return nil, kindError(ErrOverlap, "%q overlaps %q: give each time once", formatInterval(out[i-1]), formatInterval(out[i]))
		}
	}
	return out, nil
}

// kindErr is an error whose message is written out in full and that
// matches one of the sentinel errors with errors.Is.
type kindErr struct {
	kind error
	msg  string
}

func kindError(kind error, format string, args ...any) error {
	return &kindErr{kind, fmt.Sprintf(format, args...)}
}

func (e *kindErr) Error() string { return e.msg }
func (e *kindErr) Unwrap() error { return e.kind }

// FormatDay writes intervals back in the form [ParseDay] reads.
func FormatDay(ivs []Interval) string {
	if len(ivs) == 0 {
		return Closed
	}
	parts := make([]string, len(ivs))
	for i, iv := range ivs {
		parts[i] = formatInterval(iv)
	}
	return strings.Join(parts, ", ")
}

func formatInterval(iv Interval) string {
	return FormatClock(iv.Open) + "-" + FormatClock(iv.Close)
}

// FormatClock writes minutes after midnight as HH:MM (1440 is "24:00").
func FormatClock(min int) string {
	return fmt.Sprintf("%02d:%02d", min/60, min%60)
}

// parseClock reads exactly HH:MM, 00:00 to 23:59, or 24:00 when end is set.
func parseClock(s string, end bool) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && (m != 0 || !end)) {
		return 0, false
	}
	return h*60 + m, true
}
