package content

import (
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"---\ntitle: A\n---\nbody\n",
	"\xef\xbb\xbf---\r\ntitle: Å\r\ntittle: x\r\n---\r\nbody\r\n",
	"+++\ntitle = \"A\"\nweight = \"x\"\n+++\n",
	"{\n\"title\": \"A\",\n\"tittle\": \"x\"\n}\n\nbody\n",
	"---\ntitle: A\nlayout: system-requirements\nrequirements:\n  screen: {min_width: 1024}\n  browsers:\n    supported: {chrome: \"47\", firefox: \"38.5\"}\n---\n",
	"---\ntitle: A\nlayout: phone-hours\nhours:\n  time_zone: Europe/Stockholm\n  weekly: {monday: \"08:00-16:30\"}\n  exceptions:\n    - {date: 2026-12-24, hours: closed}\n---\n",
	"---\ntitle: A\nlayout: cookie-policy\ncookies:\n  - {name: a, provider: b, purpose: c, type: session, duration: d}\n---\n",
	"---\ntitle: A\ndescription: a: b\n---\n",
	"---yaml\ntitle: A\n---\n",
	";;;\n{\"title\": \"A\"}\n;;;\n",
	"---\n",
	"{\n",
	"",
}

// FuzzParseFile feeds arbitrary bytes to every kind of content file: no
// panic, every error located in the file parsed, and a file returned
// whenever there is no error.
func FuzzParseFile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, uint8(4))
	}
	paths := []string{"content/_index.md", "content/en/_index.md", "content/en/a/_index.md", "content/en/a/b/_index.md", "content/en/a/b/c.md"}
	f.Fuzz(func(t *testing.T, src string, kind uint8) {
		p := paths[int(kind)%len(paths)]
		file, errs := ParseFile(p, []byte(src))
		// Lines as ParseFile counts them: CRLF and lone CR end lines too.
		lines := strings.Count(strings.ReplaceAll(strings.ReplaceAll(src, "\r\n", "\n"), "\r", "\n"), "\n") + 1
		for _, e := range errs {
			if e.Path != p {
				t.Fatalf("error %q has path %q, want %q", e, e.Path, p)
			}
			if e.Err == nil {
				t.Fatalf("error without Err at %s:%d", e.Path, e.Line)
			}
			if e.Line < 0 || e.Col < 0 || e.Line > lines+1 { // lines+1: end of file
				t.Fatalf("error %q at line %d col %d, outside a %d-line file", e, e.Line, e.Col, lines)
			}
			_ = e.Error()
		}
		if len(errs) == 0 && file == nil {
			t.Fatal("no file and no error")
		}
		if file != nil && file.BodyLine < 0 {
			t.Fatalf("BodyLine %d", file.BodyLine)
		}
	})
}

// FuzzDecodeFrontMatter decodes arbitrary front matter of each syntax into
// the article type: no panic, and positions inside the file.
func FuzzDecodeFrontMatter(f *testing.F) {
	f.Add(uint8(0), "title: A\nlabels: [a, b]\nweight: 2\n")
	f.Add(uint8(1), "title = \"A\"\nlabels = [\"a\"]\n[params]\nx = 1\n")
	f.Add(uint8(2), "\"title\": \"A\", \"labels\": [\"a\"], \"weight\": 2")
	f.Add(uint8(0), "requirements:\n  browsers:\n    supported: {chrome: 47.5}\n")
	f.Add(uint8(1), "[requirements.browsers.supported]\nchrome = \"47\"\n")
	f.Add(uint8(2), "\"date\": 5, \"hours\": {\"weekly\": []}")
	f.Fuzz(func(t *testing.T, syntax uint8, fm string) {
		var src string
		switch syntax % 3 {
		case 0:
			src = "---\n" + fm + "\n---\n\nbody\n"
		case 1:
			src = "+++\n" + fm + "\n+++\n\nbody\n"
		default:
			src = "{\n" + fm + "\n}\n\nbody\n"
		}
		// decodeFrontMatter takes what ParseFile hands it: LF line endings.
		src = strings.ReplaceAll(strings.ReplaceAll(src, "\r\n", "\n"), "\r", "\n")
		var a Article
		pr, errs := decodeFrontMatter("content/en/a/b/c.md", []byte(src), &a)
		lines := strings.Count(src, "\n") + 1
		for _, e := range errs {
			if e.Path != "content/en/a/b/c.md" || e.Line < 0 || e.Line > lines {
				t.Fatalf("error %q at %s:%d in a %d-line file", e, e.Path, e.Line, lines)
			}
		}
		if pr.body != nil && pr.bodyLine > lines {
			t.Fatalf("body line %d in a %d-line file", pr.bodyLine, lines)
		}
	})
}
