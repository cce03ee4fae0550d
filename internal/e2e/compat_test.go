package e2e

import (
	"strings"
	"testing"
	"time"

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
		onRequirements   bool     // open the system requirements, not the locale home
	}{
		{"Chrome 40 in English", uaChrome40, "en", 1280, 1024, []string{"Your browser, Chrome 40, is not supported."}, false},
		{"Chrome 40 in Swedish", uaChrome40, "sv", 1280, 1024, []string{"Din webbläsare, Chrome 40, stöds inte."}, false},
		{"Firefox 42", uaFirefox42, "en", 1280, 1024, []string{"Firefox 42", "some functions only work in the recommended browsers"}, false},
		{"Chrome 120", uaChrome120, "en", 1280, 1024, nil, false},
		{"IE 11 in Compatibility View", uaIE11CV, "en", 1280, 1024, nil, false},
		{"Googlebot", uaGooglebot, "en", 1280, 1024, nil, false},
		{"Googlebot on a small screen", uaGooglebot, "en", 800, 600, nil, false},
		{"Chrome 120 on an 800x600 screen, home page", uaChrome120, "en", 800, 600, nil, false},
		{"Chrome 120 on an 800x600 screen, system requirements", uaChrome120, "en", 800, 600, []string{"Your screen is smaller than 1024 × 768 pixels", "This help center works on any screen."}, true},
		{"Chrome 120 on an 800x600 screen, Swedish system requirements", uaChrome120, "sv", 800, 600, []string{"Din skärm är mindre än 1024 × 768 pixlar"}, true},
		{"Googlebot on a small screen, system requirements", uaGooglebot, "en", 800, 600, nil, true},
		{"Chrome 50 with the sample's Chrome 47 minimum", uaChrome50, "en", 1280, 1024, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb.setUserAgent(t, tc.ua)
			tb.setScreen(t, tc.width, tc.height)
			if tc.onRequirements {
				tb.open(t, req[tc.locale])
			} else {
				tb.open(t, f.locale(t, tc.locale).URL)
			}
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

// uaAndroidChrome is a current Chrome on an Android phone.
const uaAndroidChrome = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"

// uaAndroidChrome40 is an old Chrome on an Android phone, below the
// sample's Chrome 47 minimum.
const uaAndroidChrome40 = "Mozilla/5.0 (Linux; Android 5.0; Nexus 5 Build/LRX21O) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/40.0.2214.89 Mobile Safari/537.36"

// TestCompatBannerPhone reads the help center on a phone (412x823, mobile
// Chrome): no page tells the reader about the screen except the system
// requirements, nothing on any page shifts (CLS 0: not one layout-shift
// entry), also when the banner shows for an old browser, and the banner
// keeps its behaviour there.
func TestCompatBannerPhone(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	tb.setPhone(t)
	defer tb.setScreen(t, 1280, 1024)
	// The page's scripts arrive late, as on a phone network: the page is on
	// screen before the banner's script decides (without the delay, a fast
	// loopback runs it before the first paint, and no shift could show).
	tb.delayRequests(t, "*/assets/*.js", 300*time.Millisecond)
	en := f.locale(t, "en")
	plain := f.plainArticle(t, "en")
	req := f.article(t, "en", "system-requirements")
	// A vote first, so that the article's "N out of M found this helpful"
	// line appears after load, as on a live site.
	tb.open(t, plain.URL)
	vote(t, tb)
	pages := []struct {
		name, path   string
		screenNotice bool
	}{
		{"home", en.URL, false},
		{"article", plain.URL, false},
		{"section", plain.Section.URL, false},
		{"phone hours", f.article(t, "en", "phone-hours").URL, false},
		{"case form", f.article(t, "en", "case-form").URL, false},
		{"search results", "/en/search/?q=password", false},
		{"system requirements", req.URL, true},
		{"system requirements in Swedish", f.article(t, "sv", "system-requirements").URL, true},
	}
	for _, ua := range []struct{ name, ua string }{{"current Chrome", uaAndroidChrome}, {"Chrome 40", uaAndroidChrome40}} {
		tb.setUserAgent(t, ua.ua)
		for _, p := range pages {
			t.Run(ua.name+"/"+p.name, func(t *testing.T) {
				tb.open(t, p.path)
				if strings.HasPrefix(p.path, "/en/search/") {
					waitFor(t, tb, `document.querySelector("[data-search-results] .search-result__title a")`, "the search results")
				}
				if p.path == plain.URL {
					waitFor(t, tb, `!document.getElementById("feedback-count").hidden && document.getElementById("feedback-count").textContent !== ""`, "the feedback count")
				}
				for _, s := range layoutShifts(t, tb) {
					t.Errorf("layout shift %.4f at %.0f ms (recent input %v), moving %v", s.Value, s.StartsAt, s.Input, s.Sources)
				}
				b := readBanner(t, tb)
				if strings.Contains(b.Text, "screen") || strings.Contains(b.Text, "skärm") {
					if !p.screenNotice {
						t.Errorf("a phone reader is told about the screen on the %s page: %q", p.name, b.Text)
					}
				} else if p.screenNotice {
					t.Errorf("on the system requirements, the phone reader is not told that the screen is below the minimum: banner %+v", b)
				}
				if ua.ua == uaAndroidChrome40 && !strings.Contains(b.Text, "Chrome 40") {
					t.Errorf("Chrome 40 on a phone: banner %+v, want it to name Chrome 40", b)
				}
				if b.Visible {
					if !js[bool](t, tb, `(function () {
  var r = document.getElementById("compat-banner").getBoundingClientRect();
  return Math.abs(r.bottom - window.innerHeight) < 1 && r.left === 0 && Math.abs(r.right - document.documentElement.clientWidth) < 1;
})()`) {
						t.Error("the banner is not across the bottom of the window")
					}
					axeCheck(t, tb, p.name+" with the banner on a phone")
				}
				tb.checkClean(t)
			})
		}
	}
}
