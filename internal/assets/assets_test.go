package assets_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/inexchange/helpcenter/internal/assets"
)

var hashed = regexp.MustCompile(`^/assets/([a-z0-9-]+)\.([0-9a-f]{8})\.([a-z0-9]+)$`)

func TestAdd(t *testing.T) {
	tests := []struct {
		name, data string
		base, ext  string
		// minified: the stored file must be shorter than data.
		minified bool
		// lacks: text the stored file must not contain.
		lacks []string
	}{
		{"css/app.css", "body {\n  color : red ;\n}\n/* comment */\n", "app", "css", true, []string{"comment", "\n"}},
		{"js/site.js", "var f = function (a) {\n  // add one\n  return a + 1;\n};\nwindow.f = f;\n", "site", "js", true, []string{"=>", "let ", "const ", "add one"}},
		{"js/legacy.js", "function g(x) { var self = this; return x.map(function (y) { return self.k + y; }); }\n", "legacy", "js", true, []string{"=>", "let ", "const "}},
		{"img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <!-- c -->\n  <rect width=\"1\" height=\"1\"/>\n</svg>\n", "logo", "svg", true, []string{"<!--"}},
		{"data/x.json", "{\n  \"a\": 1\n}\n", "x", "json", true, nil},
		{"img/photo.png", "\x89PNG\r\n\x1a\n  binary  ", "photo", "png", false, nil},
		{"fonts/face.woff2", "wOF2 binary", "face", "woff2", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := assets.NewSet(assets.Minifier())
			if err := s.Add(tt.name, []byte(tt.data)); err != nil {
				t.Fatal(err)
			}
			u, ok := s.URL(tt.name)
			m := hashed.FindStringSubmatch(u)
			if !ok || m == nil || m[1] != tt.base || m[3] != tt.ext {
				t.Fatalf("URL = %q, %v", u, ok)
			}
			files := s.Files()
			if len(files) != 1 || "/"+files[0].Name != u {
				t.Fatalf("files %v, URL %s", files, u)
			}
			got := files[0].Data
			if tt.minified && len(got) >= len(tt.data) {
				t.Errorf("not minified: %q", got)
			}
			if !tt.minified && string(got) != tt.data {
				t.Errorf("binary file changed: %q", got)
			}
			for _, bad := range tt.lacks {
				if bytes.Contains(got, []byte(bad)) {
					t.Errorf("output contains %q: %q", bad, got)
				}
			}
			// The name's hash is of what is served.
			s2 := assets.NewSet(assets.Minifier())
			_ = s2.Add("other/"+tt.name, got)
			if u2, _ := s2.URL("other/" + tt.name); tt.minified && strings.Split(u2, ".")[1] != m[2] {
				t.Errorf("hash %s is not of the served bytes (%s)", m[2], u2)
			}
		})
	}
}

func TestHashFollowsContent(t *testing.T) {
	s := assets.NewSet(assets.Minifier())
	_ = s.Add("css/app.css", []byte("a{color:red}"))
	u1, _ := s.URL("css/app.css")
	_ = s.Add("css/app.css", []byte("a{color:blue}"))
	u2, _ := s.URL("css/app.css")
	if u1 == u2 {
		t.Errorf("same URL %s for different content", u1)
	}
	if files := s.Files(); len(files) != 1 || "/"+files[0].Name != u2 {
		t.Errorf("replaced asset left its old file: %v", files)
	}
	t2 := assets.NewSet(assets.Minifier())
	_ = t2.Add("css/app.css", []byte("a{color:blue}"))
	if u3, _ := t2.URL("css/app.css"); u3 != u2 {
		t.Errorf("not deterministic: %s vs %s", u3, u2)
	}
}

func TestClash(t *testing.T) {
	s := assets.NewSet(assets.Minifier())
	if err := s.Add("css/app.css", []byte("a{color:red}")); err != nil {
		t.Fatal(err)
	}
	err := s.Add("vendor/app.css", []byte("a{color:red}"))
	if err == nil || !strings.Contains(err.Error(), "static/css/app.css") || !strings.Contains(err.Error(), "static/vendor/app.css") {
		t.Errorf("err = %v, want a clash naming both files", err)
	}
}

func TestMinifyError(t *testing.T) {
	s := assets.NewSet(assets.Minifier())
	err := s.Add("js/broken.js", []byte("var x = ;;; function ( {"))
	if err == nil || !strings.Contains(err.Error(), "static/js/broken.js") {
		t.Errorf("err = %v, want one naming static/js/broken.js", err)
	}
}

func TestAddFS(t *testing.T) {
	fsys := fstest.MapFS{
		"static/css/app.css":     {Data: []byte("a { color: red }")},
		"static/js/site.js":      {Data: []byte("var a = 1;")},
		"static/.DS_Store":       {Data: []byte("junk")},
		"static/.git/config":     {Data: []byte("junk")},
		"static/img/.hidden.svg": {Data: []byte("<svg/>")},
		"content/_index.md":      {Data: []byte("not an asset")},
	}
	s := assets.NewSet(assets.Minifier())
	if err := s.AddFS(fsys, "static"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.Names(), " "); got != "css/app.css js/site.js" {
		t.Errorf("names = %s", got)
	}
	var names []string
	for _, f := range s.Files() {
		names = append(names, f.Name)
	}
	if len(names) != 2 || !strings.HasPrefix(names[0], "assets/app.") || !strings.HasPrefix(names[1], "assets/site.") {
		t.Errorf("files = %v", names)
	}
	if err := assets.NewSet(assets.Minifier()).AddFS(fstest.MapFS{}, "static"); err != nil {
		t.Errorf("no static folder: %v", err)
	}
}

func TestMinifyHTML(t *testing.T) {
	var out bytes.Buffer
	src := "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>x</title>\n</head>\n<body>\n<p class=\"a\">Hello   world</p>\n<!-- note -->\n</body>\n</html>\n"
	if err := assets.Minifier().Minify("text/html", &out, strings.NewReader(src)); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{`<html lang="en">`, "<head>", "</head>", "<body>", "</p>", `class="a"`} {
		if !strings.Contains(got, want) {
			t.Errorf("minified HTML lacks %s: %s", want, got)
		}
	}
	if strings.Contains(got, "note") || strings.Contains(got, "   ") {
		t.Errorf("comment or spaces kept: %s", got)
	}
}
