// Package watch reports changes to a site's files for helpcenter serve.
//
// A Watcher watches folders below a site root (content/, layouts/,
// static/) recursively with github.com/fsnotify/fsnotify, adding folders
// created later, and hands out batches of changed slash paths relative to
// the root ("content/en/a/b/c.md"). Events close together are coalesced:
// a batch goes out once the folders have been quiet for Debounce, or
// MaxDelay after its first event when changes keep coming (a long git
// checkout), so that editors' save patterns — write in place, write a
// temporary file and rename it over, delete and recreate — and mass edits
// end in one or a few batches naming every path involved. What a change
// means is for the consumer to decide (package pipeline's Session): a batch
// names files and folders, created, written, removed or renamed alike.
package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Defaults for Watcher's timing.
const (
	DefaultDebounce = 10 * time.Millisecond
	DefaultMaxDelay = 300 * time.Millisecond
)

// Watcher watches folders below a root. Create it with New.
type Watcher struct {
	root     string
	debounce time.Duration
	maxDelay time.Duration
	fsw      *fsnotify.Watcher
	batches  chan []string
	errs     chan error
	done     chan struct{}
	closed   sync.Once
	wg       sync.WaitGroup

	mu      sync.Mutex
	watched map[string]bool // absolute folder paths
}

// Config tunes a Watcher; the zero value uses the defaults.
type Config struct {
	// Debounce is the quiet time that ends a batch (DefaultDebounce).
	Debounce time.Duration
	// MaxDelay bounds how long a batch waits while changes keep coming
	// (DefaultMaxDelay).
	MaxDelay time.Duration
}

// New watches dirs (slash paths relative to root; missing ones are
// watched once created) recursively.
func New(root string, dirs []string, cfg Config) (*Watcher, error) {
	if cfg.Debounce <= 0 {
		cfg.Debounce = DefaultDebounce
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = DefaultMaxDelay
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", root, err)
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("starting the file watcher: %w (on Linux, raise fs.inotify.max_user_instances)", err)
	}
	w := &Watcher{root: abs, debounce: cfg.Debounce, maxDelay: cfg.MaxDelay, fsw: fsw,
		batches: make(chan []string), errs: make(chan error, 16), done: make(chan struct{}), watched: map[string]bool{}}
	// The root itself, so that a missing content/ or static/ created later is seen.
	if err := w.add(abs); err != nil {
		fsw.Close()
		return nil, err
	}
	for _, d := range dirs {
		if _, err := w.addTree(filepath.Join(abs, filepath.FromSlash(d))); err != nil {
			fsw.Close()
			return nil, err
		}
	}
	w.wg.Add(1)
	go w.loop(dirs)
	return w, nil
}

// Changes delivers batches of changed paths, sorted, relative to the root.
func (w *Watcher) Changes() <-chan []string { return w.batches }

// Errors delivers problems the watcher met (an overflowing event queue,
// a folder it could not watch); the watcher keeps going.
func (w *Watcher) Errors() <-chan error { return w.errs }

// Close stops watching.
func (w *Watcher) Close() error {
	var err error
	w.closed.Do(func() {
		close(w.done)
		err = w.fsw.Close()
		w.wg.Wait()
	})
	return err
}

func (w *Watcher) add(dir string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.watched[dir] {
		return nil
	}
	if err := w.fsw.Add(dir); err != nil {
		return fmt.Errorf("watching %s: %w", dir, err)
	}
	w.watched[dir] = true
	return nil
}

// addTree watches dir and every folder below it and returns the files
// found, which may have appeared before the watch did.
func (w *Watcher) addTree(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return w.add(p)
		}
		files = append(files, p)
		return nil
	})
	return files, err
}

// forget drops the watches of a removed or renamed folder and those below.
func (w *Watcher) forget(dir string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	prefix := dir + string(filepath.Separator)
	for p := range w.watched {
		if p == dir || strings.HasPrefix(p, prefix) {
			_ = w.fsw.Remove(p) // already gone with the folder, usually
			delete(w.watched, p)
		}
	}
}

func (w *Watcher) rel(p string) (string, bool) {
	r, err := filepath.Rel(w.root, p)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return "", false
	}
	return filepath.ToSlash(r), true
}

func (w *Watcher) report(err error) {
	select {
	case w.errs <- err:
	default: // nobody listening: drop rather than block the watcher
	}
}

func (w *Watcher) loop(dirs []string) {
	defer w.wg.Done()
	tops := map[string]bool{}
	for _, d := range dirs {
		tops[strings.SplitN(d, "/", 2)[0]] = true
	}
	pending := map[string]bool{}
	var first time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var batch []string // ready to go out
	for {
		var out chan []string
		if batch != nil {
			out = w.batches
		}
		select {
		case <-w.done:
			return
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.report(fmt.Errorf("file watcher: %w", err))
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			rel, ok := w.rel(ev.Name)
			if !ok || !tops[strings.SplitN(rel, "/", 2)[0]] {
				continue
			}
			pending[rel] = true
			if ev.Has(fsnotify.Create) {
				if st, err := os.Lstat(ev.Name); err == nil && st.IsDir() {
					files, err := w.addTree(ev.Name)
					if err != nil {
						w.report(err)
					}
					for _, f := range files {
						if r, ok := w.rel(f); ok {
							pending[r] = true
						}
					}
				}
			}
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				w.forget(ev.Name)
			}
			if batch != nil { // not taken yet: fold the new path in
				for _, p := range batch {
					pending[p] = true
				}
				batch = nil
			}
			if first.IsZero() {
				first = time.Now()
			}
			wait := w.debounce
			if left := w.maxDelay - time.Since(first); left < wait {
				wait = max(left, 0)
			}
			timer.Reset(wait)
		case <-timer.C:
			if len(pending) == 0 {
				continue
			}
			batch = make([]string, 0, len(pending))
			for p := range pending {
				batch = append(batch, p)
			}
			sort.Strings(batch)
			pending, first = map[string]bool{}, time.Time{}
		case out <- batch:
			batch = nil
		}
	}
}
