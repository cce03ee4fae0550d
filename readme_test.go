package helpcenter

import (
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
)

// TestCodeMap: README.md's code map names every Go package of the tree,
// so that it stays a map of the tree. A package below another may instead
// be named, by its last element, on its parent's row (`zendesktest` on
// the row of internal/zendesk).
func TestCodeMap(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, codeMap, ok := strings.Cut(string(readme), "\n## Code map\n")
	if !ok {
		t.Fatal(`README.md has no "## Code map" section`)
	}
	codeMap, _, _ = strings.Cut(codeMap, "\n## ")
	rows := map[string]string{} // package path → its row
	for _, line := range strings.Split(codeMap, "\n") {
		if cells := strings.Split(line, "|"); len(cells) > 2 {
			for _, m := range regexp.MustCompile("`([a-z0-9/_.-]+)`").FindAllStringSubmatch(cells[1], -1) {
				rows[m[1]] = line
			}
		}
	}
	pkgs := map[string]bool{}
	err = fs.WalkDir(os.DirFS("."), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && p != ".") {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") && path.Dir(p) != "." {
			pkgs[path.Dir(p)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) < 10 {
		t.Fatalf("found only %d packages", len(pkgs))
	}
	for p := range pkgs {
		if _, ok := rows[p]; ok {
			continue
		}
		if parent, ok := rows[path.Dir(p)]; ok && strings.Contains(parent, "`"+path.Base(p)+"`") {
			continue
		}
		t.Errorf("README.md's code map does not name %s: add a row for it", p)
	}
	for p := range rows {
		if strings.Contains(p, "/") && !pkgs[p] {
			t.Errorf("README.md's code map names %s, which holds no package", p)
		}
	}
}
