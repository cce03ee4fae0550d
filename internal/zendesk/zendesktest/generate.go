package zendesktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/inexchange/helpcenter/internal/zendesk"
)

// Options shape a generated help center.
type Options struct {
	// Articles is the number of articles (in the first locale).
	Articles int
	// Locales are the help center's locales, the first the default
	// (default en-us and sv).
	Locales []string
	// Translated is the share of articles translated into every other
	// locale (default 0.3).
	Translated float64
	// Images is the number of screenshots each article shows (default 1),
	// ImageWidth × ImageHeight their size (default 640 × 400).
	Images, ImageWidth, ImageHeight int
	// Seed makes a different help center; the same options give the same
	// one.
	Seed uint64
}

// Generate makes a large help center shaped like real ones: sections of
// 25 articles, categories of 8 sections, bodies in the editor's markup
// (headings with Zendesk ids, steps, tables, code, callouts, links to
// other articles with and without their titles and with anchors, images
// by URLs with and without a file name), one PDF for every tenth
// article, and unique screenshot-like PNGs.
func Generate(o Options) *HelpCenter {
	if len(o.Locales) == 0 {
		o.Locales = []string{"en-us", "sv"}
	}
	if o.Translated == 0 {
		o.Translated = 0.3
	}
	if o.Images == 0 {
		o.Images = 1
	}
	if o.ImageWidth == 0 {
		o.ImageWidth, o.ImageHeight = 640, 400
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	hc := &HelpCenter{Locales: o.Locales, DefaultLocale: o.Locales[0], Files: map[int64][]byte{}, FileNames: map[int64]string{}}
	created := time.Date(2019, 3, 1, 9, 0, 0, 0, time.UTC)
	const perSection, perCategory = 25, 8
	sections := (o.Articles + perSection - 1) / perSection
	categories := (sections + perCategory - 1) / perCategory
	for c := 0; c < categories; c++ {
		id := int64(360000100000 + c)
		for li, l := range o.Locales {
			if li > 0 && c%3 == 2 {
				continue // not every category is translated
			}
			hc.Categories = append(hc.Categories, zendesk.Category{ID: id, Name: title(rng, 2) + " " + strconv.Itoa(c+1), Description: sentence(rng, 8), Position: c, Locale: l, SourceLocale: o.Locales[0], CreatedAt: created, UpdatedAt: created})
		}
	}
	for s := 0; s < sections; s++ {
		id := int64(360000200000 + s)
		for _, l := range o.Locales {
			hc.Sections = append(hc.Sections, zendesk.Section{ID: id, CategoryID: int64(360000100000 + s/perCategory), Name: title(rng, 2) + " " + strconv.Itoa(s+1), Position: s % perCategory, Locale: l, SourceLocale: o.Locales[0], Sorting: "manual", CreatedAt: created, UpdatedAt: created})
		}
	}
	type art struct {
		id    int64
		title string
	}
	arts := make([]art, o.Articles)
	for i := range arts {
		arts[i] = art{id: int64(360010000000 + i), title: title(rng, 3+rng.IntN(5))}
	}
	headingID := func(article int64, k int) string { return fmt.Sprintf("h_01H%011d%03d", article%100000000000, k) }
	nextFile := int64(360090000000)
	type img struct {
		id   int64
		seed uint64
	}
	var imgs []img
	for i, a := range arts {
		trans := rng.Float64() < o.Translated
		var files []zendesk.Attachment
		for k := 0; k < o.Images; k++ {
			nextFile++
			files = append(files, zendesk.Attachment{ID: nextFile, ArticleID: a.id, FileName: fmt.Sprintf("screenshot-%d.png", k+1), ContentType: "image/png", Inline: true, CreatedAt: created, UpdatedAt: created})
			imgs = append(imgs, img{nextFile, uint64(nextFile)})
		}
		if i%10 == 0 {
			nextFile++
			files = append(files, zendesk.Attachment{ID: nextFile, ArticleID: a.id, FileName: "guide.pdf", ContentType: "application/pdf", CreatedAt: created, UpdatedAt: created})
			hc.Files[nextFile] = PDF(a.title)
		}
		hc.Attachments = append(hc.Attachments, files...)
		for li, l := range o.Locales {
			if li > 0 && !trans {
				continue
			}
			var b strings.Builder
			fmt.Fprintf(&b, "<p>%s</p>\n", sentence(rng, 25))
			heads := 3 + rng.IntN(3)
			for k := 0; k < heads; k++ {
				fmt.Fprintf(&b, "<h2 id=\"%s\">%s</h2>\n<p>%s</p>\n", headingID(a.id, k), title(rng, 3), sentence(rng, 30))
				switch (i + k) % 6 {
				case 0:
					b.WriteString("<ol>\n")
					for s := 0; s < 4; s++ {
						fmt.Fprintf(&b, "<li>Click <strong>%s</strong>. %s</li>\n", title(rng, 1), sentence(rng, 8))
					}
					b.WriteString("</ol>\n")
				case 1:
					b.WriteString("<table><tbody><tr><th>Setting</th><th>Value</th></tr>\n")
					for s := 0; s < 3; s++ {
						fmt.Fprintf(&b, "<tr><td>%s</td><td><code>%s</code></td></tr>\n", title(rng, 2), word(rng))
					}
					b.WriteString("</tbody></table>\n")
				case 2:
					fmt.Fprintf(&b, "<div class=\"callout callout--warning\"><p><strong>Note:</strong> %s</p></div>\n", sentence(rng, 12))
				case 3:
					fmt.Fprintf(&b, "<pre>%s --%s=%d<br>%s ok</pre>\n", word(rng), word(rng), rng.IntN(100), word(rng))
				case 4:
					fmt.Fprintf(&b, "<ul><li>%s</li><li>%s<ul><li>%s</li></ul></li></ul>\n", sentence(rng, 6), sentence(rng, 6), sentence(rng, 5))
				}
				if k < len(files) && files[k].ContentType == "image/png" {
					src := fmt.Sprintf("{{base}}/hc/article_attachments/%d/%s", files[k].ID, files[k].FileName)
					if k%2 == 1 {
						src = fmt.Sprintf("/hc/article_attachments/%d", files[k].ID)
					}
					fmt.Fprintf(&b, "<p><img src=\"%s\" alt=\"%s\" width=\"%d\" height=\"%d\"></p>\n", src, sentence(rng, 6), o.ImageWidth, o.ImageHeight)
				}
			}
			// Links to other articles, as writers make them.
			other := arts[(i+1+rng.IntN(len(arts)))%len(arts)]
			second := arts[(i+7)%len(arts)]
			fmt.Fprintf(&b, "<p>See also <a href=\"{{base}}/hc/%s/articles/%d-%s#%s\">%s</a> and <a href=\"/hc/%s/articles/%d\">%s</a>.</p>\n",
				l, other.id, url.PathEscape(Slug(other.title)), headingID(other.id, 0), other.title, l, second.id, second.title)
			for _, f := range files {
				if f.ContentType == "application/pdf" {
					fmt.Fprintf(&b, "<p>Download the <a href=\"/hc/article_attachments/%d/%s\">guide</a>.</p>\n", f.ID, f.FileName)
				}
			}
			t := a.title
			if li > 0 {
				t = "(" + l + ") " + a.title
			}
			edited := created.Add(time.Duration(i) * time.Hour)
			hc.Articles = append(hc.Articles, zendesk.Article{ID: a.id, SectionID: int64(360000200000 + i/perSection), Locale: l, SourceLocale: o.Locales[0], Title: t, Body: b.String(), Position: i % perSection, Promoted: i < 5,
				LabelNames: []string{word(rng), word(rng)}, CreatedAt: created, UpdatedAt: edited, EditedAt: &edited, AuthorID: 1000001, PermissionGroupID: 7000001})
		}
	}
	// The screenshots, unique per image, made on every core.
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan img)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for im := range next {
				b := Screenshot(o.ImageWidth, o.ImageHeight, im.seed)
				mu.Lock()
				hc.Files[im.id] = b
				mu.Unlock()
			}
		}()
	}
	for _, im := range imgs {
		next <- im
	}
	close(next)
	wg.Wait()
	return hc
}

