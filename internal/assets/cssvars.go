package assets

import (
	"bytes"
	"regexp"
)

var (
	rootBlockRe  = regexp.MustCompile(`(?s):root\s*\{([^}]*)\}`)
	customPropRe = regexp.MustCompile(`(--[a-zA-Z0-9-]+)\s*:\s*([^;]+);`)
	// a property and a value that uses var(--x) without a fallback
	varDeclRe = regexp.MustCompile(`([a-z-]+)\s*:\s*([^;{}]*var\(--[a-zA-Z0-9-]+\)[^;{}]*)`)
	varUseRe  = regexp.MustCompile(`var\((--[a-zA-Z0-9-]+)\)`)
)

// cssVarFallbacks gives every declaration that uses a custom property a
// plain declaration before it, with the value the first :root block sets
// (the light scheme): Internet Explorer 11, which has no custom
// properties, uses the plain one; every other browser the second.
func cssVarFallbacks(css []byte) []byte {
	root := rootBlockRe.FindSubmatch(css)
	if root == nil {
		return css
	}
	vars := map[string][]byte{}
	for _, m := range customPropRe.FindAllSubmatch(root[1], -1) {
		vars[string(m[1])] = bytes.TrimSpace(m[2])
	}
	var out bytes.Buffer
	last := 0
	for _, m := range varDeclRe.FindAllSubmatchIndex(css, -1) {
		if m[0] > 0 && !bytes.ContainsAny(css[m[0]-1:m[0]], "{; \t\n") {
			continue // part of a longer name: not a declaration start
		}
		prop, value := css[m[2]:m[3]], css[m[4]:m[5]]
		ok := true
		plain := varUseRe.ReplaceAllFunc(value, func(use []byte) []byte {
			v, found := vars[string(varUseRe.FindSubmatch(use)[1])]
			ok = ok && found && !bytes.Contains(v, []byte("var("))
			return v
		})
		if !ok {
			continue
		}
		out.Write(css[last:m[0]])
		out.Write(prop)
		out.WriteByte(':')
		out.Write(bytes.TrimSpace(plain))
		out.WriteByte(';')
		last = m[0]
	}
	out.Write(css[last:])
	return out.Bytes()
}
