package compat

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/js"
)

// AssetName is the logical asset name under which the build publishes
// Script's output; the partial asks for {{asset "js/compat.js"}}.
const AssetName = "js/compat.js"

// source is the browser script; Script fills in its rules.
//
//go:embed compat.js
var source []byte

// rulesMarker is where compat.js holds its rules: `var RULES = /*RULES*/{};`.
var rulesMarker = []byte("/*RULES*/{}")

// ES5 is the ECMAScript version the minifier may write: ES5.1 (2009), so
// that IE 11 runs the result. A minifier left at "latest" rewrites
// `catch (e) {}` to the ES2019 `catch {}` and `a != null ? a : b` to `??`.
const ES5 = 2009

// scriptRules is what the browser script reads from RULES. Supported and
// Recommended are detect()'s rules argument; Screen is [min_width,
// min_height] when a minimum is set; Cookies is true when the product
// needs cookies.
type scriptRules struct {
	Supported   map[string]Version `json:"supported"`
	Recommended map[string]Version `json:"recommended"`
	Screen      []int              `json:"screen,omitempty"`
	Cookies     bool               `json:"cookies,omitempty"`
}

// Script returns the banner's browser script with r's rules embedded,
// minified as ES5. The output is deterministic (same requirements, same
// bytes) and changes with any version, so its fingerprint does too. It
// refuses requirements that Validate rejects.
func Script(r Requirements) ([]byte, error) {
	if errs := r.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("building the compatibility script: fix the system-requirements front matter: %w", errors.Join(errs...))
	}
	rules := scriptRules{
		Supported:   nonNil(r.Browsers.Supported),
		Recommended: nonNil(r.Browsers.Recommended),
		Cookies:     normalCookies(r.Cookies) != CookiesNone,
	}
	if r.Screen.MinWidth > 0 || r.Screen.MinHeight > 0 {
		rules.Screen = []int{r.Screen.MinWidth, r.Screen.MinHeight}
	}
	data, err := json.Marshal(rules) // map keys sorted: deterministic
	if err != nil {
		return nil, fmt.Errorf("building the compatibility script: encoding rules: %w", err)
	}
	if bytes.Count(source, rulesMarker) != 1 {
		return nil, fmt.Errorf("building the compatibility script: compat.js must hold the marker %s exactly once", rulesMarker)
	}
	src := bytes.Replace(source, rulesMarker, data, 1)
	var out bytes.Buffer
	m := minify.New()
	if err := (&js.Minifier{Version: ES5}).Minify(m, &out, bytes.NewReader(src), nil); err != nil {
		return nil, fmt.Errorf("building the compatibility script: minifying compat.js: %w", err)
	}
	return out.Bytes(), nil
}

func nonNil(m map[string]Version) map[string]Version {
	if m == nil {
		return map[string]Version{}
	}
	return m
}
