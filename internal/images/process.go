package images

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"

	gwebp "github.com/gen2brain/webp"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/svg"
	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Encoder settings. They are part of every output's name (see settings):
// changing one makes new files and cache entries.
const (
	// webpQuality and webpMethod are libwebp's lossy quality and effort
	// (0 fastest … 6 smallest). Quality 80 keeps screenshot text crisp;
	// method 2 is two to three times faster than the default 4 for files
	// about 15 % larger (measured on the sample's screenshots).
	webpQuality = 80
	webpMethod  = 2
	// pngLevel is the fallback PNG's compression: BestSpeed is about a
	// third faster than the default for files 3–4 % larger.
	pngLevel    = png.BestSpeed
	jpegQuality = 85
)

// render makes the outputs of im with the given kinds from the source
// bytes, returning each variant's bytes by index into vs.
func render(im *Image, src []byte, vs []Variant) ([][]byte, error) {
	out := make([][]byte, len(vs))
	var pix image.Image // decoded lazily: a source copied as is needs none
	decoded := func() (image.Image, error) {
		if pix != nil {
			return pix, nil
		}
		m, err := decode(im.Format, src)
		if err != nil {
			return nil, err
		}
		pix = orient(m, im.orientation)
		return pix, nil
	}
	// Narrow variants are made from wider ones when those are at least
	// twice as wide: the result is as sharp and much cheaper.
	resized := map[int]*image.RGBA{}
	scaled := func(w int) (*image.RGBA, error) {
		if m, ok := resized[w]; ok {
			return m, nil
		}
		var from image.Image
		for fw, m := range resized {
			if fw >= 2*w && (from == nil || fw < from.Bounds().Dx()) {
				from = m
			}
		}
		if from == nil {
			var err error
			if from, err = decoded(); err != nil {
				return nil, err
			}
		}
		h := scaledHeight(im.Width, im.Height, w)
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		if w == from.Bounds().Dx() && h == from.Bounds().Dy() {
			draw.Draw(dst, dst.Bounds(), from, from.Bounds().Min, draw.Src)
		} else {
			draw.BiLinear.Scale(dst, dst.Bounds(), from, from.Bounds(), draw.Src, nil)
		}
		resized[w] = dst
		return dst, nil
	}
	// Widest first, so narrower ones can come from them.
	order := make([]int, len(vs))
	for i := range order {
		order[i] = i
	}
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && vs[order[j]].Width > vs[order[j-1]].Width; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	for _, i := range order {
		v := vs[i]
		var err error
		switch v.kind {
		case kindSVG:
			out[i], err = minifySVG(src)
		case kindCopy:
			if im.orientation != 1 {
				// Stripping EXIF would lose the rotation: turn the pixels.
				var m image.Image
				if m, err = decoded(); err == nil {
					out[i], err = encodeJPEG(m, 90)
				}
			} else {
				out[i], err = strip(im.Format, src)
			}
		case kindWebP:
			var m *image.RGBA
			if m, err = scaled(v.Width); err == nil {
				out[i], err = encodeWebP(m)
			}
		case kindFallback:
			var m *image.RGBA
			if m, err = scaled(v.Width); err == nil {
				if v.Type == "image/jpeg" {
					out[i], err = encodeJPEG(m, jpegQuality)
				} else {
					out[i], err = encodePNG(m)
				}
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: making %s: %w", im.Path, v.Name, err)
		}
	}
	return out, nil
}

// decode reads a source's pixels (the first frame of a GIF).
func decode(f Format, data []byte) (image.Image, error) {
	r := bytes.NewReader(data)
	var m image.Image
	var err error
	switch f {
	case PNG:
		m, err = png.Decode(r)
	case JPEG:
		m, err = jpeg.Decode(r)
	case GIF:
		m, err = gif.Decode(r)
	case WebP:
		m, err = webp.Decode(r)
		if err == nil {
			m = studioSwing(m)
		}
	default:
		err = ErrUnsupported
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return m, nil
}

// studioSwing converts the Y′CbCr of a lossy WebP to RGB. VP8 stores
// BT.601 in the limited range (Y′ 16–235), but image.YCbCr means the full
// range of JPEG: taken as it is, white would come out as (235, 235, 235).
func studioSwing(m image.Image) image.Image {
	var y *image.YCbCr
	var a []uint8
	var aStride int
	switch m := m.(type) {
	case *image.YCbCr:
		y = m
	case *image.NYCbCrA:
		y, a, aStride = &m.YCbCr, m.A, m.AStride
	default:
		return m
	}
	b := y.Rect
	out := image.NewNRGBA(b)
	for py := b.Min.Y; py < b.Max.Y; py++ {
		row := out.Pix[(py-b.Min.Y)*out.Stride:]
		for px := b.Min.X; px < b.Max.X; px++ {
			yy := (int32(y.Y[y.YOffset(px, py)]) - 16) * 76309 // 1.164 × 2¹⁶
			ci := y.COffset(px, py)
			cb, cr := int32(y.Cb[ci])-128, int32(y.Cr[ci])-128
			o := (px - b.Min.X) * 4
			row[o] = clamp8((yy + 104597*cr + 1<<15) >> 16)
			row[o+1] = clamp8((yy - 25675*cb - 53279*cr + 1<<15) >> 16)
			row[o+2] = clamp8((yy + 132201*cb + 1<<15) >> 16)
			row[o+3] = 255
			if a != nil {
				row[o+3] = a[(py-b.Min.Y)*aStride+px-b.Min.X]
			}
		}
	}
	return out
}

func clamp8(v int32) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// orient turns pixels upright by an EXIF orientation (1–8).
func orient(m image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return m
	}
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	var out *image.RGBA
	if o >= 5 {
		out = image.NewRGBA(image.Rect(0, 0, h, w))
	} else {
		out = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			out.Set(dx, dy, m.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

func encodeWebP(m *image.RGBA) ([]byte, error) {
	var img image.Image = m
	if !m.Opaque() {
		// libwebp takes straight alpha; image.RGBA is premultiplied.
		n := image.NewNRGBA(m.Rect)
		draw.Draw(n, n.Rect, m, m.Rect.Min, draw.Src)
		img = n
	}
	var b bytes.Buffer
	if err := gwebp.Encode(&b, img, gwebp.Options{Quality: webpQuality, Method: webpMethod}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func encodePNG(m image.Image) ([]byte, error) {
	var b bytes.Buffer
	e := png.Encoder{CompressionLevel: pngLevel}
	if err := e.Encode(&b, m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func encodeJPEG(m image.Image, q int) ([]byte, error) {
	if rgba, ok := m.(*image.RGBA); ok && !rgba.Opaque() {
		// JPEG has no alpha: flatten on white rather than black.
		flat := image.NewRGBA(rgba.Rect)
		draw.Draw(flat, flat.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
		draw.Draw(flat, flat.Rect, rgba, rgba.Rect.Min, draw.Over)
		m = flat
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: q}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var svgMinifier = func() *minify.M {
	m := minify.New()
	m.AddFunc("image/svg+xml", svg.Minify)
	return m
}()

func minifySVG(src []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := svgMinifier.Minify("image/svg+xml", &b, bytes.NewReader(src)); err != nil {
		return nil, fmt.Errorf("minifying SVG: %w", err)
	}
	return b.Bytes(), nil
}
