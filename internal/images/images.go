// Package images prepares the pictures and files that articles show and
// offer for download: screenshots become responsive WebP images with a
// PNG or JPEG fallback, stripped of metadata, in a few widths never wider
// than the source; SVG is minified; every other file is copied. Output
// names carry a content hash, so the CDN may cache them for ever.
//
// The work has two halves. Probe (through Processor.Image and
// Processor.File) is cheap: it reads a source, hashes it, learns its
// format and size and decides every output's name and dimensions, which
// is all a page needs to be rendered. Processor.Write does the expensive
// part afterwards, for the sources probed: it decodes, resizes and
// encodes on a bounded number of goroutines, keeping each result in the
// cache folder keyed by the source's content and the settings, so a
// build in which no image changed encodes nothing.
//
//	probe:  read → sha256 → sniff format → size (EXIF orientation, SVG viewBox) → plan outputs
//	write:  cache hit → copy; miss → decode → resize (x/image/draw) → WebP + PNG/JPEG → cache → copy
//
// Decoding uses the standard library and golang.org/x/image/webp;
// resizing golang.org/x/image/draw; WebP encoding libwebp through
// github.com/gen2brain/webp (WebAssembly, no cgo).
package images

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/inexchange/helpcenter/internal/content"
)

// MaxFileSize is the largest file an article may show or offer: larger
// files make pages slow and builds heavy.
const MaxFileSize = 20 << 20

// MaxPixels is the largest raster image (width × height) processed: a
// decoded image takes four bytes a pixel.
const MaxPixels = 50_000_000

// Widths are the responsive widths made of a raster image, those
// narrower than the image. An image narrower than 960 px also gets its
// own width, so that it is never shown blurrier than it is.
var Widths = []int{480, 960, 1440}

// fallbackMax is the width of the PNG or JPEG image for browsers without
// WebP (Internet Explorer 11, Safari before 14), at most.
const fallbackMax = 960

// Errors that probing returns, for errors.Is.
var (
	ErrTooLarge    = errors.New("file too large")
	ErrUnsupported = errors.New("not an image this site can show")
	ErrCorrupt     = errors.New("image cannot be read")
)

// Format is a source image format.
type Format string

// The formats Image accepts.
const (
	PNG  Format = "png"
	JPEG Format = "jpeg"
	GIF  Format = "gif"
	WebP Format = "webp"
	SVG  Format = "svg"
)

// Variant is one output file of an image.
type Variant struct {
	Name          string // path below public/: "assets/img/3f9a1c2e4b5d/upload-480.webp"
	Width, Height int
	Type          string // MIME type
	// kind says how to make it.
	kind variantKind
}

// URL is the variant's site-absolute URL.
func (v Variant) URL() string { return "/" + v.Name }

type variantKind int

const (
	kindCopy     variantKind = iota // the source as is, metadata stripped
	kindWebP                        // resized, WebP
	kindFallback                    // resized, PNG or JPEG
	kindSVG                         // minified SVG
)

// Image is a probed image and the files it becomes.
type Image struct {
	Path          string // the source, a slash path below the site root
	Format        Format
	Width, Height int  // as displayed: EXIF orientation applied; 0 for an SVG without a size
	Animated      bool // an animated GIF: shown as it is
	Size          int64
	// Full is the full-size file (the source, metadata stripped).
	Full Variant
	// WebP holds the responsive WebP variants, narrowest first, and
	// Fallback the PNG or JPEG image for browsers without WebP; both are
	// empty for SVG and animated GIF.
	WebP     []Variant
	Fallback *Variant

	sum         [32]byte
	orientation int // EXIF orientation, 1 when none
}

// Variants lists every output file of the image.
func (im *Image) Variants() []Variant {
	out := []Variant{im.Full}
	out = append(out, im.WebP...)
	if im.Fallback != nil {
		out = append(out, *im.Fallback)
	}
	return out
}

// Raster reports whether the image has responsive variants.
func (im *Image) Raster() bool { return len(im.WebP) > 0 }

// File is a probed download: a PDF, spreadsheet, archive …
type File struct {
	Path string // the source, a slash path below the site root
	Size int64
	// Type is the short name readers know the format by: "PDF", "CSV", "XLSX".
	Type string
	Out  Variant
	sum  [32]byte
}

// Processor probes the images and files of one site and writes their
// outputs. It is safe for concurrent use.
type Processor struct {
	fsys     fs.FS
	cacheDir string
	workers  int

	mu     sync.Mutex
	images map[string]*probed[*Image]
	files  map[string]*probed[*File]
	stats  Stats
}

type probed[T any] struct {
	once sync.Once
	v    T
	err  error
	// stamp is the source's size and modification time when probed.
	stamp stamp
}

// Options configure a Processor.
type Options struct {
	// CacheDir holds processed images between builds; "" keeps nothing.
	CacheDir string
	// Workers bounds the images processed at once; 0 means one per core.
	Workers int
}

// New returns a processor reading sources from fsys, the site root.
func New(fsys fs.FS, o Options) *Processor {
	return &Processor{fsys: fsys, cacheDir: o.CacheDir, workers: o.Workers, images: map[string]*probed[*Image]{}, files: map[string]*probed[*File]{}}
}

