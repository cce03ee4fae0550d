package site_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/images"
	"github.com/inexchange/helpcenter/internal/site"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = 255
	}
	m.Set(1, 1, color.Black)
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// buildWithFiles builds base() plus files, with binary files beside them
// and an image processor reading from the same folder.
func buildWithFiles(t *testing.T, files map[string]string, bin map[string][]byte) (*site.Site, content.List) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range base() {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	for name, data := range bin {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	tree, errs := content.Load(fsys)
	if len(errs.Errors()) > 0 {
		t.Fatalf("loading content: %v", errs)
	}
	s, serrs := site.New(tree, site.Options{Now: now, Images: images.New(fsys, images.Options{})})
	return s, append(errs, serrs...)
}

func TestFileReferences(t *testing.T) {
	shot := pngOf(t, 800, 500)
	body := strings.Join([]string{
		"---",
		"title: Upload",
		"---",
		"",
		"![The upload dialog](upload.png \"Choose a file\")", // line 5: fine, in the bundle
		"",
		"Intro ![](missing.png) and ![](upload.png).", // line 7: missing file + no alt; no alt
		"",
		"![Logo](/img/logo.png) ![Remote](https://cdn.example.com/x.png)", // line 9: static ok; remote warning
		"",
		"![](divider.png){.decorative}", // line 11: decorative, no error
		"",
		"Get [the sample](files/sample.pdf) or [the old one](files/gone.pdf).", // line 13: ok; missing
		"",
		"![Too big](big.png) ![Not an image](notes.txt)", // line 15: too large; unsupported
		"",
	}, "\n")
	s, errs := buildWithFiles(t, map[string]string{
		"content/en/cases/submit/upload/index.md": body,
		// The translation has no files of its own: it shares the source's.
		"content/sv/cases/submit/upload.md": "---\ntitle: Ladda upp\ntranslation_key: cases/submit/upload.md\n---\n\n![Dialogen](upload.png)\n",
	}, map[string][]byte{
		"content/en/cases/submit/upload/upload.png":       shot,
		"content/en/cases/submit/upload/divider.png":      pngOf(t, 300, 4),
		"content/en/cases/submit/upload/files/sample.pdf": []byte("%PDF-1.7 sample"),
		"content/en/cases/submit/upload/big.png":          make([]byte, images.MaxFileSize+1),
		"content/en/cases/submit/upload/notes.txt":        []byte("plain text"),
		"static/img/logo.png":                             pngOf(t, 120, 40),
	})
	type want struct {
		line, col int
		kind      error
		text      string
		warning   bool
	}
	wants := []want{
		{7, 7, content.ErrAltText, `image "missing.png" has no alt text`, false},
		{7, 7, content.ErrMissingFile, `image "missing.png": no file at content/en/cases/submit/upload/missing.png`, false},
		{7, 28, content.ErrAltText, `image "upload.png" has no alt text`, false},
		{9, 24, content.ErrRemoteImage, `image "https://cdn.example.com/x.png" is loaded from another host`, true},
		{13, 39, content.ErrMissingFile, `link "files/gone.pdf": no file at content/en/cases/submit/upload/files/gone.pdf`, false},
		{15, 1, content.ErrFile, "is 20,971,521 bytes; the limit is 20 MB", false},
		{15, 21, content.ErrFile, "not a PNG, JPEG, GIF, WebP or SVG image", false},
	}
	got := errs.Sorted()
	if len(got) != len(wants) {
		t.Fatalf("got %d problems, want %d:\n%v", len(got), len(wants), got)
	}
	for i, w := range wants {
		e := got[i]
		if e.Path != "content/en/cases/submit/upload/index.md" || e.Line != w.line || e.Col != w.col || !errors.Is(e, w.kind) || !strings.Contains(e.Error(), w.text) || e.Warning != w.warning {
			t.Errorf("problem %d = %v (line %d col %d warning %v), want %d:%d %v %q", i, e, e.Line, e.Col, e.Warning, w.line, w.col, w.kind, w.text)
		}
	}
	if s == nil {
		t.Fatal("no site")
	}
	// The translation found the source's image.
	sv := s.Articles["sv/cases/submit/upload.md"]
	if sv == nil || sv.Image == nil || sv.Image.Path != "content/en/cases/submit/upload/upload.png" {
		t.Fatalf("translation's image: %+v", sv)
	}
	en := s.Articles["en/cases/submit/upload/index.md"]
	if en.Image == nil || en.ImageAlt != "The upload dialog" || len(en.Files) != 1 || en.Files[0].Type != "PDF" {
		t.Errorf("article image %+v alt %q files %+v", en.Image, en.ImageAlt, en.Files)
	}
	html := string(en.HTML)
	for _, frag := range []string{
		`<figure class="figure"><a class="figure__zoom" href="/` + en.Image.Full.Name + `"><picture><source type="image/webp" srcset="/` + en.Image.WebP[0].Name + ` 480w, /` + en.Image.WebP[1].Name + ` 800w"`,
		`<img src="/` + en.Image.Fallback.Name + `" width="800" height="500" alt="The upload dialog"></picture></a><figcaption>Choose a file</figcaption></figure>`,
		`alt="" loading="lazy" decoding="async">`, // the decorative divider
		`<a href="/assets/files/`, `/sample.pdf">the sample</a> <span class="file-meta">(PDF, 15 bytes)</span>`,
	} {
		if !strings.Contains(html, frag) {
			t.Errorf("HTML lacks %s\n%s", frag, html)
		}
	}
	if strings.Contains(html, "{.decorative}") {
		t.Error("the decorative marker shows in the page")
	}
}

func TestBundleNextToFile(t *testing.T) {
	_, errs := buildWithFiles(t, map[string]string{
		"content/en/cases/submit/upload/index.md": "---\ntitle: A\n---\n",
		"content/en/cases/submit/upload.md":       "---\ntitle: B\n---\n",
	}, nil)
	if !errors.Is(errs, content.ErrDuplicateSlug) {
		t.Errorf("a bundle and a file of the same name: %v, want a duplicate slug", errs)
	}
}

func TestMarkdownInsideBundle(t *testing.T) {
	fsys := fstest.MapFS{"content/en/a/b/c/notes.md": {Data: []byte("---\ntitle: x\n---\n")}}
	_, errs := content.Load(fsys)
	if !errors.Is(errs, content.ErrStructure) || !strings.Contains(errs.Error(), "index.md") {
		t.Errorf("errs = %v", errs)
	}
}
