package cases

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The handler's pages look like the site because they are the site's
// page: the "Your cases" page of the reader's locale (/<locale>/cases/,
// layouts/cases.html) with its <main> replaced by the handler's content.
// Header, navigation, footer, stylesheet, scripts and the compatibility
// banner come from the published site, whatever its layouts, and follow
// it when it is published again.
//
// A frame is parsed once per version of the page: <title> and the <main>
// element's content become slots, the language links (a.lang-link)
// point at the handler's page in that language, and what describes the
// static page to crawlers (canonical, alternates, OpenGraph, JSON-LD)
// goes; the page stays noindex. Without a site page (no SiteURL, the
// site unreachable) a plain built-in frame is used.

// FrameFunc supplies the HTML of a locale's "Your cases" page.
type FrameFunc func(ctx context.Context, locale string) ([]byte, error)

// Slots of a parsed frame: a part that starts with NUL is one (the
// site's own HTML never holds a NUL: the parser replaces it).
const (
	slotTitle = "\x00title"
	slotMain  = "\x00main"
	slotLang  = "\x00lang:" // + locale
)

// Placeholders written into the document before rendering it, where the
// slots go.
const (
	titleMark = "hcframe-title-7f3a"
	mainMark  = "hcframe-main-7f3a"
	langMark  = "hcframe-lang-7f3a-" // + locale
)

// frame is a parsed site page: literal parts and slots, in order.
type frame struct {
	parts []string // literal HTML, or a slot name (starts with NUL)
	// Home and HomeTitle are the locale's home; CaseFormURL is the case
	// form's page ("" if the site has none).
	Home, HomeTitle, CaseFormURL string
	sum                          [32]byte
}

// parseFrame turns a site page into a frame. The page must have one
// <main> element. Links to the sign-in page itself ("Your cases" in the
// header) go to list instead, the signed-in reader's list of cases.
func parseFrame(src []byte, list string) (*frame, error) {
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, fmt.Errorf("parse the frame page: %w", err)
	}
	f := &frame{sum: sha256.Sum256(src)}
	var main, title *html.Node
	var drop, links []*html.Node
	casesURL := ""
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch {
		case n.DataAtom == atom.Main && main == nil:
			main = n
		case n.DataAtom == atom.Title && title == nil:
			title = n
		case n.DataAtom == atom.Link && (attr(n, "rel") == "canonical" || attr(n, "rel") == "alternate" && attr(n, "hreflang") != ""):
			drop = append(drop, n)
		case n.DataAtom == atom.Meta && (strings.HasPrefix(attr(n, "property"), "og:") || attr(n, "name") == "description"):
			drop = append(drop, n)
		case n.DataAtom == atom.Script && attr(n, "type") == "application/ld+json":
			drop = append(drop, n)
		case n.DataAtom == atom.A && hasClass(n, "lang-link") && attr(n, "hreflang") != "":
			setAttr(n, "href", langMark+attr(n, "hreflang"))
		case n.DataAtom == atom.A && main == nil:
			links = append(links, n)
		}
		if hasAttr(n, "data-cases-frame") {
			f.Home, f.HomeTitle, f.CaseFormURL = attr(n, "data-home-url"), attr(n, "data-home-title"), attr(n, "data-case-form-url")
			casesURL = attr(n, "data-cases-url")
		}
	}
	if main == nil {
		return nil, errors.New("the frame page has no <main> element")
	}
	for _, a := range links {
		if casesURL != "" && list != "" && attr(a, "href") == casesURL {
			setAttr(a, "href", list)
		}
	}
	for _, n := range drop {
		n.Parent.RemoveChild(n)
	}
	for c := main.FirstChild; c != nil; c = main.FirstChild {
		main.RemoveChild(c)
	}
	main.AppendChild(&html.Node{Type: html.TextNode, Data: mainMark})
	if title == nil {
		return nil, errors.New("the frame page has no <title>")
	}
	for c := title.FirstChild; c != nil; c = title.FirstChild {
		title.RemoveChild(c)
	}
	title.AppendChild(&html.Node{Type: html.TextNode, Data: titleMark})
	var b strings.Builder
	if err := html.Render(&b, doc); err != nil {
		return nil, fmt.Errorf("render the frame page: %w", err)
	}
	rest := b.String()
	for rest != "" {
		i := strings.Index(rest, "hcframe-")
		if i < 0 {
			f.parts = append(f.parts, rest)
			break
		}
		f.parts = append(f.parts, rest[:i])
		rest = rest[i:]
		switch {
		case strings.HasPrefix(rest, titleMark):
			f.parts = append(f.parts, slotTitle)
			rest = rest[len(titleMark):]
		case strings.HasPrefix(rest, mainMark):
			f.parts = append(f.parts, slotMain)
			rest = rest[len(mainMark):]
		case strings.HasPrefix(rest, langMark):
			rest = rest[len(langMark):]
			end := strings.IndexAny(rest, `"' >`)
			if end < 0 {
				end = len(rest)
			}
			f.parts = append(f.parts, slotLang+rest[:end])
			rest = rest[end:]
		default: // the site's own text that happens to contain the word
			f.parts = append(f.parts, "hcframe-")
			rest = rest[len("hcframe-"):]
		}
	}
	return f, nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

func setAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// write writes the frame with the title, the main content and the
// language links (langURL gives the handler's page in a locale).
func (f *frame) write(w io.Writer, title string, main []byte, langURL func(locale string) string) error {
	var b bytes.Buffer
	for _, p := range f.parts {
		switch {
		case p == slotTitle:
			b.WriteString(template.HTMLEscapeString(title))
		case p == slotMain:
			b.Write(main)
		case strings.HasPrefix(p, slotLang):
			b.WriteString(template.HTMLEscapeString(langURL(p[len(slotLang):])))
		default:
			b.WriteString(p)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// fallbackFrame is the plain page used when the site's is not to be had:
// valid, in the reader's language, linking home.
var fallbackFrame = template.Must(template.New("frame").Parse(`<!DOCTYPE html>
<html lang="{{.Locale}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>frame</title>
</head>
<body>
<div data-cases-frame data-home-url="/{{.Locale}}/" data-home-title="{{.Home}}"></div>
<main id="main"></main>
</body>
</html>
`))

// frames keeps a parsed frame per locale. Frames from a URL are used for
// ttl and then fetched again in the background (the stale one serves in
// the meantime); frames from a FrameFunc are asked for on every page and
// parsed again only when they change.
type frames struct {
	siteURL  string
	basePath string
	fn       FrameFunc
	ttl      time.Duration
	client   *http.Client
	msgs     Messages
	log      *slog.Logger

	mu      sync.Mutex
	cache   map[string]*cachedFrame
	plain   map[string]*frame
	warned  map[string]time.Time
	pending map[string]bool
}

type cachedFrame struct {
	f       *frame
	fetched time.Time
	etag    string
}

func newFrames(siteURL, basePath string, fn FrameFunc, ttl time.Duration, msgs Messages, log *slog.Logger) *frames {
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	return &frames{siteURL: strings.TrimRight(siteURL, "/"), basePath: basePath, fn: fn, ttl: ttl, msgs: msgs, log: log,
		client: &http.Client{Timeout: 5 * time.Second},
		cache:  map[string]*cachedFrame{}, plain: map[string]*frame{}, warned: map[string]time.Time{}, pending: map[string]bool{}}
}

// get returns the frame for a locale: the site's if it can be had, else
// the plain one.
func (fs *frames) get(ctx context.Context, locale string) *frame {
	switch {
	case fs.fn != nil:
		src, err := fs.fn(ctx, locale)
		if err == nil {
			if f, err := fs.parsed(locale, src, ""); err == nil {
				return f
			} else {
				fs.warn(locale, err)
			}
		} else {
			fs.warn(locale, err)
		}
	case fs.siteURL != "":
		fs.mu.Lock()
		c := fs.cache[locale]
		stale := c != nil && time.Since(c.fetched) > fs.ttl && !fs.pending[locale]
		if stale {
			fs.pending[locale] = true
		}
		fs.mu.Unlock()
		if c != nil {
			if stale {
				go fs.fetch(context.WithoutCancel(ctx), locale, c)
			}
			return c.f
		}
		if f := fs.fetch(ctx, locale, nil); f != nil {
			return f
		}
	}
	return fs.plainFrame(locale)
}

// parsed returns the cached frame if src is the same page, else parses it.
func (fs *frames) parsed(locale string, src []byte, etag string) (*frame, error) {
	sum := sha256.Sum256(src)
	fs.mu.Lock()
	c := fs.cache[locale]
	fs.mu.Unlock()
	if c != nil && c.f.sum == sum {
		fs.mu.Lock()
		c.fetched = time.Now()
		fs.mu.Unlock()
		return c.f, nil
	}
	f, err := parseFrame(src, fs.basePath+"/my/cases?locale="+locale)
	if err != nil {
		return nil, err
	}
	fs.mu.Lock()
	fs.cache[locale] = &cachedFrame{f: f, fetched: time.Now(), etag: etag}
	fs.mu.Unlock()
	return f, nil
}

// fetch gets the locale's page from the site (revalidating old, if
// given) and returns its frame, nil if it failed.
func (fs *frames) fetch(ctx context.Context, locale string, old *cachedFrame) *frame {
	defer func() {
		fs.mu.Lock()
		delete(fs.pending, locale)
		fs.mu.Unlock()
	}()
	url := fs.siteURL + "/" + locale + "/cases/"
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fs.warn(locale, err)
		return nil
	}
	req.Header.Set("Accept", "text/html")
	if old != nil && old.etag != "" {
		req.Header.Set("If-None-Match", old.etag)
	}
	resp, err := fs.client.Do(req)
	if err != nil {
		fs.warn(locale, fmt.Errorf("fetch the frame page %s: %w", url, err))
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && old != nil {
		fs.mu.Lock()
		old.fetched = time.Now()
		fs.mu.Unlock()
		return old.f
	}
	if resp.StatusCode != http.StatusOK {
		fs.warn(locale, fmt.Errorf("fetch the frame page %s: %s", url, resp.Status))
		return nil
	}
	src, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		fs.warn(locale, fmt.Errorf("fetch the frame page %s: %w", url, err))
		return nil
	}
	f, err := fs.parsed(locale, src, resp.Header.Get("ETag"))
	if err != nil {
		fs.warn(locale, fmt.Errorf("%s: %w", url, err))
		return nil
	}
	return f
}

// warn logs why a locale's frame could not be had, at most once a minute.
func (fs *frames) warn(locale string, err error) {
	fs.mu.Lock()
	last := fs.warned[locale]
	now := time.Now()
	if now.Sub(last) < time.Minute {
		fs.mu.Unlock()
		return
	}
	fs.warned[locale] = now
	fs.mu.Unlock()
	fs.log.Warn("the handler's pages use a plain frame: the site's page could not be had", "locale", locale, "err", err)
}

func (fs *frames) plainFrame(locale string) *frame {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f := fs.plain[locale]; f != nil {
		return f
	}
	var b bytes.Buffer
	if err := fallbackFrame.Execute(&b, map[string]string{"Locale": locale, "Home": fs.msgs.T(locale, "cases.done.back")}); err != nil {
		panic(err) // a constant template over two strings
	}
	f, err := parseFrame(b.Bytes(), "")
	if err != nil {
		panic(err)
	}
	f.HomeTitle = ""
	fs.plain[locale] = f
	return f
}
