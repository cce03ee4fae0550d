package hours

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"gopkg.in/yaml.v3"
)

func TestParseDay(t *testing.T) {
	tests := []struct {
		in      string
		want    []Interval
		wantErr error
	}{
		{"closed", []Interval{}, nil},
		{" Closed ", []Interval{}, nil},
		{"08:00-16:30", []Interval{{480, 990}}, nil},
		{"08:00-12:00, 13:00-16:30", []Interval{{480, 720}, {780, 990}}, nil},
		{" 13:00 - 16:30 ,08:00-12:00 ", []Interval{{480, 720}, {780, 990}}, nil},
		{"00:00-24:00", []Interval{{0, 1440}}, nil},
		{"08:00-12:00, 12:00-13:00", []Interval{{480, 720}, {720, 780}}, nil},
		{"", nil, ErrMissing},
		{"   ", nil, ErrMissing},
		{"8-16:30", nil, ErrFormat},
		{"8:00-16:30", nil, ErrFormat},
		{"08.00-16.30", nil, ErrFormat},
		{"08:00–16:30", nil, ErrFormat}, // en dash
		{"08:00-16:60", nil, ErrFormat},
		{"08:00-25:00", nil, ErrFormat},
		{"08:00-24:01", nil, ErrFormat},
		{"24:00-24:00", nil, ErrFormat},
		{"08:00-12:00,", nil, ErrFormat},
		{"08:00", nil, ErrFormat},
		{"open", nil, ErrFormat},
		{"16:30-08:00", nil, ErrCloseBeforeOpen},
		{"08:00-08:00", nil, ErrCloseBeforeOpen},
		{"08:00-12:00, 11:00-16:00", nil, ErrOverlap},
		{"08:00-16:00, 09:00-10:00", nil, ErrOverlap},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDay(tc.in)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("ParseDay(%q) error = %v, want %v", tc.in, err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseDay(%q) = %#v, want %#v", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzParseDay checks that whatever ParseDay accepts is well formed (sorted,
// not overlapping, within the day) and survives a round trip through
// FormatDay, and that it never panics.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"closed", "08:00-12:00, 13:00-16:30", "00:00-24:00", "8-16", "16:30-08:00", "08:00-12:00,11:00-13:00", " 23:59 - 24:00 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ivs, err := ParseDay(s)
		if err != nil {
			if ivs != nil {
				t.Fatalf("ParseDay(%q) returned intervals with error %v", s, err)
			}
			return
		}
		for i, iv := range ivs {
			if iv.Open < 0 || iv.Close > 24*60 || iv.Close <= iv.Open {
				t.Fatalf("ParseDay(%q): bad interval %+v", s, iv)
			}
			if i > 0 && iv.Open < ivs[i-1].Close {
				t.Fatalf("ParseDay(%q): %+v overlaps or precedes %+v", s, iv, ivs[i-1])
			}
		}
		again, err := ParseDay(FormatDay(ivs))
		if err != nil || !reflect.DeepEqual(again, ivs) {
			t.Fatalf("round trip of %q via %q = %v, %v", s, FormatDay(ivs), again, err)
		}
	})
}

// FuzzParseDate checks that an accepted date writes back as it was read.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-12-01", "2026-02-29", "2028-02-29", "0001-01-01", "2026-1-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("ParseDate(%q) = %s", s, d)
		}
	})
}

func validHours() Hours {
	return Hours{
		TimeZone:      "Europe/Stockholm",
		EffectiveFrom: NewDate(2026, 12, 1),
		Weekly: Weekly{
			Monday: "08:00-16:30", Tuesday: "08:00-16:30", Wednesday: "08:00-16:30",
			Thursday: "08:00-16:30", Friday: "08:00-12:00, 13:00-15:00", Saturday: "closed", Sunday: "closed",
		},
		Exceptions: []Exception{
			{Date: NewDate(2026, 12, 24), Hours: "closed", Note: "Christmas Eve"},
			{Date: NewDate(2026, 12, 30), Hours: "08:00-12:00"},
		},
	}
}

