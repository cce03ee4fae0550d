package images

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// strip returns the source without metadata (EXIF with its camera and
// GPS data, XMP, IPTC, comments, text chunks), keeping what decides how
// it looks (colour profiles, transparency, animation). It never
// re-encodes pixels.
func strip(f Format, data []byte) ([]byte, error) {
	switch f {
	case PNG:
		return stripPNG(data)
	case JPEG:
		return stripJPEG(data)
	case GIF:
		return stripGIF(data)
	case WebP:
		return stripWebP(data)
	}
	return data, nil
}

var errTruncated = errors.New("truncated file")

// pngKeep are the chunks a PNG keeps: the critical ones, those that
// change how the pixels look, and APNG's animation chunks.
var pngKeep = map[string]bool{
	"IHDR": true, "PLTE": true, "IDAT": true, "IEND": true,
	"tRNS": true, "cHRM": true, "gAMA": true, "iCCP": true, "sBIT": true, "sRGB": true, "cICP": true,
	"bKGD": true, "pHYs": true, "acTL": true, "fcTL": true, "fdAT": true,
}

func stripPNG(data []byte) ([]byte, error) {
	out := make([]byte, 0, len(data))
	out = append(out, data[:8]...)
	for i := 8; i < len(data); {
		if i+8 > len(data) {
			return nil, errTruncated
		}
		n := int(binary.BigEndian.Uint32(data[i:]))
		end := i + 12 + n
		if n < 0 || end > len(data) {
			return nil, errTruncated
		}
		typ := string(data[i+4 : i+8])
		if pngKeep[typ] {
			out = append(out, data[i:end]...)
		}
		i = end
		if typ == "IEND" {
			break
		}
	}
	return out, nil
}

func stripJPEG(data []byte) ([]byte, error) {
	out := make([]byte, 0, len(data))
	out = append(out, data[:2]...)
	i := 2
	for {
		if i+4 > len(data) || data[i] != 0xff {
			return nil, errTruncated
		}
		marker := data[i+1]
		if marker == 0xff { // fill byte
			i++
			continue
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		end := i + 2 + n
		if n < 2 || end > len(data) {
			return nil, errTruncated
		}
		seg := data[i+4 : end]
		keep := true
		switch {
		case marker == 0xe0: // JFIF
		case marker == 0xe2: // ICC profile only (not FlashPix and such)
			keep = bytes.HasPrefix(seg, []byte("ICC_PROFILE\x00"))
		case marker == 0xee: // Adobe: says how the colour channels are stored
		case marker >= 0xe1 && marker <= 0xef, marker == 0xfe: // EXIF, XMP, IPTC, comments
			keep = false
		}
		if keep {
			out = append(out, data[i:end]...)
		}
		i = end
		if marker == 0xda { // start of scan: the rest is image data
			return append(out, data[i:]...), nil
		}
	}
}

func stripGIF(data []byte) ([]byte, error) {
	if len(data) < 13 {
		return nil, errTruncated
	}
	i := 13
	if data[10]&0x80 != 0 {
		i += 3 << (data[10]&7 + 1)
	}
	if i > len(data) {
		return nil, errTruncated
	}
	out := make([]byte, 0, len(data))
	out = append(out, data[:i]...)
	for i < len(data) {
		switch data[i] {
		case 0x21:
			if i+2 > len(data) {
				return nil, errTruncated
			}
			label := data[i+1]
			end := skipSubBlocks(data, i+2)
			keep := label != 0xfe // comments go
			if label == 0xff {    // application: only the looping ones stay
				keep = i+3+11 <= len(data) && (string(data[i+3:i+14]) == "NETSCAPE2.0" || string(data[i+3:i+14]) == "ANIMEXTS1.0")
			}
			if keep {
				out = append(out, data[i:end]...)
			}
			i = end
		case 0x2c:
			start := i
			if i+10 > len(data) {
				return nil, errTruncated
			}
			flags := data[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			i = skipSubBlocks(data, i+1)
			out = append(out, data[start:min(i, len(data))]...)
		case 0x3b:
			return append(out, 0x3b), nil
		default:
			return nil, errTruncated
		}
	}
	return append(out, 0x3b), nil
}

func stripWebP(data []byte) ([]byte, error) {
	if len(data) < 12 {
		return nil, errTruncated
	}
	out := make([]byte, 12, len(data))
	copy(out, data[:12])
	vp8x := -1
	for i := 12; i+8 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[i+4:]))
		end := i + 8 + n + n&1
		if n < 0 || i+8+n > len(data) {
			return nil, errTruncated
		}
		end = min(end, len(data))
		switch string(data[i : i+4]) {
		case "EXIF", "XMP ":
		case "VP8X":
			vp8x = len(out)
			out = append(out, data[i:end]...)
		default:
			out = append(out, data[i:end]...)
		}
		i = end
	}
	if vp8x >= 0 && vp8x+8 < len(out) {
		out[vp8x+8] &^= 0x08 | 0x04 // the EXIF and XMP flags
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, nil
}
