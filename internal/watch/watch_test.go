package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// collect gathers batches until every wanted path was reported (or the
// deadline passes, a failure).
func collect(t *testing.T, w *Watcher, want ...string) (batches int) {
	t.Helper()
	missing := map[string]bool{}
	for _, p := range want {
		missing[p] = true
	}
	deadline := time.After(20 * time.Second)
	for len(missing) > 0 {
		select {
		case b := <-w.Changes():
			batches++
			for _, p := range b {
				delete(missing, p)
			}
		case err := <-w.Errors():
			t.Fatalf("watcher error: %v", err)
		case <-deadline:
			t.Fatalf("never reported: %v", missing)
		}
	}
	return batches
}

func write(t *testing.T, root, rel, text string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSavePatterns runs the ways editors and tools change files and
// checks that each ends in a batch naming the file.
func TestSavePatterns(t *testing.T) {
	root := t.TempDir()
	write(t, root, "content/en/a/b/page.md", "one")
	write(t, root, "layouts/base.html", "x")
	w, err := New(root, []string{"content", "layouts", "static"}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	page := filepath.Join(root, "content", "en", "a", "b", "page.md")
	tests := []struct {
		name string
		do   func()
		want []string
	}{
		{"write in place", func() { write(t, root, "content/en/a/b/page.md", "two") }, []string{"content/en/a/b/page.md"}},
		{"write a temporary file and rename it over", func() {
			write(t, root, "content/en/a/b/.page.md.swp", "three")
			if err := os.Rename(filepath.Join(root, "content/en/a/b/.page.md.swp"), page); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/en/a/b/page.md"}},
		{"delete and recreate", func() {
			if err := os.Remove(page); err != nil {
				t.Fatal(err)
			}
			write(t, root, "content/en/a/b/page.md", "four")
		}, []string{"content/en/a/b/page.md"}},
		{"new folders with files, watched from then on", func() {
			write(t, root, "content/en/new/sec/first.md", "x")
		}, []string{"content/en/new/sec/first.md"}},
		{"a file in a folder created earlier", func() { write(t, root, "content/en/new/sec/second.md", "x") }, []string{"content/en/new/sec/second.md"}},
		{"a folder renamed", func() {
			if err := os.Rename(filepath.Join(root, "content/en/new"), filepath.Join(root, "content/en/renamed")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/en/new", "content/en/renamed"}},
		{"a file in the renamed folder", func() { write(t, root, "content/en/renamed/sec/third.md", "x") }, []string{"content/en/renamed/sec/third.md"}},
		{"static created later", func() { write(t, root, "static/css/app.css", "x") }, []string{"static/css/app.css"}},
		{"layouts", func() { write(t, root, "layouts/base.html", "y") }, []string{"layouts/base.html"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.do()
			collect(t, w, tt.want...)
		})
	}
}

// TestBurstIsCoalesced writes many files at once, as git checkout does,
// and checks they arrive in far fewer batches than files.
func TestBurstIsCoalesced(t *testing.T) {
	root := t.TempDir()
	write(t, root, "content/en/a/b/_index.md", "x")
	w, err := New(root, []string{"content"}, Config{Debounce: 50 * time.Millisecond, MaxDelay: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var want []string
	for i := 0; i < 200; i++ {
		rel := fmt.Sprintf("content/en/a/b/article-%03d.md", i)
		write(t, root, rel, "x")
		want = append(want, rel)
	}
	if n := collect(t, w, want...); n > 20 {
		t.Errorf("200 files came in %d batches", n)
	}
}

// TestOutsideIsIgnored checks that files outside the watched folders
// (the output folder, say) never make a batch.
func TestOutsideIsIgnored(t *testing.T) {
	root := t.TempDir()
	w, err := New(root, []string{"content"}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	write(t, root, "public/index.html", "x")
	write(t, root, "content/en/_index.md", "x")
	select {
	case b := <-w.Changes():
		for _, p := range b {
			if p != "content" && p != "content/en" && p != "content/en/_index.md" {
				t.Errorf("reported %q", p)
			}
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no batch")
	}
}
