package e2e

import (
	"testing"
	"time"
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
