package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// phoneImageBudget is issue 10's limit for the images an article page
// with screenshots makes a 412 px phone download.
const phoneImageBudget = 150 * 1024

// TestImages opens the sample's articles with screenshots on a phone (412
// CSS px, 1.75 device pixels per CSS pixel, as Lighthouse's mobile run)
// and on a desktop: every image loads, the phone gets WebP no wider than
// it needs and under the budget, and each <picture> has a PNG or JPEG
// fallback that browsers without WebP (Internet Explorer 11) load.
func TestImages(t *testing.T) {
	f := sampleSite(t)
	tb := openTab(t, f)
	pages := []string{"/en/articles/create-a-support-case/", "/sv/articles/skapa-ett-supportarende/", "/en/articles/system-requirements/", "/en/articles/how-to-update-an-ongoing-support-case/"}
	for _, screen := range []struct {
		name          string
		width, height int64
		dpr           float64
	}{{"phone", 412, 823, 1.75}, {"desktop", 1280, 900, 1}} {
		t.Run(screen.name, func(t *testing.T) {
			tb.call(t, func(ctx context.Context) error {
				_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
					Width: screen.width, Height: screen.height, DeviceScaleFactor: screen.dpr, Mobile: screen.width < 600,
				})
				return err
			})
			for _, p := range pages {
				tb.open(t, p)
				n := js[int](t, tb, `document.querySelectorAll(".article__body img").length`)
				if n == 0 {
					t.Fatalf("%s shows no image", p)
				}
				// Scroll every lazy image into view, then wait for all.
				js[bool](t, tb, `(function () { var imgs = document.querySelectorAll(".article__body img"); for (var i = 0; i < imgs.length; i++) imgs[i].scrollIntoView(); return true; })()`)
				waitFor(t, tb, `Array.prototype.every.call(document.querySelectorAll(".article__body img"), function (i) { return i.complete && i.naturalWidth > 0; })`, "every image on "+p)
				got := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll(".article__body picture img"), function (i) { return i.currentSrc; })`)
				for _, src := range got {
					if !strings.HasSuffix(src, ".webp") {
						t.Errorf("%s: %s loaded %s, want WebP", screen.name, p, src)
					}
				}
				// Bytes of images transferred for this page.
				bytes := js[float64](t, tb, `performance.getEntriesByType("resource").filter(function (e) { return /\/assets\/img\//.test(e.name); }).reduce(function (s, e) { return s + e.encodedBodySize; }, 0)`)
				if screen.name == "phone" && bytes > phoneImageBudget {
					t.Errorf("%s on a phone downloads %.0f KB of images, more than %d KB", p, bytes/1024, phoneImageBudget/1024)
				}
				t.Logf("%s %s: %d images, %.1f KB: %v", screen.name, p, n, bytes/1024, got)
				// Pictures: WebP sources no wider than the image and a fallback that loads.
				ok := js[bool](t, tb, `Array.prototype.every.call(document.querySelectorAll(".article__body picture"), function (pic) {
					var s = pic.querySelector("source"), img = pic.querySelector("img");
					return s && s.type === "image/webp" && /\.(png|jpg)$/.test(img.getAttribute("src")) && img.getAttribute("width") && img.getAttribute("height");
				})`)
				if !ok {
					t.Errorf("%s: a <picture> lacks its WebP source, its PNG/JPEG fallback or its size", p)
				}
				fallbacks := js[[]string](t, tb, `Array.prototype.map.call(document.querySelectorAll(".article__body picture img"), function (i) { return i.getAttribute("src"); })`)
				for _, fb := range fallbacks {
					resp := fetchStatus(t, tb, fb)
					if resp != 200 {
						t.Errorf("%s: fallback %s answers %d", p, fb, resp)
					}
				}
			}
		})
	}
	// The first image loads at once; later ones lazily.
	tb.open(t, "/en/articles/create-a-support-case/")
	if js[string](t, tb, `document.querySelector(".article__body img").getAttribute("loading") || ""`) != "" {
		t.Error("the article's first image is lazy")
	}
	tb.checkClean(t)
}

// fetchStatus fetches a URL from the page and returns the status.
func fetchStatus(t testing.TB, tb *tab, u string) int {
	t.Helper()
	return int(run(t, tb, chromedp.Evaluate[float64](`fetch(`+jsString(u)+`).then(function (r) { return r.status; })`, chromedp.EvalAwaitPromise)))
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
