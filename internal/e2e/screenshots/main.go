// Command screenshots takes the sample help center's screenshots of the
// help center itself: it builds the site, serves it on loopback, opens
// each screen in headless Chromium (Debian's chromium) in English and
// Swedish, and writes PNGs into the articles that show them.
//
//	go run ./internal/e2e/screenshots [--source .]
//
// Run it again after changing the layouts or the stylesheet: the
// screenshots then show the site as it looks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/inexchange/helpcenter/internal/pipeline"
)

// shot is one screenshot: a page, what to do there, and the element
// whose box is captured.
type shot struct {
	file   string // below content/<locale>/
	page   string // below /<locale>/
	ua     string // User-Agent, when the screen depends on the browser
	before func(locale string) []chromedp.Action[chromedp.Void]
	sel    string // the element captured
}

// An old Chrome that the sample's system requirements do not support:
// the compatibility banner shows.
const oldChrome = "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/40.0.2214.115 Safari/537.36"

var shots = []shot{
	{
		file: "cases-and-support/support-cases/images/search-suggestions.png",
		page: "articles/%s/",
		before: func(locale string) []chromedp.Action[chromedp.Void] {
			q := map[string]string{"en": "undelivered", "sv": "levererad"}[locale]
			return []chromedp.Action[chromedp.Void]{
				chromedp.Click(chromedp.CSS(".site-header .search-box__input")),
				chromedp.SendKeys(chromedp.CSS(".site-header .search-box__input"), q),
				chromedp.WaitVisible(chromedp.CSS(".site-header [role=listbox] li")),
				chromedp.Sleep(300 * time.Millisecond),
			}
		},
		sel: ".site-header .brand, .site-header [role=listbox]",
	},
	{
		file: "getting-started/before-you-start/images/compatibility-banner.png",
		page: "",
		ua:   oldChrome,
		before: func(string) []chromedp.Action[chromedp.Void] {
			return []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.CSS("#compat-banner"))}
		},
		sel: "#compat-banner", // the box: fixed to the window's bottom, outside its region's flow
	},
	{
		file: "cases-and-support/support-cases/images/still-need-help.png",
		page: "articles/%s/",
		sel:  ".still-need-help",
	},
}

// pages names, per locale, the article each page pattern opens.
var pages = map[string]string{"en": "how-to-correct-an-undelivered-invoice", "sv": "ratta-en-faktura-som-inte-levererats"}

func main() {
	source := flag.String("source", ".", "site root")
	flag.Parse()
	if err := run(*source); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func run(source string) error {
	tmp, err := os.MkdirTemp("", "screenshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	res, err := pipeline.Build(pipeline.Options{Source: source, Dest: filepath.Join(tmp, "public"), CacheDir: filepath.Join(tmp, "cache")})
	if err != nil {
		return fmt.Errorf("building the site: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(filepath.Join(tmp, "public"))), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String() + "/"

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath("chromium"), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("hide-scrollbars", true), chromedp.WindowSize(1280, 800))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	for _, l := range res.Site.Locales {
		for _, s := range shots {
			if err := take(actx, base, l.Code, s, filepath.Join(source, "content", l.Code, filepath.FromSlash(s.file))); err != nil {
				return fmt.Errorf("%s %s: %w", l.Code, s.file, err)
			}
		}
	}
	return nil
}

func take(actx context.Context, base, locale string, s shot, out string) error {
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	url := base + locale + "/"
	if s.page != "" {
		url += fmt.Sprintf(s.page, pages[locale])
	}
	_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 1280, Height: 800, DeviceScaleFactor: 1})
	if err == nil && s.ua != "" {
		_, err = chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: s.ua})
	}
	if err != nil {
		return err
	}
	steps := []chromedp.Action[chromedp.Void]{chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS("body"))}
	if s.before != nil {
		steps = append(steps, s.before(locale)...)
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		return err
	}
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSSAll(s.sel)))
	if err != nil {
		return err
	}
	if len(png) == 0 {
		return errors.New("empty screenshot")
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	fmt.Println("wrote", out)
	return os.WriteFile(out, png, 0o644)
}
