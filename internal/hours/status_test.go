package hours

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

var update = flag.Bool("update", false, "rewrite testdata/status.json and the golden partial output")

// fixtureBuild is the build time of the shared fixture.
var fixtureBuild = time.Date(2026, 9, 15, 10, 0, 0, 0, time.UTC)

// fixtureHours is the schedule behind testdata/status.json: a Stockholm
// support line whose weekly hours start 2026-10-01, with night shifts across
// both 2026/2027 clock changes, Christmas, a half day, a day open until
// midnight, touching intervals and a three-week summer closure.
func fixtureHours() Hours {
	h := Hours{
		TimeZone:      "Europe/Stockholm",
		EffectiveFrom: NewDate(2026, 10, 1),
		Weekly: Weekly{
			Monday:    "08:00-12:00, 13:00-16:30",
			Tuesday:   "08:00-12:00, 13:00-16:30",
			Wednesday: "08:00-12:00, 13:00-16:30",
			Thursday:  "08:00-12:00, 13:00-16:30",
			Friday:    "08:00-15:00",
			Saturday:  "10:00-14:00",
			Sunday:    "closed",
		},
		Exceptions: []Exception{
			{NewDate(2026, 9, 30), "09:00-11:00", "Launch day"},
			{NewDate(2026, 10, 24), "20:00-24:00", "Night shift"},
			{NewDate(2026, 10, 25), "00:00-04:00", "Night shift"},
			{NewDate(2026, 12, 24), "closed", "Christmas Eve"},
			{NewDate(2026, 12, 25), "closed", "Christmas Day"},
			{NewDate(2026, 12, 26), "closed", "Boxing Day"},
			{NewDate(2026, 12, 31), "08:00-12:00", "New Year's Eve"},
			{NewDate(2027, 1, 1), "closed", "New Year's Day"},
			{NewDate(2027, 1, 2), "18:00-24:00", "Year-end closing"},
			{NewDate(2027, 1, 4), "12:00-16:30, 08:00-12:00", "Written as two touching intervals"},
			{NewDate(2027, 3, 28), "01:00-04:00", "Night shift"},
		},
	}
	for d := NewDate(2027, 7, 5); d.Before(NewDate(2027, 7, 26)); d = d.AddDays(1) {
		h.Exceptions = append(h.Exceptions, Exception{d, "closed", "Summer closure"})
	}
	return h
}

// Result constructors for the table.
func open(closes string, offset int) Result {
	return Result{State: "open", Closes: closes, OpensIn: -1, OpensDay: -1, Offset: offset}
}

func opens(at string, in, weekday int, date string, offset int) Result {
	return Result{State: "closed", Opens: at, OpensIn: in, OpensDay: weekday, OpensDate: date, Offset: offset}
}

func closedAhead(offset int) Result {
	return Result{State: "closed", OpensIn: -1, OpensDay: -1, Offset: offset}
}

func unknown(offset int) Result {
	return Result{State: "unknown", OpensIn: -1, OpensDay: -1, Offset: offset}
}

const (
	mon = iota
	tue
	wed
	thu
	fri
	sat
	sun
)

