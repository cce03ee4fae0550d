package hours

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

func stockholm(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestNewViewNotice(t *testing.T) {
	loc := stockholm(t)
	tests := []struct {
		name  string
		build time.Time
		want  bool
	}{
		{"a month before", time.Date(2026, 11, 1, 12, 0, 0, 0, loc), true},
		{"last minute before, in Stockholm", time.Date(2026, 11, 30, 23, 59, 0, 0, loc), true},
		// 2026-11-30 23:30 UTC is already 1 December in Stockholm.
		{"the day itself by the zone, not UTC", time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC), false},
		{"after", time.Date(2027, 1, 10, 12, 0, 0, 0, loc), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := NewView(validHours(), tc.build)
			if err != nil {
				t.Fatal(err)
			}
			if v.NewHours != tc.want {
				t.Errorf("NewHours = %v, want %v", v.NewHours, tc.want)
			}
			want := DateText{ISO: "2026-12-01", Day: 1, MonthKey: "december", WeekdayKey: "tuesday"}
			if v.EffectiveFrom != want {
				t.Errorf("EffectiveFrom = %+v, want %+v", v.EffectiveFrom, want)
			}
		})
	}
	t.Run("no effective_from", func(t *testing.T) {
		h := validHours()
		h.EffectiveFrom = Date{}
		v, err := NewView(h, time.Date(2026, 11, 1, 0, 0, 0, 0, loc))
		if err != nil {
			t.Fatal(err)
		}
		if v.NewHours || v.EffectiveFrom != (DateText{}) || v.Script.EffectiveFrom != "" {
			t.Errorf("NewHours %v, EffectiveFrom %+v, script %q; want nothing", v.NewHours, v.EffectiveFrom, v.Script.EffectiveFrom)
		}
	})
}

func TestNewViewRowsAndExceptions(t *testing.T) {
	loc := stockholm(t)
	h := validHours()
	h.Exceptions = []Exception{
		{Date: NewDate(2027, 1, 6), Hours: "closed", Note: "Epiphany"},
		{Date: NewDate(2026, 12, 23), Hours: "08:00-12:00", Note: "two days before the build: dropped"},
		{Date: NewDate(2026, 12, 31), Hours: "10:00-12:00, 08:00-09:00", Note: "New Year's Eve"},
		{Date: NewDate(2026, 12, 24), Hours: "closed", Note: "the day before the build: kept"},
		{Date: NewDate(2026, 12, 25), Hours: "closed", Note: "build day"},
	}
	v, err := NewView(h, time.Date(2026, 12, 25, 9, 0, 0, 0, loc))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range v.Weekly {
		keys = append(keys, r.Key)
	}
	if !reflect.DeepEqual(keys, DayKeys[:]) {
		t.Errorf("weekly rows %v, want Monday to Sunday", keys)
	}
	if got := v.Weekly[4].Intervals; !reflect.DeepEqual(got, []IntervalText{{"08:00", "12:00"}, {"13:00", "15:00"}}) {
		t.Errorf("Friday = %v", got)
	}
	if got := v.Weekly[5].Intervals; got == nil || len(got) != 0 {
		t.Errorf("Saturday = %#v, want empty (closed)", got)
	}

	var dates []string
	for _, x := range v.Exceptions {
		dates = append(dates, x.Date.ISO)
	}
	if want := []string{"2026-12-24", "2026-12-25", "2026-12-31", "2027-01-06"}; !reflect.DeepEqual(dates, want) {
		t.Errorf("exception rows %v, want %v", dates, want)
	}
	nye := v.Exceptions[2]
	if nye.Date.WeekdayKey != "thursday" || nye.Date.Day != 31 || nye.Date.MonthKey != "december" || nye.Note != "New Year's Eve" {
		t.Errorf("New Year's Eve row = %+v", nye)
	}
	if !reflect.DeepEqual(nye.Intervals, []IntervalText{{"08:00", "09:00"}, {"10:00", "12:00"}}) {
		t.Errorf("New Year's Eve intervals = %v, want sorted", nye.Intervals)
	}
	// The script gets every exception, so its status is right for any instant.
	if n := len(v.Script.Exceptions); n != 5 || v.Script.Exceptions[0].Date != "2026-12-23" {
		t.Errorf("script exceptions = %v, want all five sorted", v.Script.Exceptions)
	}
}

func TestNewViewJSONLD(t *testing.T) {
	h := validHours()
	h.Weekly.Saturday = "10:00-24:00"
	v, err := NewView(h, time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(v.JSONLD)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"@context":"https://schema.org","@type":"ContactPoint","contactType":"customer support","hoursAvailable":[` +
		`{"@type":"OpeningHoursSpecification","dayOfWeek":["https://schema.org/Monday","https://schema.org/Tuesday","https://schema.org/Wednesday","https://schema.org/Thursday"],"opens":"08:00","closes":"16:30","validFrom":"2026-12-01"},` +
		`{"@type":"OpeningHoursSpecification","dayOfWeek":["https://schema.org/Friday"],"opens":"08:00","closes":"12:00","validFrom":"2026-12-01"},` +
		`{"@type":"OpeningHoursSpecification","dayOfWeek":["https://schema.org/Friday"],"opens":"13:00","closes":"15:00","validFrom":"2026-12-01"},` +
		`{"@type":"OpeningHoursSpecification","dayOfWeek":["https://schema.org/Saturday"],"opens":"10:00","closes":"23:59","validFrom":"2026-12-01"},` +
		`{"@type":"OpeningHoursSpecification","opens":"00:00","closes":"00:00","validFrom":"2026-12-24","validThrough":"2026-12-24"},` +
		`{"@type":"OpeningHoursSpecification","opens":"08:00","closes":"12:00","validFrom":"2026-12-30","validThrough":"2026-12-30"}]}`
	if string(got) != want {
		t.Errorf("JSON-LD\n got %s\nwant %s", got, want)
	}
}

func TestNewViewInvalid(t *testing.T) {
	h := validHours()
	h.Weekly.Monday = "8-16:30"
	v, err := NewView(h, time.Now())
	if v != nil || !errors.Is(err, ErrFormat) {
		t.Fatalf("NewView = %v, %v; want nil and the validation error", v, err)
	}
}

// TestNewViewReproducible: the same hours and build time give the same data
// (the site promises byte-identical output), whatever the machine's zone.
func TestNewViewReproducible(t *testing.T) {
	build := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	a, err := NewView(validHours(), build)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewView(validHours(), build.In(time.FixedZone("elsewhere", -7*3600)))
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("views differ by the build time's location:\n%s\n%s", ja, jb)
	}
}
