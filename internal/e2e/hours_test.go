package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/hours"
)

// showHoursAt renders the phone-hours article's open-now line for the
// RFC 3339 instant at, through the script's own hook
// HelpcenterHours.refresh(ms) (static/js/hours.js).
func showHoursAt(t testing.TB, tb *tab, at string) {
	t.Helper()
	instant, err := time.Parse(time.RFC3339, at)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, tb, `window.HelpcenterHours && typeof HelpcenterHours.refresh === "function"`, "hours.js")
	jsf[bool](t, tb, `(HelpcenterHours.refresh(%d), true)`, instant.UnixMilli())
}

// TestPhoneHours renders the phone-hours article's open-now line at fixed
// instants around the daylight-saving changes of 2026-10-25 and 2027-03-28,
// for a reader in Stockholm (Emulation.setTimezoneOverride) and one in New
// York, and checks it against hours.Status for the same instants over the
// data the page ships.
func TestPhoneHours(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	tests := []struct {
		at     string
		en, sv string // "" = hidden (before effective_from)
	}{
		{"2026-10-25T00:30:00Z", "", ""}, // 02:30 CEST, before the clocks go back
		{"2026-10-25T01:30:00Z", "", ""}, // 02:30 CET, after
		{"2026-10-26T07:00:00Z", "", ""}, // Monday 08:00 CET, the old hours still apply
		{"2026-12-01T07:00:00Z", "Open now · closes 16:30", "Öppet nu · stänger 16:30"},
		{"2026-12-24T09:00:00Z", "Closed · opens Monday at 08:00", "Stängt · öppnar på måndag kl. 08:00"},
		{"2027-03-26T13:59:00Z", "Open now · closes 15:00", "Öppet nu · stänger 15:00"},
		{"2027-03-26T14:00:00Z", "Closed · opens Monday at 08:00", "Stängt · öppnar på måndag kl. 08:00"},
		{"2027-03-28T00:59:00Z", "Closed · opens tomorrow at 08:00", "Stängt · öppnar i morgon kl. 08:00"}, // 01:59 CET
		{"2027-03-28T01:00:00Z", "Closed · opens tomorrow at 08:00", "Stängt · öppnar i morgon kl. 08:00"}, // 03:00 CEST
		{"2027-03-29T05:59:00Z", "Closed · opens today at 08:00", "Stängt · öppnar i dag kl. 08:00"},       // 07:59 CEST
		{"2027-03-29T06:00:00Z", "Open now · closes 16:30", "Öppet nu · stänger 16:30"},                    // 08:00 CEST (07:00 in CET)
		{"2027-03-29T14:30:00Z", "Closed · opens tomorrow at 08:00", "Stängt · öppnar i morgon kl. 08:00"},
	}
	for _, locale := range []string{"en", "sv"} {
		t.Run(locale, func(t *testing.T) {
			tb.setTimezone(t, "Europe/Stockholm")
			tb.open(t, f.article(t, locale, "phone-hours").URL)
			var data hours.ScriptData
			// Through JSON.parse, as hours.js reads it: the minifier writes
			// large integers as 17635932e5, which encoding/json will not put
			// in an int64.
			raw := js[string](t, tb, `JSON.stringify(JSON.parse(document.querySelector("script[data-hours-data]").textContent))`)
			if err := json.Unmarshal([]byte(raw), &data); err != nil {
				t.Fatalf("the page's hours data: %v", err)
			}
			for _, tc := range tests {
				want := map[string]string{"en": tc.en, "sv": tc.sv}[locale]
				at, _ := time.Parse(time.RFC3339, tc.at)
				line := hoursLineAt(t, tb, tc.at)
				st := hours.Status(data, at)
				if line.Hidden != (st.State == "unknown") || (!line.Hidden && line.State != st.State) {
					t.Errorf("%s: the page says %q (state %q, hidden %v); hours.Status says %+v", tc.at, line.Text, line.State, line.Hidden, st)
				}
				for _, hm := range []string{st.Closes, st.Opens} {
					if hm != "" && !strings.Contains(line.Text, hm) {
						t.Errorf("%s: %q lacks the time %s of hours.Status", tc.at, line.Text, hm)
					}
				}
				if want == "" && !line.Hidden {
					t.Errorf("%s: the line shows %q, want it hidden", tc.at, line.Text)
				}
				if want != "" && (line.Hidden || line.Text != want) {
					t.Errorf("%s: the line is %q (hidden %v), want %q", tc.at, line.Text, line.Hidden, want)
				}
			}
			tb.checkClean(t)
		})
	}
	t.Run("reader in New York", func(t *testing.T) {
		tb.setTimezone(t, "America/New_York")
		defer tb.setTimezone(t, "")
		tb.open(t, f.article(t, "en", "phone-hours").URL)
		if line := hoursLineAt(t, tb, "2027-03-29T06:00:00Z"); line.Text != "Open now · closes 16:30 (Stockholm time)" {
			t.Errorf("the line is %q, want the Stockholm time label", line.Text)
		}
		tb.checkClean(t)
	})
}

// hoursLine is what the open-now line shows.
type hoursLine struct {
	Text   string `json:"text"`
	State  string `json:"state"`
	Hidden bool   `json:"hidden"`
}

func hoursLineAt(t testing.TB, tb *tab, at string) hoursLine {
	t.Helper()
	showHoursAt(t, tb, at)
	return js[hoursLine](t, tb, `(function (e) { return {text: e.textContent, state: e.getAttribute("data-state") || "", hidden: e.hidden || getComputedStyle(e).display === "none"}; })(document.querySelector("[data-hours-now]"))`)
}