// statusCases is the table both Status and hours.js are held to. Instants
// are written with the offset Stockholm has at them, or in UTC where the
// point is which offset applies.
var statusCases = []struct {
	name    string
	instant string
	want    Result
}{
	// effective_from 2026-10-01 (a Thursday).
	{"before effective_from is unknown", "2026-09-29T10:00:00+02:00", unknown(120)},
	{"last millisecond of a day before effective_from", "2026-09-29T23:59:59.999+02:00", unknown(120)},
	{"exception before effective_from is known", "2026-09-30T10:00:00+02:00", open("11:00", 120)},
	{"after that exception the next day is effective", "2026-09-30T12:00:00+02:00", opens("08:00", 1, thu, "2026-10-01", 120)},
	{"midnight starts effective_from", "2026-10-01T00:00:00+02:00", opens("08:00", 0, thu, "2026-10-01", 120)},
	{"a minute before opening", "2026-10-01T07:59:00+02:00", opens("08:00", 0, thu, "2026-10-01", 120)},
	{"opening minute", "2026-10-01T08:00:00+02:00", open("12:00", 120)},
	{"lunch break", "2026-10-01T12:00:00+02:00", opens("13:00", 0, thu, "2026-10-01", 120)},
	{"closing minute", "2026-10-01T16:30:00+02:00", opens("08:00", 1, fri, "2026-10-02", 120)},
	{"Friday after closing opens Saturday", "2026-10-02T15:00:00+02:00", opens("10:00", 1, sat, "2026-10-03", 120)},
	{"Saturday after closing opens Monday", "2026-10-03T14:00:00+02:00", opens("08:00", 2, mon, "2026-10-05", 120)},
	{"Sunday just before midnight wraps to Monday", "2026-10-04T23:59:59+02:00", opens("08:00", 1, mon, "2026-10-05", 120)},
	{"Monday midnight", "2026-10-05T00:00:00+02:00", opens("08:00", 0, mon, "2026-10-05", 120)},

	// Autumn 2026: 2026-10-25 03:00 CEST becomes 02:00 CET (01:00 UTC).
	{"exception replaces weekly hours", "2026-10-24T11:00:00+02:00", opens("20:00", 0, sat, "2026-10-24", 120)},
	{"night shift runs past midnight", "2026-10-24T23:00:00+02:00", open("04:00", 120)},
	{"first 02:30 of the autumn change (CEST)", "2026-10-25T02:30:00+02:00", open("04:00", 120)},
	{"second 02:30 of the autumn change (CET)", "2026-10-25T02:30:00+01:00", open("04:00", 60)},
	{"last minute of the night shift in CET", "2026-10-25T03:59:00+01:00", open("04:00", 60)},
	{"after the night shift opens Monday", "2026-10-25T04:00:00+01:00", opens("08:00", 1, mon, "2026-10-26", 60)},
	{"Monday 07:30 CET after the autumn change", "2026-10-26T06:30:00Z", opens("08:00", 0, mon, "2026-10-26", 60)},
	{"Monday 08:00 CET after the autumn change", "2026-10-26T07:00:00Z", open("12:00", 60)},

	// Holidays.
	{"before Christmas opens after it", "2026-12-23T17:00:00+01:00", opens("08:00", 5, mon, "2026-12-28", 60)},
	{"Christmas Eve", "2026-12-24T10:00:00+01:00", opens("08:00", 4, mon, "2026-12-28", 60)},
	{"New Year's Eve half day", "2026-12-31T11:59:00+01:00", open("12:00", 60)},
	{"New Year's Eve afternoon skips New Year's Day", "2026-12-31T13:00:00+01:00", opens("18:00", 2, sat, "2027-01-02", 60)},
	{"open until midnight before a closed day", "2027-01-02T23:59:00+01:00", open("24:00", 60)},
	{"touching intervals close at the later end", "2027-01-04T11:00:00+01:00", open("16:30", 60)},

	// Spring 2027: 2027-03-28 02:00 CET becomes 03:00 CEST (01:00 UTC).
	{"Friday 07:30 CET before the spring change", "2027-03-26T06:30:00Z", opens("08:00", 0, fri, "2027-03-26", 60)},
	{"Saturday night before the spring change", "2027-03-27T23:30:00+01:00", opens("01:00", 1, sun, "2027-03-28", 60)},
	{"last CET second of the night shift", "2027-03-28T01:59:59+01:00", open("04:00", 60)},
	{"first CEST second of the night shift", "2027-03-28T03:00:00+02:00", open("04:00", 120)},
	{"after the spring night shift opens Monday", "2027-03-28T04:00:00+02:00", opens("08:00", 1, mon, "2027-03-29", 120)},
	{"Monday 08:30 CEST after the spring change", "2027-03-29T06:30:00Z", open("12:00", 120)},

	// Autumn 2027: 2027-10-31 03:00 CEST becomes 02:00 CET (01:00 UTC).
	{"Saturday before the autumn change", "2027-10-30T13:59:00+02:00", open("14:00", 120)},
	{"Sunday 02:30 CEST", "2027-10-31T00:30:00Z", opens("08:00", 1, mon, "2027-11-01", 120)},
	{"Sunday 02:30 CET", "2027-10-31T01:30:00Z", opens("08:00", 1, mon, "2027-11-01", 60)},
	{"Monday 07:30 CET after the 2027 change", "2027-11-01T06:30:00Z", opens("08:00", 0, mon, "2027-11-01", 60)},
	{"Monday 16:29 CET after the 2027 change", "2027-11-01T15:29:00Z", open("16:30", 60)},

	// Summer closure 2027-07-05 … 2027-07-25; lookahead is 14 days.
	{"Friday before the summer closure", "2027-07-02T16:00:00+02:00", opens("10:00", 1, sat, "2027-07-03", 120)},
	{"nothing within the lookahead", "2027-07-03T15:00:00+02:00", closedAhead(120)},
	{"one day past the lookahead", "2027-07-11T09:00:00+02:00", closedAhead(120)},
	{"last day of the lookahead", "2027-07-12T09:00:00+02:00", opens("08:00", 14, mon, "2027-07-26", 120)},
	{"a week ahead", "2027-07-19T09:00:00+02:00", opens("08:00", 7, mon, "2027-07-26", 120)},
}