func TestValidate(t *testing.T) {
	type problem struct {
		field string
		kind  error
	}
	tests := []struct {
		name   string
		edit   func(h *Hours)
		want   []problem
		prefix string // the first error's message starts so
	}{
		{"valid", func(h *Hours) {}, nil, ""},
		{"no effective_from", func(h *Hours) { h.EffectiveFrom = Date{} }, nil, ""},
		{"UTC", func(h *Hours) { h.TimeZone = "UTC" }, nil, ""},
		{"bad weekly format", func(h *Hours) { h.Weekly.Monday = "8-16:30" },
			[]problem{{"hours.weekly.monday", ErrFormat}},
			`hours.weekly.monday: "8-16:30" is not HH:MM-HH:MM`},
		{"missing day", func(h *Hours) { h.Weekly.Sunday = "" },
			[]problem{{"hours.weekly.sunday", ErrMissing}},
			`hours.weekly.sunday: missing: write "closed"`},
		{"unknown zone", func(h *Hours) { h.TimeZone = "Europe/Stokholm" },
			[]problem{{"hours.time_zone", ErrTimeZone}},
			`hours.time_zone: unknown time zone "Europe/Stokholm"`},
		{"Local zone", func(h *Hours) { h.TimeZone = "Local" },
			[]problem{{"hours.time_zone", ErrTimeZone}}, `hours.time_zone: "Local"`},
		{"no zone", func(h *Hours) { h.TimeZone = "" },
			[]problem{{"hours.time_zone", ErrMissing}}, `hours.time_zone: missing`},
		{"overlap", func(h *Hours) { h.Weekly.Friday = "08:00-12:00, 11:30-15:00" },
			[]problem{{"hours.weekly.friday", ErrOverlap}},
			`hours.weekly.friday: "08:00-12:00" overlaps "11:30-15:00"`},
		{"closes before opens", func(h *Hours) { h.Weekly.Tuesday = "16:30-08:00" },
			[]problem{{"hours.weekly.tuesday", ErrCloseBeforeOpen}},
			`hours.weekly.tuesday: "16:30-08:00" closes before it opens`},
		{"duplicate exception date", func(h *Hours) {
			h.Exceptions = append(h.Exceptions, Exception{Date: NewDate(2026, 12, 24), Hours: "10:00-12:00"})
		}, []problem{{"hours.exceptions[2].date", ErrDuplicateDate}},
			`hours.exceptions[2].date: 2026-12-24 is listed twice (also hours.exceptions[0])`},
		{"exception without date or hours", func(h *Hours) { h.Exceptions = append(h.Exceptions, Exception{Note: "?"}) },
			[]problem{{"hours.exceptions[2].date", ErrMissing}, {"hours.exceptions[2].hours", ErrMissing}},
			`hours.exceptions[2].date: missing`},
		{"bad exception hours", func(h *Hours) { h.Exceptions[1].Hours = "08-12" },
			[]problem{{"hours.exceptions[1].hours", ErrFormat}}, `hours.exceptions[1].hours: "08-12" is not HH:MM-HH:MM`},
		{"every problem in one run", func(h *Hours) {
			h.TimeZone = "Mars/Olympus"
			h.Weekly.Monday = "9-5"
			h.Weekly.Saturday = "10:00-09:00"
			h.Exceptions[1].Date = h.Exceptions[0].Date
		}, []problem{
			{"hours.time_zone", ErrTimeZone},
			{"hours.weekly.monday", ErrFormat},
			{"hours.weekly.saturday", ErrCloseBeforeOpen},
			{"hours.exceptions[1].date", ErrDuplicateDate},
		}, `hours.time_zone: unknown time zone "Mars/Olympus"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := validHours()
			tc.edit(&h)
			err := h.Validate()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("Validate() = %v (%T), want Errors", err, err)
			}
			if len(es) != len(tc.want) {
				t.Fatalf("Validate() found %d problems, want %d:\n%v", len(es), len(tc.want), err)
			}
			for i, w := range tc.want {
				if es[i].Field != w.field || !errors.Is(es[i], w.kind) {
					t.Errorf("problem %d = %q (%v), want field %s and %v", i, es[i].Field, es[i].Err, w.field, w.kind)
				}
			}
			if !errors.Is(err, tc.want[0].kind) {
				t.Errorf("errors.Is(err, %v) = false on the joined error", tc.want[0].kind)
			}
			if !strings.HasPrefix(es[0].Error(), tc.prefix) {
				t.Errorf("message %q does not start with %q", es[0].Error(), tc.prefix)
			}
		})
	}
}

// The same hours in the three front-matter formats, written as writers
// would: unquoted dates where the format has them.
const (
	yamlHours = `
time_zone: Europe/Stockholm
effective_from: 2026-12-01
weekly:
  monday: "08:00-16:30"
  tuesday: "08:00-16:30"
  wednesday: "08:00-16:30"
  thursday: "08:00-16:30"
  friday: "08:00-12:00, 13:00-15:00"
  saturday: closed
  sunday: closed
exceptions:
  - {date: 2026-12-24, hours: closed, note: "Christmas Eve"}
  - {date: "2026-12-30", hours: "08:00-12:00"}
`
	tomlHours = `
time_zone = "Europe/Stockholm"
effective_from = 2026-12-01
[weekly]
monday = "08:00-16:30"
tuesday = "08:00-16:30"
wednesday = "08:00-16:30"
thursday = "08:00-16:30"
friday = "08:00-12:00, 13:00-15:00"
saturday = "closed"
sunday = "closed"
[[exceptions]]
date = 2026-12-24
hours = "closed"
note = "Christmas Eve"
[[exceptions]]
date = "2026-12-30"
hours = "08:00-12:00"
`
	jsonHours = `{
"time_zone": "Europe/Stockholm",
"effective_from": "2026-12-01",
"weekly": {"monday": "08:00-16:30", "tuesday": "08:00-16:30", "wednesday": "08:00-16:30",
  "thursday": "08:00-16:30", "friday": "08:00-12:00, 13:00-15:00", "saturday": "closed", "sunday": "closed"},
"exceptions": [{"date": "2026-12-24", "hours": "closed", "note": "Christmas Eve"}, {"date": "2026-12-30", "hours": "08:00-12:00"}]
}`
)

// Strict decoders as the content loader uses them.
func decodeYAML(s string) (Hours, error) {
	var h Hours
	dec := yaml.NewDecoder(strings.NewReader(s))
	dec.KnownFields(true)
	err := dec.Decode(&h)
	return h, err
}

func decodeTOML(s string) (Hours, error) {
	var h Hours
	md, err := toml.Decode(s, &h)
	if err == nil && len(md.Undecoded()) > 0 {
		err = errors.New("undecoded keys: " + md.Undecoded()[0].String())
	}
	return h, err
}

func decodeJSON(s string) (Hours, error) {
	var h Hours
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.DisallowUnknownFields()
	err := dec.Decode(&h)
	return h, err
}

func TestDecode(t *testing.T) {
	decoders := map[string]func(string) (Hours, error){"yaml": decodeYAML, "toml": decodeTOML, "json": decodeJSON}
	inputs := map[string]string{"yaml": yamlHours, "toml": tomlHours, "json": jsonHours}
	for format, in := range inputs {
		t.Run(format, func(t *testing.T) {
			got, err := decoders[format](in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, validHours()) {
				t.Errorf("decoded\n%#v\nwant\n%#v", got, validHours())
			}
		})
	}

	bad := []struct {
		name, format, in, wantErr string
	}{
		{"yaml typo in a day", "yaml", "weekly: {mondy: closed}", "field mondy not found"},
		{"yaml impossible date", "yaml", "effective_from: 2026-13-01", `"2026-13-01" is not a date`},
		{"yaml date with time", "yaml", "effective_from: 2026-12-01T08:00:00Z", "is not a date"},
		{"yaml date as a mapping", "yaml", "effective_from: {year: 2026}", "a date must be a single value"},
		{"toml typo", "toml", "[weekly]\nmondy = \"closed\"", "undecoded keys: weekly.mondy"},
		{"toml local datetime", "toml", "effective_from = 2026-12-01T08:00:00", "without a time"},
		{"toml number", "toml", "effective_from = 20261201", "is not a date"},
		{"json typo", "json", `{"weekly": {"mondy": "closed"}}`, `unknown field "mondy"`},
		{"json number date", "json", `{"effective_from": 20261201}`, "is not a string"},
		{"json bad date", "json", `{"effective_from": "1 Dec 2026"}`, `"1 Dec 2026" is not a date`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decoders[tc.format](tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("decode error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestDate(t *testing.T) {
	d := NewDate(2026, 12, 31)
	if got := d.AddDays(1).String(); got != "2027-01-01" {
		t.Errorf("AddDays(1) = %s", got)
	}
	if !d.Before(d.AddDays(1)) || d.Before(d) || d.AddDays(1).Before(d) {
		t.Error("Before is not a strict order")
	}
	if (Date{}).String() != "" || !(Date{}).IsZero() || d.IsZero() {
		t.Error("zero Date")
	}
	if got := NewDate(2026, 10, 25).Weekday().String(); got != "Sunday" {
		t.Errorf("2026-10-25 is a %s, want Sunday", got)
	}
}
