package hours

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // zones must resolve on machines without /usr/share/zoneinfo (CI images, Netlify)
)

// FieldError is one problem in an `hours:` block. Field is the front-matter
// path ("hours.weekly.monday", "hours.exceptions[2].date") so the content
// loader can point at its line; Err says what is wrong and what to do and
// wraps one of the Err* sentinels.
type FieldError struct {
	Field string
	Err   error
}

// Error returns "hours.weekly.monday: \"8-16:30\" is not HH:MM-HH:MM: …".
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

// Errors is every problem found by [Hours.Validate], in field order.
type Errors []*FieldError

// Error joins the messages, one per line.
func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the individual errors, for errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Validate checks every field and returns nil or an [Errors] listing every
// problem: a missing or unknown time zone, a day or exception whose hours are
// not "closed" or HH:MM-HH:MM intervals, intervals that close before they open
// or overlap, an exception without a date, and two exceptions on one date.
func (h Hours) Validate() error {
	var es Errors
	add := func(field string, err error) { es = append(es, &FieldError{field, err}) }
	if _, err := loadZone(h.TimeZone); err != nil {
		add("hours.time_zone", err)
	}
	for i, s := range h.Weekly.Days() {
		if _, err := ParseDay(s); err != nil {
			add("hours.weekly."+DayKeys[i], err)
		}
	}
	seen := map[Date]int{}
	for i, x := range h.Exceptions {
		field := fmt.Sprintf("hours.exceptions[%d]", i)
		if x.Date.IsZero() {
			add(field+".date", kindError(ErrMissing, "missing: give the day as YYYY-MM-DD, e.g. 2026-12-24"))
		} else if j, dup := seen[x.Date]; dup {
			add(field+".date", kindError(ErrDuplicateDate, "%s is listed twice (also hours.exceptions[%d]): keep one entry per date", x.Date, j))
		} else {
			seen[x.Date] = i
		}
		if _, err := ParseDay(x.Hours); err != nil {
			add(field+".hours", err)
		}
	}
	if len(es) == 0 {
		return nil
	}
	return es
}

// loadZone resolves an IANA zone name. "Local" and "" are refused: the
// output must not depend on the machine that builds it.
func loadZone(name string) (*time.Location, error) {
	if name == "" {
		return nil, kindError(ErrMissing, "missing: name the help center's IANA time zone, e.g. Europe/Stockholm")
	}
	if name == "Local" {
		return nil, kindError(ErrTimeZone, "\"Local\" depends on the build machine: name an IANA time zone, e.g. Europe/Stockholm")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, kindError(ErrTimeZone, "unknown time zone %q: use an IANA name such as Europe/Stockholm", name)
	}
	return loc, nil
}
