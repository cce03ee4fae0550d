package hours

import (
	"sort"
	"time"
)

// ScriptData is what the build ships to static/js/hours.js, as JSON in a
// <script type="application/json" data-hours-data> block. Times are minutes
// after midnight in the help center's zone; dates are "2006-01-02" strings,
// which compare correctly as strings in JavaScript.
type ScriptData struct {
	// Zone is the IANA zone name, for reference only: the script never asks
	// the browser about zones, it uses Offsets.
	Zone string `json:"zone"`
	// EffectiveFrom is the first date the weekly hours apply, or "".
	EffectiveFrom string `json:"effective_from"`
	// Weekly holds [open, close] pairs per day, Monday first.
	Weekly [7][][2]int `json:"weekly"`
	// Exceptions replace the weekly hours on their dates, sorted by date.
	Exceptions []ScriptException `json:"exceptions"`
	// Offsets are the zone's UTC offsets as [utcMillis, offsetMinutes], sorted:
	// from utcMillis on (until the next entry) local time is UTC plus
	// offsetMinutes. The first entry is the start of the covered range;
	// before it its offset is used, after the last entry the last offset.
	Offsets [][2]int64 `json:"offsets"`
}

// ScriptException is one exception date in [ScriptData].
type ScriptException struct {
	Date  string   `json:"date"`
	Hours [][2]int `json:"hours"`
}

// Lookahead is how many days after today [Status] (and the script) search
// for the next opening before saying just "closed".
const Lookahead = 14

// Result is the state of the phone line at one instant. The script returns
// an object with the same JSON shape; the shared fixture compares them.
type Result struct {
	// State is "open", "closed", or "unknown" (the instant falls before
	// effective_from on a day without an exception: the page says nothing).
	State string `json:"state"`
	// Closes is the closing time (HH:MM, local) when open, following hours
	// that run on past midnight; "" when open beyond the lookahead.
	Closes string `json:"closes"`
	// Opens is the next opening time (HH:MM, local) when closed, or "" when
	// there is none within the lookahead.
	Opens string `json:"opens"`
	// OpensIn is how many days after today Opens is (0 today, 1 tomorrow),
	// or -1.
	OpensIn int `json:"opens_in"`
	// OpensDay is the weekday of Opens, 0 Monday … 6 Sunday, or -1.
	OpensDay int `json:"opens_day"`
	// OpensDate is the date of Opens ("2027-07-26"), or "".
	OpensDate string `json:"opens_date"`
	// Offset is the zone's UTC offset in minutes at the instant; the script
	// labels times with the zone when the reader's offset differs.
	Offset int `json:"offset"`
}

const (
	minutesPerDay = 24 * 60
	msPerMinute   = 60 * 1000
	msPerDay      = minutesPerDay * msPerMinute
)

// offsetTransitions lists loc's UTC offsets from start to end as
// [utcMillis, offsetMinutes]: start itself, then every change before end.
func offsetTransitions(loc *time.Location, start, end time.Time) [][2]int64 {
	t := start.In(loc)
	_, off := t.Zone()
	out := [][2]int64{{t.UnixMilli(), int64(off / 60)}}
	for {
		_, next := t.ZoneBounds()
		if next.IsZero() || !next.Before(end) {
			return out
		}
		t = next.In(loc)
		_, off = t.Zone()
		if int64(off/60) != out[len(out)-1][1] { // a change of name alone (e.g. LMT→CET at the same offset) is no change
			out = append(out, [2]int64{t.UnixMilli(), int64(off / 60)})
		}
	}
}

// offsetAt returns the offset in minutes at UTC millisecond ms.
func (d *ScriptData) offsetAt(ms int64) int {
	if len(d.Offsets) == 0 {
		return 0
	}
	i := sort.Search(len(d.Offsets), func(i int) bool { return d.Offsets[i][0] > ms }) - 1
	if i < 0 {
		i = 0
	}
	return int(d.Offsets[i][1])
}

// dayHours returns the intervals of the local day with number day (days
// since 1970-01-01), or ok=false when they are unknown (before
// effective_from and no exception).
func (d *ScriptData) dayHours(day int64) (ivs [][2]int, ok bool) {
	date := dayDate(day)
	i := sort.Search(len(d.Exceptions), func(i int) bool { return d.Exceptions[i].Date >= date })
	if i < len(d.Exceptions) && d.Exceptions[i].Date == date {
		return d.Exceptions[i].Hours, true
	}
	if d.EffectiveFrom != "" && date < d.EffectiveFrom {
		return nil, false
	}
	return d.Weekly[dayWeekday(day)], true
}

// dayDate returns "2006-01-02" for a day number.
func dayDate(day int64) string {
	return time.UnixMilli(day * msPerDay).UTC().Format(DateLayout)
}

// dayWeekday returns 0 for Monday … 6 for Sunday; day 0 was a Thursday.
func dayWeekday(day int64) int {
	return int(((day+3)%7 + 7) % 7)
}

// floorDiv divides rounding toward minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Status tells whether the phone line described by d is open at instant,
// in d's zone, and when it closes or next opens, looking [Lookahead] days
// ahead. It is the Go twin of hours.js's status(data, ms): same data, same
// rules, same result.
func Status(d ScriptData, instant time.Time) Result {
	ms := instant.UnixMilli()
	off := d.offsetAt(ms)
	local := ms + int64(off)*msPerMinute
	day := floorDiv(local, msPerDay)
	min := int((local - day*msPerDay) / msPerMinute)
	r := Result{State: "unknown", OpensIn: -1, OpensDay: -1, Offset: off}

	today, ok := d.dayHours(day)
	if !ok {
		return r
	}
	for _, iv := range today {
		if iv[0] <= min && min < iv[1] {
			r.State = "open"
			r.Closes = d.closing(day, iv[1])
			return r
		}
	}
	for k := int64(0); k <= Lookahead; k++ {
		ivs, ok := d.dayHours(day + k)
		if !ok {
			return Result{State: "unknown", OpensIn: -1, OpensDay: -1, Offset: off}
		}
		for _, iv := range ivs {
			if k > 0 || iv[0] > min {
				r.State = "closed"
				r.Opens = FormatClock(iv[0])
				r.OpensIn = int(k)
				r.OpensDay = dayWeekday(day + k)
				r.OpensDate = dayDate(day + k)
				return r
			}
		}
	}
	r.State = "closed"
	return r
}

// closing follows an interval ending at end on day through touching
// intervals and past midnight, and returns the time the line really closes,
// or "" if it stays open beyond the lookahead.
func (d *ScriptData) closing(day int64, end int) string {
	start := day
	for day-start <= Lookahead {
		if end == minutesPerDay {
			next, ok := d.dayHours(day + 1)
			if !ok || len(next) == 0 || next[0][0] != 0 {
				return FormatClock(end)
			}
			day, end = day+1, next[0][1]
			continue
		}
		ivs, _ := d.dayHours(day)
		extended := false
		for _, iv := range ivs {
			if iv[0] == end {
				end, extended = iv[1], true
				break
			}
		}
		if !extended {
			return FormatClock(end)
		}
	}
	return ""
}
