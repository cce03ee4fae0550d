package cases

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestNormalizeQuery(t *testing.T) {
	for in, want := range map[string]string{
		"  How do I   CHANGE my password?\n":   "how do i change my password?",
		"Öppettider i JUL":                     "öppettider i jul",
		"mail anna.svensson@example.se please": "mail <email> please",
		"personnummer 19800101-1234":           "personnummer <number>",
		"call +46 19 17 98 00":                 "call <number>",
		"error 404":                            "error 404",
		"pin 2019":                             "pin 2019",
		"   ":                                  "",
		strings.Repeat("ab ", 60):              strings.TrimSpace(strings.Repeat("ab ", 34)[:100]),
		"bad \xff byte":                        "bad  byte",
	} {
		if got := NormalizeQuery(in); got != strings.TrimSpace(spaceRe.ReplaceAllString(want, " ")) {
			t.Errorf("NormalizeQuery(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMissedSearchesStore(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			s := st.open(t)
			day := func(n int) time.Time { return time.Date(2026, 11, 1, 15, 0, 0, 0, time.UTC).AddDate(0, 0, n) }
			add := func(at time.Time, locale, q string, few bool) {
				t.Helper()
				if err := s.AddMissedSearch(ctx, at, locale, q, few); err != nil {
					t.Fatal(err)
				}
			}
			add(day(0), "en", "invoice stuck", false)
			add(day(0), "en", "invoice stuck", false)
			add(day(5), "en", "invoice stuck", true)
			add(day(5), "sv", "faktura fast", false)
			add(day(6), "sv", "faktura fast", false)
			add(day(6), "sv", "faktura fast", false)
			add(day(7), "en", "old browser", true)
			add(day(-40), "en", "long ago", false)

			got, err := s.MissedSearches(ctx, day(-30), 0)
			if err != nil {
				t.Fatal(err)
			}
			want := []MissedSearch{
				{Locale: "sv", Query: "faktura fast", Nothing: 3, Few: 0, Last: day(6).Truncate(24 * time.Hour)},
				{Locale: "en", Query: "invoice stuck", Nothing: 2, Few: 1, Last: day(5).Truncate(24 * time.Hour)},
				{Locale: "en", Query: "old browser", Nothing: 0, Few: 1, Last: day(7).Truncate(24 * time.Hour)},
			}
			if len(got) != len(want) {
				t.Fatalf("MissedSearches = %+v, want %+v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("MissedSearches[%d] = %+v, want %+v", i, got[i], want[i])
				}
			}
			if top, _ := s.MissedSearches(ctx, day(-30), 1); len(top) != 1 || top[0].Query != "faktura fast" {
				t.Errorf("limit 1 = %+v", top)
			}
			if recent, _ := s.MissedSearches(ctx, day(6), 0); len(recent) != 2 {
				t.Errorf("since day 6 = %+v, want faktura fast and old browser", recent)
			}
			n, err := s.DeleteMissedSearchesBefore(ctx, day(-30))
			if err != nil || n != 1 {
				t.Errorf("DeleteMissedSearchesBefore = %d, %v, want the one count of 40 days ago", n, err)
			}
			if all, _ := s.MissedSearches(ctx, day(-100), 0); len(all) != 3 {
				t.Errorf("after the purge = %+v", all)
			}
		})
	}
}

func TestPostSearch(t *testing.T) {
	srv, ts := newTestServer(t, Config{RateLimits: RateLimits{Off: true}})
	send := func(q, locale, results string) int {
		t.Helper()
		resp, _ := post(t, ts, "/api/searches", formType, url.Values{"q": {q}, "locale": {locale}, "results": {results}}.Encode(), nil)
		return resp.StatusCode
	}
	for _, c := range []struct{ q, locale, results string }{
		{"Faktura  FAST", "sv", "0"}, {"faktura fast", "sv", "0"}, {"faktura fast", "sv", "2"},
		{"my ssn is 19800101-1234", "en", "0"},
	} {
		if code := send(c.q, c.locale, c.results); code != 204 {
			t.Errorf("%+v: %d, want 204", c, code)
		}
	}
	if code := send("enough found", "en", "4"); code != 204 {
		t.Errorf("a search that found 4: %d, want 204 (not counted)", code)
	}
	for _, bad := range []struct{ q, locale, results string }{{"", "en", "0"}, {"x", "EN_us!", "0"}, {"x", "en", "many"}, {"x", "en", "-1"}} {
		if code := send(bad.q, bad.locale, bad.results); code != 422 {
			t.Errorf("%+v: %d, want 422", bad, code)
		}
	}
	got, err := srv.Store().MissedSearches(context.Background(), time.Now().AddDate(0, 0, -1), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Query != "faktura fast" || got[0].Nothing != 2 || got[0].Few != 1 || got[1].Query != "my ssn is <number>" {
		t.Errorf("counted %+v, want faktura fast 2+1 and the redacted query", got)
	}
	resp, _ := post(t, ts, "/api/searches", formType, "q=x&locale=en&results=0", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if resp.StatusCode != 403 {
		t.Errorf("cross-site report: %d, want 403", resp.StatusCode)
	}
}

func TestPostSearchRateLimit(t *testing.T) {
	_, ts := newTestServer(t, Config{RateLimits: RateLimits{SearchesPerClient: Limit{Every: time.Hour, Burst: 2}}})
	for i, want := range []int{204, 204, 429} {
		resp, _ := post(t, ts, "/api/searches", formType, "q=x&locale=en&results=0", nil)
		if resp.StatusCode != want {
			t.Errorf("report %d: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
}
