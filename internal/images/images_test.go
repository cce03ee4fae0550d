package images

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	gwebp "github.com/gen2brain/webp"
	"golang.org/x/image/webp"
)

// screenshot draws an opaque test picture: a blue bar and grey "text".
func screenshot(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{255, 255, 255, 255}
			switch {
			case y < h/10:
				c = color.RGBA{0x0b, 0x5c, 0xad, 255}
			case (x/3+y/5)%7 == 0:
				c = color.RGBA{60, 60, 60, 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func pngBytes(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withPNGChunk inserts a chunk after IHDR.
func withPNGChunk(data []byte, typ string, body []byte) []byte {
	ihdrEnd := 8 + 12 + int(binary.BigEndian.Uint32(data[8:]))
	var c bytes.Buffer
	binary.Write(&c, binary.BigEndian, uint32(len(body)))
	c.WriteString(typ)
	c.Write(body)
	binary.Write(&c, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), body...)))
	out := append([]byte(nil), data[:ihdrEnd]...)
	out = append(out, c.Bytes()...)
	return append(out, data[ihdrEnd:]...)
}

// jpegWithOrientation encodes m and adds an EXIF segment with the
// orientation tag, and a comment.
func jpegWithOrientation(t testing.TB, m image.Image, o uint16) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	var tiff bytes.Buffer
	tiff.WriteString("MM\x00\x2a")
	binary.Write(&tiff, binary.BigEndian, uint32(8))
	binary.Write(&tiff, binary.BigEndian, uint16(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&tiff, binary.BigEndian, uint32(1))
	binary.Write(&tiff, binary.BigEndian, []uint16{o, 0})
	binary.Write(&tiff, binary.BigEndian, uint32(0))
	exif := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	exif = append(exif, []byte("GPS secret")...)
	seg := func(marker byte, body []byte) []byte {
		s := []byte{0xff, marker, 0, 0}
		binary.BigEndian.PutUint16(s[2:], uint16(len(body)+2))
		return append(s, body...)
	}
	src := b.Bytes()
	out := append([]byte(nil), src[:2]...)
	out = append(out, seg(0xe1, exif)...)
	out = append(out, seg(0xfe, []byte("a comment"))...)
	return append(out, src[2:]...)
}

func TestProbe(t *testing.T) {
	shot := screenshot(1280, 800)
	var animated bytes.Buffer
	pal := image.NewPaletted(image.Rect(0, 0, 40, 30), []color.Color{color.White, color.Black})
	if err := gif.EncodeAll(&animated, &gif.GIF{Image: []*image.Paletted{pal, pal}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	var still bytes.Buffer
	if err := gif.Encode(&still, pal, nil); err != nil {
		t.Fatal(err)
	}
	var wp bytes.Buffer
	if err := gwebp.Encode(&wp, screenshot(600, 400), gwebp.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"content/shot.png":      {Data: pngBytes(t, shot)},
		"content/misnamed.jpg":  {Data: pngBytes(t, screenshot(300, 200))},
		"content/phone.jpg":     {Data: jpegWithOrientation(t, screenshot(400, 300), 6)},
		"content/anim.gif":      {Data: animated.Bytes()},
		"content/still.gif":     {Data: still.Bytes()},
		"content/photo.webp":    {Data: wp.Bytes()},
		"content/logo.svg":      {Data: []byte(`<?xml version="1.0"?><!-- c --><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40"/></svg>`)},
		"content/sized.svg":     {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="2in" height="48px"></svg>`)},
		"content/notes.txt":     {Data: []byte("hello")},
		"content/broken.png":    {Data: []byte("\x89PNG\r\n\x1a\nnot really")},
		"content/big.png":       {Data: make([]byte, MaxFileSize+1)},
		"content/Skärmbild.PNG": {Data: pngBytes(t, screenshot(100, 50))},
	}
	p := New(fsys, Options{})
	tests := []struct {
		name         string
		format       Format
		w, h         int
		webp         []int
		fallback     string
		animated     bool
		err          error
		errText      string
		fullNameEnds string
	}{
		{name: "shot.png", format: PNG, w: 1280, h: 800, webp: []int{480, 960}, fallback: "-960.png", fullNameEnds: "/shot.png"},
		{name: "misnamed.jpg", format: PNG, w: 300, h: 200, webp: []int{300}, fallback: "-300.png", fullNameEnds: "/misnamed.png"},
		{name: "phone.jpg", format: JPEG, w: 300, h: 400, webp: []int{300}, fallback: "-300.jpg"},
		{name: "anim.gif", format: GIF, w: 40, h: 30, animated: true},
		{name: "still.gif", format: GIF, w: 40, h: 30, webp: []int{40}, fallback: "-40.png"},
		{name: "photo.webp", format: WebP, w: 600, h: 400, webp: []int{480, 600}, fallback: "-600.png"},
		{name: "logo.svg", format: SVG, w: 120, h: 40},
		{name: "sized.svg", format: SVG, w: 192, h: 48},
		{name: "Skärmbild.PNG", format: PNG, w: 100, h: 50, webp: []int{100}, fullNameEnds: "/skarmbild.png"},
		{name: "notes.txt", err: ErrUnsupported},
		{name: "broken.png", err: ErrCorrupt},
		{name: "big.png", err: ErrTooLarge, errText: "20,971,521 bytes; the limit is 20 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			im, err := p.Image("content/" + tt.name)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("err = %v, want %v %q", err, tt.err, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if im.Format != tt.format || im.Width != tt.w || im.Height != tt.h || im.Animated != tt.animated {
				t.Errorf("got %s %d×%d animated=%v, want %s %d×%d animated=%v", im.Format, im.Width, im.Height, im.Animated, tt.format, tt.w, tt.h, tt.animated)
			}
			var ws []int
			for _, v := range im.WebP {
				ws = append(ws, v.Width)
				if v.Height != scaledHeight(im.Width, im.Height, v.Width) || !strings.HasSuffix(v.Name, ".webp") {
					t.Errorf("variant %+v", v)
				}
			}
			if len(ws) != len(tt.webp) || (len(ws) > 0 && ws[len(ws)-1] != tt.webp[len(tt.webp)-1]) {
				t.Errorf("webp widths %v, want %v", ws, tt.webp)
			}
			if tt.fallback != "" && (im.Fallback == nil || !strings.HasSuffix(im.Fallback.Name, tt.fallback)) {
				t.Errorf("fallback %+v, want …%s", im.Fallback, tt.fallback)
			}
			if tt.fullNameEnds != "" && !strings.HasSuffix(im.Full.Name, tt.fullNameEnds) {
				t.Errorf("full %s, want …%s", im.Full.Name, tt.fullNameEnds)
			}
			if !strings.HasPrefix(im.Full.Name, "assets/img/") {
				t.Errorf("full %s not below assets/img/", im.Full.Name)
			}
		})
	}
	// Same content, same folder; other content, another.
	a, _ := p.Image("content/shot.png")
	b, _ := p.Image("content/misnamed.jpg")
	if path1, path2 := a.Full.Name[:len("assets/img/")+12], b.Full.Name[:len("assets/img/")+12]; path1 == path2 {
		t.Errorf("different sources share the folder %s", path1)
	}
}

func TestWidths(t *testing.T) {
	for _, tt := range []struct {
		w    int
		want []int
	}{
		{300, []int{300}}, {480, []int{480}}, {800, []int{480, 800}}, {960, []int{480, 960}},
		{1280, []int{480, 960}}, {1440, []int{480, 960}}, {2560, []int{480, 960, 1440}},
	} {
		got := widths(tt.w)
		if len(got) != len(tt.want) {
			t.Errorf("widths(%d) = %v, want %v", tt.w, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] || got[i] > tt.w {
				t.Errorf("widths(%d) = %v, want %v", tt.w, got, tt.want)
			}
		}
	}
}

func TestStrip(t *testing.T) {
	src := pngBytes(t, screenshot(20, 10))
	tagged := withPNGChunk(withPNGChunk(src, "tEXt", []byte("Author\x00Someone")), "eXIf", []byte("MM\x00\x2agps"))
	out, err := strip(PNG, tagged)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("Someone")) || bytes.Contains(out, []byte("gps")) || !bytes.Equal(out, src) {
		t.Errorf("PNG metadata kept: %d bytes, source %d", len(out), len(src))
	}
	j := jpegWithOrientation(t, screenshot(20, 10), 1)
	out, err = strip(JPEG, j)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("GPS secret")) || bytes.Contains(out, []byte("a comment")) {
		t.Error("JPEG metadata kept")
	}
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Errorf("stripped JPEG does not decode: %v", err)
	}
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), []color.Color{color.White, color.Black})
	var g bytes.Buffer
	if err := gif.Encode(&g, pal, nil); err != nil {
		t.Fatal(err)
	}
	gb := g.Bytes()
	// A comment extension after the header and palette.
	withComment := append(append(append([]byte(nil), gb[:13+6]...), 0x21, 0xfe, 7, 's', 'e', 'c', 'r', 'e', 't', '!', 0), gb[13+6:]...)
	out, err = strip(GIF, withComment)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("secret")) {
		t.Error("GIF comment kept")
	}
	if _, err := gif.Decode(bytes.NewReader(out)); err != nil {
		t.Errorf("stripped GIF does not decode: %v", err)
	}
}

// TestStudioSwing checks that lossy WebP sources keep their colours:
// white stays white, not the grey of limited-range Y′ taken as full.
func TestStudioSwing(t *testing.T) {
	var b bytes.Buffer
	if err := gwebp.Encode(&b, screenshot(64, 64), gwebp.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	m, err := decode(WebP, b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	r, g, bl, _ := m.At(44, 40).RGBA()
	if r>>8 < 250 || g>>8 < 250 || bl>>8 < 250 {
		t.Errorf("white became %d,%d,%d", r>>8, g>>8, bl>>8)
	}
	r, g, bl, _ = m.At(40, 2).RGBA()
	if d := int(r>>8) - 0x0b; d < -8 || d > 8 || int(bl>>8)-0xad < -8 || int(bl>>8)-0xad > 8 || int(g>>8)-0x5c < -8 || int(g>>8)-0x5c > 8 {
		t.Errorf("blue bar became %d,%d,%d, want 11,92,173", r>>8, g>>8, bl>>8)
	}
}

type memOut struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memOut) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	m.files[name] = bytes.Clone(data)
	return nil
}

func TestWriteAndCache(t *testing.T) {
	fsys := fstest.MapFS{
		"content/a/shot.png": {Data: pngBytes(t, screenshot(1280, 800))},
		"content/b/copy.png": {Data: pngBytes(t, screenshot(1280, 800))},
		"content/phone.jpg":  {Data: jpegWithOrientation(t, screenshot(400, 300), 6)},
		"content/logo.svg":   {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><!-- note --><rect  width="10" height="10"/></svg>`)},
		"content/sample.pdf": {Data: []byte("%PDF-1.4 …")},
	}
	cache := t.TempDir()
	var imgs []*Image
	for _, n := range []string{"content/a/shot.png", "content/b/copy.png", "content/phone.jpg", "content/logo.svg"} {
		im, err := New(fsys, Options{}).Image(n)
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, im)
	}
	pdf, err := New(fsys, Options{}).File("content/sample.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if pdf.Type != "PDF" || !strings.HasSuffix(pdf.Out.Name, "/sample.pdf") || !strings.HasPrefix(pdf.Out.Name, "assets/files/") {
		t.Errorf("file %+v", pdf)
	}
	first := &memOut{}
	p := New(fsys, Options{CacheDir: cache})
	if err := p.Write(first, imgs, []*File{pdf}); err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	// shot.png: full, 480, 960, fallback; copy.png: four more; phone.jpg:
	// full, 300 webp, fallback; logo.svg: one.
	if st.Encoded != 12 || st.Cached != 0 || st.Files != 13 {
		t.Errorf("first write: %+v", st)
	}
	for _, v := range imgs[0].Variants() {
		data := first.files[v.Name]
		if len(data) == 0 {
			t.Fatalf("%s not written", v.Name)
		}
		var cfg image.Config
		switch v.Type {
		case "image/webp":
			cfg, err = webp.DecodeConfig(bytes.NewReader(data))
		default:
			cfg, _, err = image.DecodeConfig(bytes.NewReader(data))
		}
		if err != nil || cfg.Width != v.Width || cfg.Height != v.Height {
			t.Errorf("%s: %v %d×%d, want %d×%d", v.Name, err, cfg.Width, cfg.Height, v.Width, v.Height)
		}
	}
	// The rotated JPEG is written upright: 300 wide, 400 high.
	full := first.files[imgs[2].Full.Name]
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(full)); err != nil || cfg.Width != 300 || cfg.Height != 400 {
		t.Errorf("rotated full size: %v %+v", err, cfg)
	}
	if bytes.Contains(full, []byte("GPS secret")) {
		t.Error("EXIF kept in the rotated JPEG")
	}
	if svg := string(first.files[imgs[3].Full.Name]); strings.Contains(svg, "note") || strings.Contains(svg, "  ") {
		t.Errorf("SVG not minified: %s", svg)
	}
	if string(first.files[pdf.Out.Name]) != "%PDF-1.4 …" {
		t.Error("PDF not copied")
	}

	// A second build of the same sources encodes nothing and writes the
	// same bytes.
	second := &memOut{}
	p2 := New(fsys, Options{CacheDir: cache})
	if err := p2.Write(second, imgs, []*File{pdf}); err != nil {
		t.Fatal(err)
	}
	if st := p2.Stats(); st.Encoded != 0 || st.Cached != 12 {
		t.Errorf("warm write: %+v", st)
	}
	for name, data := range first.files {
		if !bytes.Equal(second.files[name], data) {
			t.Errorf("%s differs between the cold and the warm build", name)
		}
	}
	// Without the cache, the bytes are the same too: encoding is
	// deterministic.
	third := &memOut{}
	if err := New(fsys, Options{}).Write(third, imgs[:1], nil); err != nil {
		t.Fatal(err)
	}
	for _, v := range imgs[0].Variants() {
		if !bytes.Equal(third.files[v.Name], first.files[v.Name]) {
			t.Errorf("%s is not reproducible", v.Name)
		}
	}
	// Prune keeps what is used and drops what is old and unused.
	old := filepath.Join(cache, cacheSub, "zz", "zz-old-480.webp")
	if err := os.MkdirAll(filepath.Dir(old), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p2.Prune(imgs, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("unused entry kept: %v", err)
	}
	if _, ok := p2.cacheGet(cacheEntry(imgs[0], imgs[0].WebP[0])); !ok {
		t.Error("used entry pruned")
	}
}

func TestFormatSize(t *testing.T) {
	for _, tt := range []struct {
		n      int64
		locale string
		want   string
	}{
		{850, "en", "850 bytes"}, {850, "sv", "850 byte"}, {120 * 1024, "en", "120 KB"},
		{1536 * 1024, "en", "1.5 MB"}, {1536 * 1024, "sv", "1,5 MB"}, {15 << 20, "en", "15 MB"},
	} {
		if got := FormatSize(tt.n, tt.locale); got != tt.want {
			t.Errorf("FormatSize(%d, %s) = %q, want %q", tt.n, tt.locale, got, tt.want)
		}
	}
}
