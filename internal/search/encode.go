package search

// alphabet is the 64-character digit set of the index's compact strings.
// None of its characters needs escaping in JSON or in a URL.
const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"

// appendVarint appends v as a little-endian sequence of 5-bit groups: digits
// 0-31 end a number, digits 32-63 carry five bits and say more follow.
// Values below 32 (most doc-id gaps) take one character.
func appendVarint(b []byte, v int) []byte {
	for v >= 32 {
		b = append(b, alphabet[32+v&31])
		v >>= 5
	}
	return append(b, alphabet[v])
}

// digitValue inverts alphabet; -1 for a character outside it.
var digitValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

// readVarint decodes one appendVarint number from b at i and returns it and
// the next index; ok is false on malformed input.
func readVarint(b string, i int) (v, next int, ok bool) {
	shift := 0
	for i < len(b) {
		d := int(digitValue[b[i]])
		i++
		if d < 0 || shift > 30 {
			return 0, i, false
		}
		if d < 32 {
			return v | d<<shift, i, true
		}
		v |= (d - 32) << shift
		shift += 5
	}
	return 0, i, false
}

// fnv1a is the 32-bit FNV-1a hash of s; search-core.js computes the same over
// the UTF-8 bytes to find a numeric term's bucket.
func fnv1a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
