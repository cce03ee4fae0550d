package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// caseNumber matches a case number in the confirmation text.
var caseNumber = regexp.MustCompile(`Your case number is ([A-Za-z0-9-]{4,})\.`)

// fillCase types a case into the form's fields; empty values are skipped.
// The category is chosen with the keyboard, so this works without
// JavaScript too.
func fillCase(t testing.TB, tb *tab, fields map[string]string) {
	t.Helper()
	for _, name := range []string{"name", "email", "phone", "organisation", "subject", "description"} {
		if v := fields[name]; v != "" {
			tb.do(t, chromedp.SendKeys(chromedp.ID("case-"+name), v))
		}
	}
	if v := fields["category"]; v != "" {
		tb.do(t, chromedp.SendKeys(chromedp.ID("case-category"), v))
		if got := js[string](t, tb, `(function (s) { return s.options[s.selectedIndex].text; })(document.getElementById("case-category"))`); got != v {
			t.Fatalf("typing %q on the category list chose %q", v, got)
		}
	}
}

// TestCaseFormWithJavaScript: inline validation first, then a valid case
// is sent with XHR and its number shown in place of the form.
func TestCaseFormWithJavaScript(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	tb.open(t, f.article(t, "en", "case-form").URL)
	mark := tb.mark()
	tb.do(t, chromedp.Click(chromedp.CSS(".case-form__submit")))
	waitFor(t, tb, `!document.getElementById("case-form-summary").hidden`, "the error summary")
	shown := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll(".case-form__error:not([hidden])"), function (e) { return e.id + ": " + e.textContent; })`)
	for _, name := range []string{"name", "email", "category", "subject", "description"} {
		found := false
		for _, s := range shown {
			found = found || strings.HasPrefix(s, "case-"+name+"-error: ") && len(s) > len("case-"+name+"-error: ")
		}
		if !found {
			t.Errorf("no inline error for the empty required field %s (shown: %q)", name, shown)
		}
		if v := jsf[string](t, tb, `document.getElementById("case-%s").getAttribute("aria-invalid") || ""`, name); v != "true" {
			t.Errorf("%s has aria-invalid=%q", name, v)
		}
	}
	if len(shown) != 5 {
		t.Errorf("%d inline errors, want 5: %q", len(shown), shown)
	}
	if id := js[string](t, tb, `document.activeElement.id`); id != "case-name" {
		t.Errorf("focus is on %q after the failed submit, want the first invalid field", id)
	}
	for _, r := range tb.requestsSince(mark) {
		if strings.Contains(r.URL, "/api/cases") {
			t.Errorf("an invalid form was sent: %s %s", r.Method, r.URL)
		}
	}
	axeCheck(t, tb, "case form with errors")

	fillCase(t, tb, map[string]string{
		"name": "Ada Lovelace", "email": "ada@example.com", "category": "Technical problem",
		"subject": "Invoice stuck as undelivered", "description": "Invoice 1843 to Analytical Engines AB has been undelivered since Monday.",
	})
	if c := js[string](t, tb, `document.getElementById("case-category").value`); c != "technical" {
		t.Fatalf("choosing the category by keyboard gave %q", c)
	}
	tb.do(t, chromedp.Click(chromedp.CSS(".case-form__submit")))
	waitFor(t, tb, `document.querySelector(".case-form__done")`, "the case number")
	done := js[string](t, tb, `document.querySelector(".case-form__done").textContent`)
	m := caseNumber.FindStringSubmatch(done)
	if m == nil {
		t.Fatalf("the confirmation %q has no case number", done)
	}
	if js[bool](t, tb, `!!document.getElementById("case-form")`) {
		t.Error("the form is still there next to the confirmation")
	}
	resp, body := get(t, f, "/api/cases/"+m[1])
	if resp.StatusCode != 200 || !strings.Contains(body, m[1]) {
		t.Errorf("the handler does not know case %s: %d %s", m[1], resp.StatusCode, truncate(body, 200))
	}
	axeCheck(t, tb, "case form sent")
	tb.checkClean(t)
}

// TestCaseFormWithoutJavaScript posts the form as a browser without
// JavaScript does: an invalid case gets the handler's error page, which
// lists every invalid field and keeps what was typed; a valid one is
// redirected (303) to the confirmation page with the case number.
func TestCaseFormWithoutJavaScript(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	tb.setScripts(t, false)
	form := f.article(t, "en", "case-form").URL
	t.Run("invalid", func(t *testing.T) {
		tb.open(t, form)
		// Values the browser's own checks let through and the handler
		// rejects: blanks in required fields, an email without a dotted
		// domain.
		fillCase(t, tb, map[string]string{
			"name": "Ada Lovelace", "email": "ada@example", "organisation": "Analytical Engines AB",
			"category": "Technical problem", "subject": "   ", "description": "  ",
		})
		tb.expectError("/api/cases")
		resp := tb.follow(t, ".case-form__submit")
		if resp.Status != 422 {
			t.Fatalf("the invalid case got status %d, want 422", resp.Status)
		}
		if p := tb.path(t); p != "/api/cases" {
			t.Errorf("the error page is at %s", p)
		}
		listed := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll("#errors li"), function (li) { return li.textContent; })`)
		for _, want := range []string{"Email", "Subject", "Description"} {
			found := false
			for _, l := range listed {
				found = found || strings.HasPrefix(l, want)
			}
			if !found {
				t.Errorf("the error page does not list %s: %q", want, listed)
			}
		}
		if len(listed) != 3 {
			t.Errorf("the error page lists %d fields, want 3: %q", len(listed), listed)
		}
		axeNoScript(t, tb, "the handler's error page")
		for id, want := range map[string]string{"field-name": "Ada Lovelace", "field-email": "ada@example", "field-organisation": "Analytical Engines AB", "field-category": "technical"} {
			if got := jsf[string](t, tb, `document.getElementById(%s).value`, quote(id)); got != want {
				t.Errorf("%s is %q on the error page, want what was typed, %q", id, got, want)
			}
		}
		tb.checkClean(t)
	})
	t.Run("valid", func(t *testing.T) {
		tb.open(t, form+"?article="+f.plainArticle(t, "en").URL)
		fillCase(t, tb, map[string]string{
			"name": "Ada Lovelace", "email": "ada@example.com", "category": "My account",
			"subject": "Cannot log in", "description": "My password does not work since this morning.",
		})
		mark := tb.mark()
		resp := tb.follow(t, ".case-form__submit")
		if resp.Status != 200 {
			t.Fatalf("the confirmation page has status %d", resp.Status)
		}
		var post, redirected bool
		for _, r := range tb.requestsSince(mark) {
			post = post || r.Method == "POST" && strings.HasSuffix(r.URL, "/api/cases")
			redirected = redirected || r.RedirectedBy == 303 && r.Method == "GET" && strings.Contains(r.URL, "/api/cases/")
		}
		if !post || !redirected || !strings.HasPrefix(tb.path(t), "/api/cases/") {
			t.Errorf("POST /api/cases seen %v, 303 to a GET of /api/cases/<id> seen %v, now at %s", post, redirected, tb.path(t))
		}
		text := js[string](t, tb, `document.body.textContent`)
		if caseNumber.FindStringSubmatch(text) == nil {
			t.Errorf("the confirmation page has no case number: %s", truncate(text, 300))
		}
		// The article the reader came from reaches the handler without
		// JavaScript too (through the Referer), and the page links back.
		if back := f.plainArticle(t, "en").URL; !js[bool](t, tb, `!!document.querySelector('a[href=`+quote(back)+`]')`) {
			t.Errorf("the confirmation page does not link back to %s", back)
		}
		axeNoScript(t, tb, "the handler's confirmation page")
		tb.checkClean(t)
	})
}

