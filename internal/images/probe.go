package images

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"mime"
	"strconv"
	"strings"

	"golang.org/x/image/webp"
)

// sniff tells a source's format from its first bytes, whatever its
// extension says.
func sniff(data []byte) Format {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		return JPEG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP
	}
	head := data[:min(len(data), 4096)]
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(head, " \t\r\n"); bytes.HasPrefix(t, []byte("<")) && bytes.Contains(head, []byte("<svg")) {
		return SVG
	}
	return ""
}

func (p *Processor) probeImage(name string) (*Image, error) {
	data, sum, err := p.readSource(name)
	if err != nil {
		return nil, err
	}
	im := &Image{Path: name, Size: int64(len(data)), sum: sum, orientation: 1}
	im.Format = sniff(data)
	switch im.Format {
	case "":
		return nil, fmt.Errorf("%w: %s is not a PNG, JPEG, GIF, WebP or SVG image", ErrUnsupported, name)
	case SVG:
		w, h, err := svgSize(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, name, err)
		}
		im.Width, im.Height = w, h
		im.Full = Variant{Name: "assets/img/" + folder(sum) + "/" + baseName(name) + ".svg", Width: w, Height: h, Type: "image/svg+xml", kind: kindSVG}
		return im, nil
	}
	cfg, err := decodeConfig(im.Format, data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, name, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: %s has no pixels", ErrCorrupt, name)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, fmt.Errorf("%w: %s is %d×%d pixels; the limit is %d megapixels", ErrTooLarge, name, cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	im.Width, im.Height = cfg.Width, cfg.Height
	if im.Format == JPEG {
		im.orientation = jpegOrientation(data)
		if im.orientation >= 5 {
			im.Width, im.Height = im.Height, im.Width
		}
	}
	if im.Format == GIF {
		im.Animated = gifFrames(data) > 1
	}
	p.plan(im)
	return im, nil
}

func decodeConfig(f Format, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch f {
	case PNG:
		return png.DecodeConfig(r)
	case JPEG:
		return jpeg.DecodeConfig(r)
	case GIF:
		return gif.DecodeConfig(r)
	case WebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, ErrUnsupported
}

// plan names the outputs of a raster image.
func (p *Processor) plan(im *Image) {
	dir := "assets/img/" + folder(im.sum) + "/"
	base := baseName(im.Path)
	ext := map[Format]string{PNG: ".png", JPEG: ".jpg", GIF: ".gif", WebP: ".webp"}[im.Format]
	im.Full = Variant{Name: dir + base + ext, Width: im.Width, Height: im.Height, Type: "image/" + string(im.Format), kind: kindCopy}
	if im.Animated {
		return
	}
	for _, w := range widths(im.Width) {
		h := scaledHeight(im.Width, im.Height, w)
		im.WebP = append(im.WebP, Variant{Name: fmt.Sprintf("%s%s-%d.webp", dir, base, w), Width: w, Height: h, Type: "image/webp", kind: kindWebP})
	}
	fw := min(im.Width, fallbackMax)
	fext, ftype := ".png", "image/png"
	if im.Format == JPEG {
		fext, ftype = ".jpg", "image/jpeg"
	}
	im.Fallback = &Variant{Name: fmt.Sprintf("%s%s-%d%s", dir, base, fw, fext), Width: fw, Height: scaledHeight(im.Width, im.Height, fw), Type: ftype, kind: kindFallback}
}

// widths are the responsive widths of an image w pixels wide.
func widths(w int) []int {
	var out []int
	for _, s := range Widths {
		if s < w {
			out = append(out, s)
		}
	}
	if w <= fallbackMax || len(out) == 0 {
		out = append(out, w)
	}
	return out
}

func scaledHeight(w, h, to int) int {
	if to == w {
		return h
	}
	return max(1, int(math.Round(float64(h)*float64(to)/float64(w))))
}

// jpegOrientation reads the EXIF orientation (1–8) of a JPEG; 1 when it
// has none.
func jpegOrientation(data []byte) int {
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xff {
			return 1
		}
		marker := data[i+1]
		if marker == 0xd8 || marker >= 0xd0 && marker <= 0xd7 || marker == 0x01 {
			i += 2
			continue
		}
		if marker == 0xda || marker == 0xd9 {
			return 1 // image data: no EXIF before it
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return exifOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// exifOrientation reads tag 0x0112 of IFD0 of a TIFF structure.
func exifOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	n := int(bo.Uint16(t[off:]))
	for k := 0; k < n; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			v := int(bo.Uint16(t[e+8:]))
			if v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// gifFrames counts the frames of a GIF by walking its blocks, without
// decoding any.
func gifFrames(data []byte) int {
	if len(data) < 13 {
		return 0
	}
	i := 13
	if data[10]&0x80 != 0 {
		i += 3 << (data[10]&7 + 1)
	}
	frames := 0
	for i < len(data) {
		switch data[i] {
		case 0x21: // extension: label, then sub-blocks
			i = skipSubBlocks(data, i+2)
		case 0x2c: // image descriptor
			frames++
			if i+10 > len(data) {
				return frames
			}
			flags := data[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			i = skipSubBlocks(data, i+1) // after the LZW minimum code size
		default: // 0x3b trailer, or garbage
			return frames
		}
	}
	return frames
}

func skipSubBlocks(data []byte, i int) int {
	for i < len(data) {
		n := int(data[i])
		i++
		if n == 0 {
			return i
		}
		i += n
	}
	return len(data)
}

// svgSize reads the intrinsic size of an SVG from its root element's
// width and height, or its viewBox; 0, 0 when it states neither.
func svgSize(data []byte) (int, int, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return 0, 0, errors.New("no <svg> element")
		}
		if err != nil {
			return 0, 0, err
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local != "svg" {
			return 0, 0, fmt.Errorf("the root element is <%s>, not <svg>", se.Name.Local)
		}
		var w, h float64
		var vb []float64
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "width":
				w = svgLength(a.Value)
			case "height":
				h = svgLength(a.Value)
			case "viewBox":
				for _, f := range strings.FieldsFunc(a.Value, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' }) {
					v, err := strconv.ParseFloat(f, 64)
					if err != nil {
						vb = nil
						break
					}
					vb = append(vb, v)
				}
			}
		}
		if len(vb) == 4 && vb[2] > 0 && vb[3] > 0 {
			switch {
			case w == 0 && h == 0:
				w, h = vb[2], vb[3]
			case w == 0:
				w = h * vb[2] / vb[3]
			case h == 0:
				h = w * vb[3] / vb[2]
			}
		}
		if w <= 0 || h <= 0 {
			return 0, 0, nil
		}
		return int(math.Round(w)), int(math.Round(h)), nil
	}
}

// svgLength reads an absolute SVG length in CSS pixels; 0 for relative
// ones (%, em) and nonsense.
func svgLength(s string) float64 {
	s = strings.TrimSpace(s)
	units := map[string]float64{"px": 1, "pt": 4.0 / 3, "pc": 16, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96}
	mult := 1.0
	for u, m := range units {
		if strings.HasSuffix(s, u) {
			s, mult = strings.TrimSuffix(s, u), m
			break
		}
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0
	}
	return v * mult
}

func mimeType(ext string) string {
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
