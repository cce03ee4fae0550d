package hours

import (
	"sort"
	"strings"
	"time"
)

// View is the template data of a phone-hours article: set it as `.Hours` on
// the page data and call {{template "phone-hours" .}}. Localized words (day
// and month names, "Closed") come from layouts/i18n/*/hours.toml; View holds
// the keys for them, so one View serves every locale.
type View struct {
	// Zone is the IANA zone name, e.g. "Europe/Stockholm".
	Zone string
	// ZoneCity is the zone's city for "(Stockholm time)": the last part of
	// Zone with underscores as spaces.
	ZoneCity string
	// Weekly has one row per day, Monday first.
	Weekly []DayRow
	// Exceptions are the exceptions dated on or after the day before the
	// build date (in Zone), sorted by date.
	Exceptions []ExceptionRow
	// EffectiveFrom is the first day of the weekly hours (zero if not set).
	EffectiveFrom DateText
	// NewHours is set when EffectiveFrom is after the build date: the page
	// says "New hours from 1 December". (The script hides that notice once
	// the date has come, in case the page is not rebuilt.)
	NewHours bool
	// OpeningHours is the schema.org openingHoursSpecification list: weekly
	// entries (days with the same hours share one entry per interval, with
	// validFrom = effective_from) and one entry per upcoming exception with
	// validFrom = validThrough = its date; closed days are opens = closes =
	// "00:00".
	OpeningHours []OpeningHoursSpecification
	// JSONLD is a schema.org ContactPoint carrying OpeningHours as
	// hoursAvailable, ready for a <script type="application/ld+json"> block.
	JSONLD ContactPoint
	// Script is the data for static/js/hours.js.
	Script ScriptData
}

// DayRow is one weekday row of the table.
type DayRow struct {
	// Key is the day's front-matter key ("monday"), also the i18n key
	// suffix: hours.day.<Key>.
	Key string
	// Intervals are the opening periods; empty means closed.
	Intervals []IntervalText
}

// IntervalText is an interval written HH:MM for display.
type IntervalText struct {
	Open, Close string
}

// ExceptionRow is one row of the exceptions table.
type ExceptionRow struct {
	Date      DateText
	Intervals []IntervalText
	Note      string
}

// DateText is a date with the i18n key suffixes a template needs to write
// it: "Thursday 24 December" is hours.day.<WeekdayKey>, Day, and
// hours.month.<MonthKey>.
type DateText struct {
	// ISO is "2026-12-24", for <time datetime>; "" for an unset date.
	ISO        string
	Day        int
	MonthKey   string // "december"
	WeekdayKey string // "thursday"
}

// OpeningHoursSpecification is a schema.org OpeningHoursSpecification.
type OpeningHoursSpecification struct {
	Type         string   `json:"@type"`
	DayOfWeek    []string `json:"dayOfWeek,omitempty"`
	Opens        string   `json:"opens"`
	Closes       string   `json:"closes"`
	ValidFrom    string   `json:"validFrom,omitempty"`
	ValidThrough string   `json:"validThrough,omitempty"`
}

// ContactPoint is the schema.org ContactPoint the page describes.
type ContactPoint struct {
	Context        string                      `json:"@context"`
	Type           string                      `json:"@type"`
	ContactType    string                      `json:"contactType"`
	HoursAvailable []OpeningHoursSpecification `json:"hoursAvailable"`
}

// Coverage of ScriptData.Offsets around the build: from a year before the
// earlier of effective_from and the build date to five years after the
// later, so a page that is not rebuilt keeps its clock right for years.
const (
	offsetYearsBefore = 1
	offsetYearsAfter  = 5
)