// TestFeedback votes on an article with JavaScript and without.
func TestFeedback(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	a := f.article(t, "en", "how-to")
	counts := func() (helpful, total int) {
		_, body := get(t, f, "/api/feedback?article="+a.URL, "Accept", "application/json")
		var c struct{ Helpful, Total int }
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			t.Fatalf("GET /api/feedback: %v: %s", err, body)
		}
		return c.Helpful, c.Total
	}
	t.Run("with JavaScript", func(t *testing.T) {
		h, n := counts()
		tb.open(t, a.URL)
		tb.do(t, chromedp.Click(chromedp.CSS(`.feedback button[value="yes"]`)))
		waitFor(t, tb, `/found this helpful/.test(document.getElementById("feedback-count").textContent) && !document.getElementById("feedback-count").hidden`, "the count")
		want := fmt.Sprintf("%d out of %d found this helpful", h+1, n+1)
		if got := js[string](t, tb, `document.getElementById("feedback-count").textContent`); got != want {
			t.Errorf("the count says %q, want %q", got, want)
		}
		if got := js[string](t, tb, `document.getElementById("feedback-status").textContent`); got != "Thank you for your feedback." {
			t.Errorf("the status says %q", got)
		}
		axeCheck(t, tb, "feedback sent")
		// The count is live: a new visit shows it before voting.
		tb.open(t, a.URL)
		waitFor(t, tb, `!document.getElementById("feedback-count").hidden`, "the count on load")
		if got := js[string](t, tb, `document.getElementById("feedback-count").textContent`); got != want {
			t.Errorf("on the next visit the count says %q, want %q", got, want)
		}
		tb.checkClean(t)
	})
	t.Run("without JavaScript", func(t *testing.T) {
		h, n := counts()
		tb.setScripts(t, false)
		defer tb.setScripts(t, true)
		tb.open(t, a.URL)
		resp := tb.follow(t, `.feedback button[value="no"]`)
		if resp.Status != 200 {
			t.Fatalf("the vote's answer has status %d", resp.Status)
		}
		if h2, n2 := counts(); h2 != h || n2 != n+1 {
			t.Errorf("after a no vote: %d of %d, want %d of %d", h2, n2, h, n+1)
		}
		if !js[bool](t, tb, `!!document.querySelector('a[href=`+quote(a.URL)+`]')`) {
			t.Error("the thank-you page does not link back to the article")
		}
		axeNoScript(t, tb, "the handler's thank-you page")
		tb.checkClean(t)
	})
}

// axeNoScript runs axe on a page loaded with JavaScript off: axe needs the
// page's timers, so scripts are turned on for the check (the page itself
// has none to run by then) and off again.
func axeNoScript(t testing.TB, tb *tab, where string) {
	t.Helper()
	tb.setScripts(t, true)
	defer tb.setScripts(t, false)
	axeCheck(t, tb, where)
}