var vocabulary = strings.Fields(`invoice account buyer supplier payment order
	delivery address format settings export import report user password sign
	network portal approval workflow archive attachment reference currency tax
	period credit note reminder customer number contract template message error
	code status partner service integration file folder scan email customer
	company department project cost centre account holder bank transfer`)

func word(rng *rand.Rand) string { return vocabulary[rng.IntN(len(vocabulary))] }

func title(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = word(rng)
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	return strings.Join(w, " ")
}

func sentence(rng *rand.Rand, n int) string { return title(rng, n) + "." }

// Screenshot returns a PNG that looks like a screenshot of an
// application (a toolbar, a sidebar, rows of text-like marks) and differs
// for each seed.
func Screenshot(w, h int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	fill := func(x0, y0, x1, y1 int, c color.NRGBA) {
		for y := max(y0, 0); y < min(y1, h); y++ {
			for x := max(x0, 0); x < min(x1, w); x++ {
				img.SetNRGBA(x, y, c)
			}
		}
	}
	accent := color.NRGBA{uint8(rng.IntN(200)), uint8(60 + rng.IntN(120)), uint8(120 + rng.IntN(120)), 255}
	fill(0, 0, w, h, color.NRGBA{250, 250, 250, 255})
	fill(0, 0, w, h/12, accent)
	fill(0, h/12, w/5, h, color.NRGBA{236, 238, 241, 255})
	for y := h/12 + 12; y+8 < h; y += 18 {
		for x := w/5 + 16; x < w-16; {
			n := 12 + rng.IntN(60)
			fill(x, y, x+n, y+7, color.NRGBA{70, 74, 80, 255})
			x += n + 6
			if rng.IntN(5) == 0 {
				break
			}
		}
	}
	fill(w-w/4, h-h/6, w-24, h-h/6+h/14, accent)
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// WriteExport writes hc into dir as a finished fetch from base would have
// saved it (cursor pages of 100, each article's attachments list, the
// files, locales.json and fetch.json): a saved folder for tests and
// benchmarks that need no server.
func (hc *HelpCenter) WriteExport(dir, base string) error {
	write := func(rel string, v any) error {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		var b []byte
		switch v := v.(type) {
		case []byte:
			b = v
		default:
			var err error
			if b, err = json.Marshal(v); err != nil {
				return err
			}
		}
		return os.WriteFile(p, b, 0o644)
	}
	pages := func(prefix, key string, items []any) error {
		for n, start := 1, 0; start == 0 || start < len(items); n, start = n+1, start+100 {
			end := min(start+100, len(items))
			more := end < len(items)
			body := map[string]any{key: nonNil(items[start:end]), "meta": map[string]any{"has_more": more, "after_cursor": encodeCursor(end), "before_cursor": encodeCursor(start)}, "links": map[string]any{"next": nil, "prev": nil}}
			if more {
				body["links"] = map[string]any{"next": fmt.Sprintf("%s/api/v2/help_center/%s.json?page%%5Bafter%%5D=%s&page%%5Bsize%%5D=100", base, prefix, encodeCursor(end)), "prev": nil}
			}
			if err := write(fmt.Sprintf("%s/page-%d.json", prefix, n), body); err != nil {
				return err
			}
			if !more {
				return nil
			}
		}
		return nil
	}
	if err := write("locales.json", zendesk.Locales{Locales: hc.Locales, DefaultLocale: hc.DefaultLocale}); err != nil {
		return err
	}
	state := zendesk.State{URL: base, Started: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), Finished: time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC), Complete: true, Locales: hc.Locales, Articles: map[string]time.Time{}}
	for _, l := range hc.Locales {
		for _, kind := range zendesk.Kinds {
			if err := pages(l+"/"+kind, kind, hc.Items(base, l, kind)); err != nil {
				return err
			}
		}
	}
	byArticle := map[int64][]any{}
	for _, a := range hc.Attachments {
		byArticle[a.ArticleID] = append(byArticle[a.ArticleID], hc.FillAttachment(base, a))
	}
	for _, id := range hc.SortedIDs() {
		state.Articles[strconv.FormatInt(id, 10)] = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		// Saved under articles/<id>/attachments, as the fetch does.
		if err := pages("articles/"+strconv.FormatInt(id, 10)+"/attachments", "article_attachments", byArticle[id]); err != nil {
			return err
		}
	}
	names := map[int64]string{}
	for _, a := range hc.Attachments {
		names[a.ID] = a.FileName
	}
	for id, b := range hc.Files {
		name := names[id]
		if name == "" {
			name = hc.FileNames[id]
		}
		if name == "" {
			name = "attachment-" + strconv.FormatInt(id, 10)
		}
		if err := write(fmt.Sprintf("article_attachments/%d/%s", id, name), b); err != nil {
			return err
		}
	}
	return write(zendesk.StateFile, state)
}
