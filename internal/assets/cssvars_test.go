package assets

import (
	"strings"
	"testing"
)

func TestCSSVarFallbacks(t *testing.T) {
	css := `:root { --fg: #123; --pad: 1rem; }
@media (prefers-color-scheme: dark) { :root { --fg: #eee; } }
body { color: var(--fg); margin: 0 }
a{border:1px solid var(--fg);padding:var(--pad) 0}
.x { color: var(--unknown); }
`
	got := string(cssVarFallbacks([]byte(css)))
	for _, want := range []string{
		"color:#123;color: var(--fg);",
		"border:1px solid #123;border:1px solid var(--fg);",
		"padding:1rem 0;padding:var(--pad) 0}",
		"color: var(--unknown);",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	// The minified stylesheet keeps both declarations.
	s := NewSet(Minifier())
	if err := s.Add("css/app.css", []byte(css)); err != nil {
		t.Fatal(err)
	}
	out := string(s.Files()[0].Data)
	if !strings.Contains(out, "color:#123;color:var(--fg)") {
		t.Errorf("minified CSS lost the IE 11 fallback: %s", out)
	}
}
