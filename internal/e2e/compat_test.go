package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// User-Agents of the banner's scenarios (from internal/compat's engineer).
const (
	uaChrome40  = "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/40.0.2214.115 Safari/537.36"
	uaChrome50  = "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/50.0.2661.102 Safari/537.36"
	uaChrome120 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
	uaFirefox42 = "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:42.0) Gecko/20100101 Firefox/42.0"
	uaIE11CV    = "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; WOW64; Trident/7.0; .NET4.0C; .NET4.0E; .NET CLR 2.0.50727; .NET CLR 3.0.30729; .NET CLR 3.5.30729)"
	uaGooglebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
)

// banner is what the compatibility banner shows.
type banner struct {
	Visible bool   `json:"visible"`
	Text    string `json:"text"`
	Link    string `json:"link"`
	Live    string `json:"live"` // aria-live of the region around it
}

func readBanner(t testing.TB, tb *tab) banner {
	t.Helper()
	return js[banner](t, tb, `(function () {
  var b = document.getElementById("compat-banner");
  if (!b) { return {visible: false, text: "", link: "", live: ""}; }
  var r = b.getBoundingClientRect();
  return {
    visible: !b.hidden && getComputedStyle(b).display !== "none" && r.height > 0,
    text: b.querySelector(".compat-banner__message").textContent,
    link: b.querySelector(".compat-banner__link").getAttribute("href"),
    live: b.parentNode.getAttribute("aria-live") || ""
  };
})()`)
}

// TestCompatBanner runs the banner's scenarios in the browser: the
// User-Agent with Emulation.setUserAgentOverride, the screen with
// Emulation.setDeviceMetricsOverride (the headless default, 800x600, is
// below the site's 1024x768 minimum, so the tests set 1280x1024).
func TestCompatBanner(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	defer tb.setUserAgent(t, "")
	req := map[string]string{"en": f.article(t, "en", "system-requirements").URL, "sv": f.article(t, "sv", "system-requirements").URL}
	tests := []struct {
		name, ua, locale string
		width, height    int64
		want             []string // texts the banner shows; none: no banner
	}{
		{"Chrome 40 in English", uaChrome40, "en", 1280, 1024, []string{"Your browser, Chrome 40, is not supported."}},
		{"Chrome 40 in Swedish", uaChrome40, "sv", 1280, 1024, []string{"Din webbläsare, Chrome 40, stöds inte."}},
		{"Firefox 42", uaFirefox42, "en", 1280, 1024, []string{"Firefox 42", "some functions only work in the recommended browsers"}},
		{"Chrome 120", uaChrome120, "en", 1280, 1024, nil},
		{"IE 11 in Compatibility View", uaIE11CV, "en", 1280, 1024, nil},
		{"Googlebot", uaGooglebot, "en", 1280, 1024, nil},
		{"Googlebot on a small screen", uaGooglebot, "en", 800, 600, nil},
		{"Chrome 120 on an 800x600 screen", uaChrome120, "en", 800, 600, []string{"Your screen is smaller than 1024 × 768 pixels"}},
		{"Chrome 50 with the sample's Chrome 47 minimum", uaChrome50, "en", 1280, 1024, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb.setUserAgent(t, tc.ua)
			tb.setScreen(t, tc.width, tc.height)
			tb.open(t, f.locale(t, tc.locale).URL)
			if ua := js[string](t, tb, "navigator.userAgent"); ua != tc.ua {
				t.Fatalf("the page sees User-Agent %q, want %q", ua, tc.ua)
			}
			b := readBanner(t, tb)
			if len(tc.want) == 0 {
				if b.Visible || b.Text != "" {
					t.Errorf("the banner shows %q, want none", b.Text)
				}
				tb.checkClean(t)
				return
			}
			if !b.Visible {
				t.Fatalf("no banner, want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.Text, w) {
					t.Errorf("the banner says %q, want it to contain %q", b.Text, w)
				}
			}
			if b.Link != req[tc.locale] {
				t.Errorf("the banner links to %q, want the %s system requirements %q", b.Link, tc.locale, req[tc.locale])
			}
			if b.Live != "polite" {
				t.Errorf("the banner's region has aria-live=%q, want polite", b.Live)
			}
			axeCheck(t, tb, tc.name+" banner")
			tb.checkClean(t)
		})
	}
}

// TestCompatBannerKeyboard dismisses the banner with the keyboard: Tab to
// the dismiss button, Enter hides it, and it stays hidden on the next page.
func TestCompatBannerKeyboard(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	tb.setUserAgent(t, uaChrome40)
	tb.setScreen(t, 1280, 1024)
	tb.open(t, "/en/")
	if !readBanner(t, tb).Visible {
		t.Fatal("no banner for Chrome 40")
	}
	found := false
	for i := 0; i < 10 && !found; i++ {
		tb.do(t, chromedp.KeyEvent(kb.Tab))
		found = js[bool](t, tb, `document.activeElement.classList.contains("compat-banner__dismiss")`)
	}
	if !found {
		t.Fatal("ten Tabs did not reach the banner's dismiss button")
	}
	checkFocusVisible(t, tb)
	tb.do(t, enterKey)
	if readBanner(t, tb).Visible {
		t.Fatal("Enter on the dismiss button left the banner visible")
	}
	tb.follow(t, "main .tiles a")
	if b := readBanner(t, tb); b.Visible {
		t.Errorf("the dismissed banner is back on %s: %q", tb.path(t), b.Text)
	}
	tb.checkClean(t)
}

// TestCompatBannerFollowsRequirements is the banner's acceptance test: with
// both system-requirements articles raised to Chrome 60 (the variant site,
// rebuilt), Chrome 50 gets the banner; with the sample's 47 it does not
// (TestCompatBanner).
func TestCompatBannerFollowsRequirements(t *testing.T) {
	v := variantSite(t)
	tb := openTab(t, v)
	tb.setUserAgent(t, uaChrome50)
	tb.setScreen(t, 1280, 1024)
	for _, locale := range []string{"en", "sv"} {
		tb.open(t, v.locale(t, locale).URL)
		b := readBanner(t, tb)
		if !b.Visible || !strings.Contains(b.Text, "Chrome 50") {
			t.Errorf("%s: Chrome 50 against a Chrome 60 minimum: banner %+v, want it to name Chrome 50", locale, b)
		}
	}
	tb.checkClean(t)
}