// NewView validates h and builds its template data as of build, the build
// time the pipeline uses for the whole site (pass the same value to get
// byte-identical output). It returns the [Errors] of [Hours.Validate] if h is
// invalid.
func NewView(h Hours, build time.Time) (*View, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	loc, _ := loadZone(h.TimeZone) // Validate checked it
	buildDate := DateOf(build.In(loc))

	v := &View{
		Zone:          h.TimeZone,
		ZoneCity:      zoneCity(h.TimeZone),
		EffectiveFrom: dateText(h.EffectiveFrom),
		NewHours:      !h.EffectiveFrom.IsZero() && buildDate.Before(h.EffectiveFrom),
	}
	v.Script.Zone = h.TimeZone
	v.Script.EffectiveFrom = h.EffectiveFrom.String()

	var week [7][]Interval
	for i, s := range h.Weekly.Days() {
		week[i], _ = ParseDay(s)
		v.Weekly = append(v.Weekly, DayRow{Key: DayKeys[i], Intervals: intervalTexts(week[i])})
		v.Script.Weekly[i] = pairs(week[i])
	}

	xs := append([]Exception(nil), h.Exceptions...)
	sort.Slice(xs, func(i, j int) bool { return xs[i].Date.Before(xs[j].Date) })
	v.Script.Exceptions = []ScriptException{}
	v.OpeningHours = weeklySpecs(week, h.EffectiveFrom)
	oldest := buildDate.AddDays(-1)
	for _, x := range xs {
		ivs, _ := ParseDay(x.Hours)
		v.Script.Exceptions = append(v.Script.Exceptions, ScriptException{Date: x.Date.String(), Hours: pairs(ivs)})
		if x.Date.Before(oldest) {
			continue
		}
		v.Exceptions = append(v.Exceptions, ExceptionRow{Date: dateText(x.Date), Intervals: intervalTexts(ivs), Note: x.Note})
		v.OpeningHours = append(v.OpeningHours, exceptionSpecs(x.Date, ivs)...)
	}
	v.JSONLD = ContactPoint{
		Context:        "https://schema.org",
		Type:           "ContactPoint",
		ContactType:    "customer support",
		HoursAvailable: v.OpeningHours,
	}

	from, to := buildDate, buildDate
	if !h.EffectiveFrom.IsZero() {
		if h.EffectiveFrom.Before(from) {
			from = h.EffectiveFrom
		} else {
			to = h.EffectiveFrom
		}
	}
	start := from.Midnight(loc).AddDate(-offsetYearsBefore, 0, 0)
	end := to.Midnight(loc).AddDate(offsetYearsAfter, 0, 0)
	v.Script.Offsets = offsetTransitions(loc, start, end)
	return v, nil
}

func zoneCity(zone string) string {
	city := zone[strings.LastIndex(zone, "/")+1:]
	return strings.ReplaceAll(city, "_", " ")
}

func dateText(d Date) DateText {
	if d.IsZero() {
		return DateText{}
	}
	return DateText{
		ISO:        d.String(),
		Day:        d.Day(),
		MonthKey:   strings.ToLower(d.Month().String()),
		WeekdayKey: DayKeys[(int(d.Weekday())+6)%7],
	}
}

func intervalTexts(ivs []Interval) []IntervalText {
	out := []IntervalText{}
	for _, iv := range ivs {
		out = append(out, IntervalText{FormatClock(iv.Open), FormatClock(iv.Close)})
	}
	return out
}

func pairs(ivs []Interval) [][2]int {
	out := [][2]int{}
	for _, iv := range ivs {
		out = append(out, [2]int{iv.Open, iv.Close})
	}
	return out
}

// schemaDays are schema.org DayOfWeek URLs, Monday first.
var schemaDays = [7]string{
	"https://schema.org/Monday", "https://schema.org/Tuesday", "https://schema.org/Wednesday",
	"https://schema.org/Thursday", "https://schema.org/Friday", "https://schema.org/Saturday",
	"https://schema.org/Sunday",
}

// schemaClose writes a closing time; schema.org consumers (Google) expect
// "23:59" rather than "24:00" for open until midnight.
func schemaClose(min int) string {
	if min == minutesPerDay {
		return "23:59"
	}
	return FormatClock(min)
}

// weeklySpecs emits one specification per distinct interval, listing every
// day that has it, in order of first appearance Monday→Sunday.
func weeklySpecs(week [7][]Interval, from Date) []OpeningHoursSpecification {
	out := []OpeningHoursSpecification{}
	index := map[Interval]int{}
	for day, ivs := range week {
		for _, iv := range ivs {
			i, ok := index[iv]
			if !ok {
				i = len(out)
				index[iv] = i
				out = append(out, OpeningHoursSpecification{
					Type:      "OpeningHoursSpecification",
					Opens:     FormatClock(iv.Open),
					Closes:    schemaClose(iv.Close),
					ValidFrom: from.String(),
				})
			}
			out[i].DayOfWeek = append(out[i].DayOfWeek, schemaDays[day])
		}
	}
	return out
}

func exceptionSpecs(d Date, ivs []Interval) []OpeningHoursSpecification {
	spec := OpeningHoursSpecification{
		Type:         "OpeningHoursSpecification",
		Opens:        "00:00",
		Closes:       "00:00",
		ValidFrom:    d.String(),
		ValidThrough: d.String(),
	}
	if len(ivs) == 0 {
		return []OpeningHoursSpecification{spec}
	}
	var out []OpeningHoursSpecification
	for _, iv := range ivs {
		spec.Opens, spec.Closes = FormatClock(iv.Open), schemaClose(iv.Close)
		out = append(out, spec)
	}
	return out
}
