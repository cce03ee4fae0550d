package pipeline

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/content"
)

// copySite copies the repository's sample content (and, with theme, its
// layouts and static files) into a temporary site root.
func copySite(t testing.TB, theme bool) string {
	t.Helper()
	root := t.TempDir()
	dirs := []string{"content"}
	if theme {
		dirs = append(dirs, "layouts", "static")
	}
	for _, d := range dirs {
		if err := os.CopyFS(filepath.Join(root, d), os.DirFS(filepath.Join("..", "..", d))); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

var testNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// fresh builds root from scratch, as helpcenter build would.
func fresh(t *testing.T, root string) map[string][]byte {
	t.Helper()
	s := NewSession(Options{Source: root, Now: testNow, Preview: true})
	o := newOutput()
	u, err := s.Reload(o)
	if err != nil {
		t.Fatalf("fresh build: %v", err)
	}
	o.apply(u)
	return o.files
}

// output keeps what a session's steps write, as helpcenter serve does:
// a step's files are staged and applied with its Update.
type output struct {
	files map[string][]byte
	stage *memOutput
}

func newOutput() *output { return &output{files: map[string][]byte{}, stage: newMemOutput()} }

func (o *output) WriteFile(name string, data []byte) error { return o.stage.WriteFile(name, data) }

func (o *output) apply(u *Update) {
	if u != nil {
		for _, n := range u.Removed {
			delete(o.files, n)
		}
		maps.Copy(o.files, o.stage.files)
	}
	o.stage = newMemOutput()
}

func sameOutput(t *testing.T, got, want map[string][]byte) {
	t.Helper()
	var names []string
	for n := range want {
		names = append(names, n)
	}
	for n := range got {
		if _, ok := want[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	bad := 0
	for _, n := range names {
		g, gok := got[n]
		w, wok := want[n]
		switch {
		case !gok:
			t.Errorf("incremental output lacks %s", n)
		case !wok:
			t.Errorf("incremental output has %s, a fresh build does not", n)
		case !bytes.Equal(g, w):
			t.Errorf("%s differs from a fresh build", n)
		default:
			continue
		}
		if bad++; bad > 10 {
			t.Fatal("more differences left out")
		}
	}
}

func edit(t *testing.T, root, rel string, f func(string) string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	out := f(string(b))
	if out == string(b) {
		t.Fatalf("edit of %s changed nothing", rel)
	}
	// Atomic save, as editors do: write a temporary file, rename it over.
	tmp := p + ".tmp~"
	if err := os.WriteFile(tmp, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
}

const (
	statuses = "content/en/invoices/sending/invoice-statuses.md"
	network  = "content/en/getting-started/before-you-start/what-is-inexchange-network.md"
)

// TestSessionMatchesFreshBuild applies edits one after another and checks
// after each that the session's output is byte for byte what a fresh
// build of the files on disk gives, and that it took the path expected.
func TestSessionMatchesFreshBuild(t *testing.T) {
	root := copySite(t, true)
	s := NewSession(Options{Source: root, Now: testNow, Preview: true})
	o := newOutput()
	u, err := s.Reload(o)
	if err != nil {
		t.Fatal(err)
	}
	o.apply(u)
	type step struct {
		name string
		do   func() []string
		// maxRendered bounds the pages rendered; full says everything is.
		maxRendered int
		full, body  bool
		wantChanged string // an output file that must be reported changed
		wantRemoved string
	}
	steps := []step{
		{name: "body edit", maxRendered: 1, body: true, wantChanged: "en/articles/invoice-statuses/index.html", do: func() []string {
			edit(t, root, statuses, func(s string) string {
				return strings.Replace(s, "Most invoices pass these statuses within minutes.", "Most invoices pass these statuses within seconds.", 1)
			})
			// vim checks the folder is writable with a file "4913", gone by now.
			return []string{statuses, statuses + ".tmp~", "content/en/invoices/sending/4913"}
		}},
		{name: "new heading", maxRendered: 30, wantChanged: "en/articles/invoice-statuses/index.html", do: func() []string {
			edit(t, root, statuses, func(s string) string { return s + "\n## A new heading\n\nMore text.\n" })
			return []string{statuses}
		}},
		{name: "title edit", maxRendered: 40, wantChanged: "en/sections/sending/index.html", do: func() []string {
			edit(t, root, statuses, func(s string) string {
				return strings.Replace(s, "title: What the invoice statuses mean", "title: What invoice statuses mean", 1)
			})
			return []string{statuses}
		}},
		{name: "labels edit", maxRendered: 40, wantChanged: "en/labels/statuses/index.html", do: func() []string {
			edit(t, root, statuses, func(s string) string {
				return strings.Replace(s, "labels: [invoices]", "labels: [invoices, statuses]", 1)
			})
			return []string{statuses}
		}},
		{name: "weight edit", maxRendered: 40, do: func() []string {
			edit(t, root, statuses, func(s string) string { return strings.Replace(s, "weight: 3", "weight: 99", 1) })
			return []string{statuses}
		}},
		{name: "slug edit moves the page", maxRendered: 40, wantChanged: "en/articles/statuses/index.html", wantRemoved: "en/articles/invoice-statuses/index.html", do: func() []string {
			edit(t, root, statuses, func(s string) string { return strings.Replace(s, "weight: 99", "weight: 99\nslug: statuses", 1) })
			return []string{statuses}
		}},
		{name: "new article", maxRendered: 40, wantChanged: "en/articles/a-new-article/index.html", do: func() []string {
			p := "content/en/invoices/sending/a-new-article.md"
			if err := os.WriteFile(filepath.Join(root, p), []byte("---\ntitle: A new article\nlabels: [invoices]\n---\n\nSee [statuses](invoice-statuses.md#received-and-processing).\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			return []string{p}
		}},
		{name: "body edit without a description", maxRendered: 1, body: true, wantChanged: "en/articles/a-new-article/index.html", do: func() []string {
			p := "content/en/invoices/sending/a-new-article.md"
			edit(t, root, p, func(s string) string {
				return s + "\nA second paragraph, which the page's description does not show.\n"
			})
			edit(t, root, p, func(s string) string { return strings.Replace(s, "---\n\nSee", "---\n\nFirst see", 1) })
			return []string{p}
		}},
		{name: "renamed article", maxRendered: 40, wantChanged: "en/articles/a-renamed-article/index.html", wantRemoved: "en/articles/a-new-article/index.html", do: func() []string {
			from, to := "content/en/invoices/sending/a-new-article.md", "content/en/invoices/sending/a-renamed-article.md"
			if err := os.Rename(filepath.Join(root, from), filepath.Join(root, to)); err != nil {
				t.Fatal(err)
			}
			return []string{from, to}
		}},
		{name: "deleted article", maxRendered: 40, wantRemoved: "en/articles/a-renamed-article/index.html", do: func() []string {
			p := "content/en/invoices/sending/a-renamed-article.md"
			if err := os.Remove(filepath.Join(root, p)); err != nil {
				t.Fatal(err)
			}
			return []string{p}
		}},
		{name: "draft hidden", maxRendered: 40, wantRemoved: "en/articles/what-is-inexchange-network/index.html", do: func() []string {
			edit(t, root, network, func(s string) string { return strings.Replace(s, "---\n", "---\ndraft: true\n", 1) })
			return []string{network}
		}},
		{name: "section title", full: true, do: func() []string {
			p := "content/en/invoices/sending/_index.md"
			edit(t, root, p, func(s string) string { return strings.Replace(s, "title: ", "title: Outgoing – ", 1) })
			return []string{p}
		}},
		{name: "new section folder", full: true, wantChanged: "en/sections/new-section/index.html", do: func() []string {
			dir := "content/en/invoices/new-section"
			if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, dir, "_index.md"), []byte("---\ntitle: New section\n---\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, dir, "first.md"), []byte("---\ntitle: First in new section\n---\n\nHello.\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			return []string{dir}
		}},
		{name: "removed section folder", full: true, wantRemoved: "en/sections/new-section/index.html", do: func() []string {
			dir := "content/en/invoices/new-section"
			if err := os.RemoveAll(filepath.Join(root, dir)); err != nil {
				t.Fatal(err)
			}
			return []string{dir}
		}},
		{name: "layout edit", full: true, do: func() []string {
			edit(t, root, "layouts/partials/breadcrumbs.html", func(s string) string { return strings.Replace(s, "<nav", "<nav data-edited", 1) })
			return []string{"layouts/partials/breadcrumbs.html"}
		}},
		{name: "stylesheet edit", full: true, do: func() []string {
			edit(t, root, "static/css/app.css", func(s string) string { return s + "\n.edited{color:red}\n" })
			return []string{"static/css/app.css"}
		}},
		{name: "settings edit", full: true, do: func() []string {
			edit(t, root, "content/_index.md", func(s string) string { return strings.Replace(s, "title: ", "title: The ", 1) })
			return []string{"content/_index.md"}
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			u, err := s.Apply(st.do(), o)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			o.apply(u)
			fu, _, err := s.Finish(o)
			if err != nil {
				t.Fatalf("Finish: %v", err)
			}
			o.apply(fu)
			if u.Full != st.full || u.BodyOnly != st.body {
				t.Errorf("Full, BodyOnly = %v, %v, want %v, %v", u.Full, u.BodyOnly, st.full, st.body)
			}
			if !st.full && u.Rendered > st.maxRendered {
				t.Errorf("rendered %d pages, want at most %d", u.Rendered, st.maxRendered)
			}
			if st.wantChanged != "" && !contains(u.Changed, st.wantChanged) {
				t.Errorf("Changed = %v, want it to hold %s", u.Changed, st.wantChanged)
			}
			if st.wantRemoved != "" && !contains(u.Removed, st.wantRemoved) {
				t.Errorf("Removed = %v, want it to hold %s", u.Removed, st.wantRemoved)
			}
			if len(o.files) == 0 {
				t.Fatal("no output")
			}
			sameOutput(t, withoutSearch(o.files), withoutSearch(fresh(t, root)))
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// withoutSearch leaves out the search index, which IndexJob builds.
func withoutSearch(m map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range m {
		if !strings.HasPrefix(k, "search/") {
			out[k] = v
		}
	}
	return out
}

// TestSessionSearchIndex checks that the index built off the session's
// goroutine is the one a fresh build writes.
func TestSessionSearchIndex(t *testing.T) {
	root := copySite(t, false)
	s := NewSession(Options{Source: root, Now: testNow, Preview: true})
	o := newOutput()
	u, err := s.Reload(o)
	if err != nil {
		t.Fatal(err)
	}
	o.apply(u)
	edit(t, root, statuses, func(s string) string { return strings.Replace(s, "within minutes", "within zanzibarish minutes", 1) })
	if u, err = s.Apply([]string{statuses}, o); err != nil {
		t.Fatal(err)
	}
	o.apply(u)
	u, job, err := s.Finish(o)
	if err != nil || job == nil {
		t.Fatalf("Finish: job %v, err %v", job, err)
	}
	o.apply(u)
	job.Run()
	if u, err = s.Adopt(job, o); err != nil || u == nil {
		t.Fatalf("Adopt: %v, %v", u, err)
	}
	o.apply(u)
	if len(u.Changed) == 0 {
		t.Error("a new word changed no search file")
	}
	sameOutput(t, o.files, fresh(t, root))
}

// TestSessionErrorsKeepLastGood breaks an article, checks that the error
// names the place and the last good output stays, then fixes it.
func TestSessionErrorsKeepLastGood(t *testing.T) {
	root := copySite(t, false)
	s := NewSession(Options{Source: root, Now: testNow, Preview: true})
	o := newOutput()
	u, err := s.Reload(o)
	if err != nil {
		t.Fatal(err)
	}
	o.apply(u)
	page := "en/articles/invoice-statuses/index.html"
	good := o.files[page]
	tests := []struct {
		name     string
		break_   func(string) string
		wantLine int
		kind     error
	}{
		{"unknown key", func(s string) string { return strings.Replace(s, "weight: 3", "weight: 3\ntittle: x", 1) }, 8, content.ErrUnknownKey},
		{"broken link", func(s string) string { return s + "\nSee [nothing](nothing.md).\n" }, 0, content.ErrBrokenLink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig, err := os.ReadFile(filepath.Join(root, statuses))
			if err != nil {
				t.Fatal(err)
			}
			edit(t, root, statuses, tt.break_)
			_, err = s.Apply([]string{statuses}, o)
			o.apply(nil) // a failed step publishes nothing
			var list content.List
			if !errors.As(err, &list) || !errors.Is(err, tt.kind) {
				t.Fatalf("Apply error = %v, want a content.List with %v", err, tt.kind)
			}
			e := list.Errors()[0]
			if e.Path != statuses || tt.wantLine > 0 && e.Line != tt.wantLine {
				t.Errorf("error at %s:%d, want %s:%d", e.Path, e.Line, statuses, tt.wantLine)
			}
			if !bytes.Equal(o.files[page], good) {
				t.Error("the last good page was not kept")
			}
			if err := os.WriteFile(filepath.Join(root, statuses), orig, 0o644); err != nil {
				t.Fatal(err)
			}
			u, err := s.Apply([]string{statuses}, o)
			if err != nil {
				t.Fatalf("Apply after the fix: %v", err)
			}
			o.apply(u)
			fu, _, err := s.Finish(o)
			if err != nil {
				t.Fatal(err)
			}
			o.apply(fu)
			sameOutput(t, withoutSearch(o.files), withoutSearch(fresh(t, root)))
		})
	}
}

// memOutput collects files in memory.
type memOutput struct {
	mu    sync.Mutex
	files map[string][]byte
}

func newMemOutput() *memOutput { return &memOutput{files: map[string][]byte{}} }

func (o *memOutput) WriteFile(name string, data []byte) error {
	o.mu.Lock()
	o.files[name] = data
	o.mu.Unlock()
	return nil
}

// TestSessionAfterFailedFullBuild breaks the site settings, edits an
// article while they are broken, then fixes them: the result must be a
// fresh build's, not a mix of the two settings.
func TestSessionAfterFailedFullBuild(t *testing.T) {
	root := copySite(t, false)
	s := NewSession(Options{Source: root, Now: testNow, Preview: true})
	o := newOutput()
	u, err := s.Reload(o)
	if err != nil {
		t.Fatal(err)
	}
	o.apply(u)
	settings := "content/_index.md"
	orig, err := os.ReadFile(filepath.Join(root, settings))
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		do      func() []string
		wantErr bool
	}{
		{"settings broken", func() []string {
			edit(t, root, settings, func(s string) string { return strings.Replace(s, "title: ", "tittle: x\ntitle: The new ", 1) })
			return []string{settings}
		}, true},
		{"article edited meanwhile", func() []string {
			edit(t, root, statuses, func(s string) string { return strings.Replace(s, "within minutes", "within moments", 1) })
			return []string{statuses}
		}, true},
		{"settings fixed", func() []string {
			edit(t, root, settings, func(s string) string { return strings.Replace(string(orig), "title: ", "title: The new ", 1) })
			return []string{settings}
		}, false},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			u, err := s.Apply(st.do(), o)
			if (err != nil) != st.wantErr {
				t.Fatalf("Apply error = %v, want error %v", err, st.wantErr)
			}
			o.apply(u)
			if err == nil {
				fu, _, err := s.Finish(o)
				if err != nil {
					t.Fatal(err)
				}
				o.apply(fu)
				sameOutput(t, withoutSearch(o.files), withoutSearch(fresh(t, root)))
			}
		})
	}
}

// TestSessionBodyEditEveryRenderer: a body edit takes the fast path
// whichever Markdown renderer the article needs (how-to articles get
// step ids, others not), in every locale.
func TestSessionBodyEditEveryRenderer(t *testing.T) {
	root := copySite(t, false)
	s := NewSession(Options{Source: root, Now: testNow, Preview: true})
	o := newOutput()
	u, err := s.Reload(o)
	if err != nil {
		t.Fatal(err)
	}
	o.apply(u)
	for _, p := range []string{
		"content/en/invoices/sending/how-to-correct-an-undelivered-invoice.md", // how-to
		statuses, // plain
		"content/sv/invoices/sending/how-to-correct-an-undelivered-invoice.md",
		"content/sv/invoices/sending/invoice-formats.md",
	} {
		t.Run(p, func(t *testing.T) {
			edit(t, root, p, func(s string) string { return s + "\nOne more paragraph.\n" })
			u, err := s.Apply([]string{p}, o)
			if err != nil {
				t.Fatal(err)
			}
			o.apply(u)
			if !u.BodyOnly || u.Rendered != 1 {
				t.Errorf("BodyOnly %v, rendered %d pages: want the fast path, one page", u.BodyOnly, u.Rendered)
			}
			fu, _, err := s.Finish(o)
			if err != nil {
				t.Fatal(err)
			}
			o.apply(fu)
			sameOutput(t, withoutSearch(o.files), withoutSearch(fresh(t, root)))
		})
	}
}