func fixtureView(t testing.TB) *View {
	t.Helper()
	v, err := NewView(fixtureHours(), fixtureBuild)
	if err != nil {
		t.Fatalf("NewView(fixture): %v", err)
	}
	return v
}

func TestStatus(t *testing.T) {
	v := fixtureView(t)
	for _, tc := range statusCases {
		t.Run(tc.name, func(t *testing.T) {
			at, err := time.Parse(time.RFC3339Nano, tc.instant)
			if err != nil {
				t.Fatal(err)
			}
			if got := Status(v.Script, at); got != tc.want {
				t.Errorf("Status(%s)\n got %+v\nwant %+v", tc.instant, got, tc.want)
			}
		})
	}
}

// fixture is testdata/status.json, read by testdata/hours.test.js.
type fixture struct {
	Comment string                   `json:"comment"`
	Data    ScriptData               `json:"data"`
	Cases   []fixtureCase            `json:"cases"`
	Strings map[string]scriptStrings `json:"strings"`
}

type fixtureCase struct {
	Name    string `json:"name"`
	Instant string `json:"instant"`
	Ms      int64  `json:"ms"`
	Want    Result `json:"want"`
}

// scriptStrings mirrors what hours.js reads from the data-l-* attributes
// that the partial writes from the i18n files.
type scriptStrings struct {
	Open          string   `json:"open"`
	OpenCloses    string   `json:"open_closes"`
	OpensToday    string   `json:"opens_today"`
	OpensTomorrow string   `json:"opens_tomorrow"`
	OpensDay      string   `json:"opens_day"`
	OpensDate     string   `json:"opens_date"`
	Date          string   `json:"date"`
	Closed        string   `json:"closed"`
	Zone          string   `json:"zone"`
	City          string   `json:"city"`
	Days          []string `json:"days"`
	Months        []string `json:"months"`
}

func loadStrings(t testing.TB, locale string) map[string]string {
	t.Helper()
	m := map[string]string{}
	path := filepath.Join("..", "..", "layouts", "i18n", locale, "hours.toml")
	if _, err := toml.DecodeFile(path, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func scriptStringsFor(t testing.TB, locale, city string) scriptStrings {
	m := loadStrings(t, locale)
	s := scriptStrings{
		Open: m["hours.now.open"], OpenCloses: m["hours.now.open_closes"],
		OpensToday: m["hours.now.opens_today"], OpensTomorrow: m["hours.now.opens_tomorrow"],
		OpensDay: m["hours.now.opens_day"], OpensDate: m["hours.now.opens_date"],
		Date: m["hours.now.date"], Closed: m["hours.now.closed"], Zone: m["hours.now.zone"], City: city,
	}
	for _, d := range DayKeys {
		s.Days = append(s.Days, m["hours.now.day."+d])
	}
	for mo := time.January; mo <= time.December; mo++ {
		s.Months = append(s.Months, m["hours.month."+monthKey(mo)])
	}
	return s
}

func monthKey(m time.Month) string { return dateText(NewDate(2000, m, 1)).MonthKey }

// TestStatusFixture keeps testdata/status.json equal to the Go table, so the
// Node test of hours.js runs the same cases. Rewrite it with
// go test ./internal/hours -run TestStatusFixture -update.
func TestStatusFixture(t *testing.T) {
	v := fixtureView(t)
	f := fixture{
		Comment: "Generated by go test ./internal/hours -run TestStatusFixture -update; read by testdata/hours.test.js. Do not edit.",
		Data:    v.Script,
		Strings: map[string]scriptStrings{
			"en": scriptStringsFor(t, "en", v.ZoneCity),
			"sv": scriptStringsFor(t, "sv", v.ZoneCity),
		},
	}
	for _, tc := range statusCases {
		at, err := time.Parse(time.RFC3339Nano, tc.instant)
		if err != nil {
			t.Fatal(err)
		}
		f.Cases = append(f.Cases, fixtureCase{tc.name, tc.instant, at.UnixMilli(), tc.want})
	}
	got, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "status.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with go test ./internal/hours -run TestStatusFixture -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run go test ./internal/hours -run TestStatusFixture -update and commit it", path)
	}
}