// Image probes the image at p (a slash path below the site root) and
// plans its outputs. Probing the same unchanged file again is free.
func (p *Processor) Image(name string) (*Image, error) {
	e, err := lookup(p, p.images, name)
	if err != nil {
		return nil, err
	}
	e.once.Do(func() { e.v, e.err = p.probeImage(name) })
	return e.v, e.err
}

// File probes a download at p and plans its output.
func (p *Processor) File(name string) (*File, error) {
	e, err := lookup(p, p.files, name)
	if err != nil {
		return nil, err
	}
	e.once.Do(func() { e.v, e.err = p.probeFile(name) })
	return e.v, e.err
}

// Forget drops what the processor knows of the file at name, after it
// changed or went away (helpcenter serve). Lookups also notice changes
// by size and modification time; Forget catches the rest.
func (p *Processor) Forget(name string) {
	p.mu.Lock()
	delete(p.images, name)
	delete(p.files, name)
	p.mu.Unlock()
}

// lookup returns the entry for name, a fresh one when the file changed
// since it was probed.
func lookup[T any](p *Processor, m map[string]*probed[T], name string) (*probed[T], error) {
	st, err := statFile(p.fsys, name)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	e := m[name]
	if e == nil || e.stamp != st {
		e = &probed[T]{stamp: st}
		m[name] = e
	}
	return e, nil
}

// stamp identifies a version of a file cheaply.
type stamp struct {
	size  int64
	mtime int64
}

func statFile(fsys fs.FS, name string) (stamp, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return stamp{}, err
	}
	if st.IsDir() {
		return stamp{}, fmt.Errorf("%s is a folder, not a file", name)
	}
	if st.Size() > MaxFileSize {
		return stamp{}, tooLarge(name, st.Size())
	}
	return stamp{st.Size(), st.ModTime().UnixNano()}, nil
}

// readSource reads a file whose size statFile checked.
func (p *Processor) readSource(name string) ([]byte, [32]byte, error) {
	data, err := fs.ReadFile(p.fsys, name)
	if err != nil {
		return nil, [32]byte{}, err
	}
	if len(data) > MaxFileSize {
		return nil, [32]byte{}, tooLarge(name, int64(len(data)))
	}
	return data, sha256.Sum256(data), nil
}

// settings names everything besides the source that decides the bytes
// of a processed image; a change makes new names and cache entries.
var settings = fmt.Sprintf("helpcenter-images/2 webp=q%d,m%d fallback-png=%d jpeg=q%d widths=%v", webpQuality, webpMethod, pngLevel, jpegQuality, Widths)

// folder is the content hash the outputs of one source share.
func folder(sum [32]byte) string {
	h := sha256.New()
	h.Write([]byte(settings))
	h.Write(sum[:])
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// baseName turns a source file name into a safe output name stem:
// "Skärmbild 1.PNG" → "skarmbild-1".
func baseName(name string) string {
	b := path.Base(name)
	b = strings.TrimSuffix(b, path.Ext(b))
	s := content.Slugify(b)
	if s == "" {
		s = "file"
	}
	return s
}

func (p *Processor) probeFile(name string) (*File, error) {
	data, sum, err := p.readSource(name)
	if err != nil {
		return nil, err
	}
	ext := strings.ToLower(path.Ext(name))
	f := &File{Path: name, Size: int64(len(data)), Type: FileType(name), sum: sum}
	f.Out = Variant{Name: "assets/files/" + folder(sum) + "/" + baseName(name) + ext, kind: kindCopy, Type: mimeType(ext)}
	return f, nil
}

// FileType is the short, upper-case name of a file's format that readers
// know: "PDF", "CSV", "XLSX"; "" for a file without an extension.
func FileType(name string) string {
	ext := strings.TrimPrefix(path.Ext(name), ".")
	if strings.EqualFold(ext, "jpeg") {
		ext = "jpg"
	}
	return strings.ToUpper(ext)
}

// FormatSize writes a file size as readers expect it next to a link:
// "850 bytes", "120 KB", "1.4 MB" (the decimal comma in Swedish and the
// other locales that use one).
func FormatSize(n int64, locale string) string {
	const kb, mb = 1024, 1024 * 1024
	var s string
	switch {
	case n < kb:
		if lang, _, _ := strings.Cut(locale, "-"); lang != "en" && lang != "" {
			return fmt.Sprintf("%d byte", n)
		}
		return fmt.Sprintf("%d bytes", n)
	case n < mb:
		s = fmt.Sprintf("%d KB", (n+kb/2)/kb)
	case n < 10*mb:
		s = fmt.Sprintf("%.1f MB", float64(n)/mb)
	default:
		s = fmt.Sprintf("%d MB", (n+mb/2)/mb)
	}
	if decimalComma(locale) {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

func decimalComma(locale string) bool {
	lang, _, _ := strings.Cut(locale, "-")
	switch lang {
	case "en", "ja", "zh", "ko", "he", "th":
		return false
	}
	return lang != ""
}

func tooLarge(name string, size int64) error {
	return fmt.Errorf("%w: %s is %s bytes; the limit is %s", ErrTooLarge, name, thousands(size), FormatSize(MaxFileSize, "en"))
}

// thousands writes n with thousands separators: 20,971,521.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