// TestOffsets checks the shipped offset table against the time package at
// every quarter hour of its range, for zones with ordinary, half-hour,
// southern-hemisphere and abolished daylight saving, and none at all.
func TestOffsets(t *testing.T) {
	for _, zone := range []string{"Europe/Stockholm", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Kolkata", "UTC"} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Date(2025, 9, 15, 0, 0, 0, 0, loc)
			end := start.AddDate(6, 0, 0)
			d := ScriptData{Offsets: offsetTransitions(loc, start, end)}
			// Each quarter hour and the millisecond before it, so an
			// entry off by even a millisecond is caught.
			for at := start; at.Before(end); at = at.Add(15 * time.Minute) {
				for _, ms := range []int64{at.UnixMilli(), at.UnixMilli() - 1} {
					_, want := time.UnixMilli(ms).In(loc).Zone()
					if got := d.offsetAt(ms); got != want/60 {
						t.Fatalf("offsetAt(%s) = %d, want %d", time.UnixMilli(ms).In(loc), got, want/60)
					}
				}
			}
		})
	}
	t.Run("Stockholm changes at 01:00 UTC", func(t *testing.T) {
		v := fixtureView(t)
		want := [][2]int64{
			{ms("2026-03-29T01:00:00Z"), 120}, {ms("2026-10-25T01:00:00Z"), 60},
			{ms("2027-03-28T01:00:00Z"), 120}, {ms("2027-10-31T01:00:00Z"), 60},
		}
		for _, w := range want {
			found := false
			for _, o := range v.Script.Offsets {
				found = found || o == w
			}
			if !found {
				t.Errorf("offsets lack %v (%s)", w, time.UnixMilli(w[0]).UTC())
			}
		}
		// 2025-09-14 (a year before the build date) to 2031-10-01 (five
		// years after effective_from): a start entry and two changes a year.
		if first := v.Script.Offsets[0]; first != [2]int64{ms("2025-09-14T22:00:00Z"), 120} {
			t.Errorf("first entry %v, want the start of 2025-09-15 in CEST", first)
		}
		if n := len(v.Script.Offsets); n != 13 {
			t.Errorf("%d entries, want 13", n)
		}
	})
}

func ms(s string) int64 {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

// TestStatusAgreesWithTimePackage compares Status with a direct reading of
// the Hours through time.Location at random instants over the offset range:
// open or not, and known or not, must agree.
func TestStatusAgreesWithTimePackage(t *testing.T) {
	h := fixtureHours()
	v := fixtureView(t)
	loc, _ := time.LoadLocation(h.TimeZone)
	ex := map[Date]string{}
	for _, x := range h.Exceptions {
		ex[x.Date] = x.Hours
	}
	rng := rand.New(rand.NewSource(1))
	from := time.Date(2025, 9, 15, 0, 0, 0, 0, loc).Unix()
	to := time.Date(2031, 9, 30, 0, 0, 0, 0, loc).Unix()
	for range 20000 {
		at := time.Unix(from+rng.Int63n(to-from), 0).In(loc)
		date := DateOf(at)
		s, ok := ex[date]
		if !ok {
			s = h.Weekly.Days()[(int(at.Weekday())+6)%7]
		}
		known := ok || !date.Before(h.EffectiveFrom)
		ivs, _ := ParseDay(s)
		min := at.Hour()*60 + at.Minute()
		isOpen := false
		for _, iv := range ivs {
			isOpen = isOpen || (iv.Open <= min && min < iv.Close)
		}
		got := Status(v.Script, at)
		if (got.State != "unknown") != known || (got.State == "open") != (known && isOpen) {
			t.Fatalf("Status(%s) = %+v; time package says known=%v open=%v", at, got, known, isOpen)
		}
	}
}

// BenchmarkStatus measures one status computation, as the script does every
// 30 seconds.
func BenchmarkStatus(b *testing.B) {
	v := fixtureView(b)
	at := time.Date(2026, 12, 23, 17, 0, 0, 0, time.UTC)
	for b.Loop() {
		Status(v.Script, at)
	}
}
