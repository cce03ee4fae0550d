package pipeline

import (
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/inexchange/helpcenter/internal/assets"
	"github.com/inexchange/helpcenter/internal/render"
)

// writeAll writes files with several goroutines: creating many small
// files is bound by the kernel, not the CPU, and overlaps well.
func writeAll(out render.Output, files []assets.File) error {
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(files); i += workers {
				if err := out.WriteFile(files[i].Name, files[i].Data); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// DirOutput writes into a temporary folder beside the destination and
// swaps it in on Commit, so a failed build leaves the old output alone.
type DirOutput struct {
	dest, tmp string
	mu        sync.Mutex
	dirs      map[string]bool
	n         int
}

// NewDirOutput prepares a temporary folder next to dest.
func NewDirOutput(dest string) (*DirOutput, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("creating %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary output folder: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	return &DirOutput{dest: dest, tmp: tmp, dirs: map[string]bool{}}, nil
}

// WriteFile implements render.Output.
func (o *DirOutput) WriteFile(name string, data []byte) error {
	p, err := o.prepare(name)
	if err != nil {
		return err
	}
	if err := writeNew(p, data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// LinkFile puts the file at src (in the image cache) into the output as
// name without copying it: a hard link when both are on one file system,
// else a copy. It implements images.Linker.
func (o *DirOutput) LinkFile(name, src string) error {
	p, err := o.prepare(name)
	if err != nil {
		return err
	}
	if err := os.Link(src, p); err == nil {
		return nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := writeNew(p, data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// prepare checks an output name, counts it and makes its folder.
func (o *DirOutput) prepare(name string) (string, error) {
	if strings.Contains(name, "..") || strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("refusing to write outside the output folder: %q", name)
	}
	p := filepath.Join(o.tmp, filepath.FromSlash(name))
	dir := filepath.Dir(p)
	o.mu.Lock()
	known := o.dirs[dir]
	o.n++
	o.mu.Unlock()
	if !known {
		// Mkdir first: the parent almost always exists already.
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return "", fmt.Errorf("creating %s: %w", dir, err)
			}
		}
		o.mu.Lock()
		o.dirs[dir] = true
		o.mu.Unlock()
	}
	return p, nil
}

// Count is the number of files written.
func (o *DirOutput) Count() int { return o.n }

// Discard removes the temporary folder.
func (o *DirOutput) Discard() { _ = os.RemoveAll(o.tmp) }

// Commit swaps the new output in place of the old.
func (o *DirOutput) Commit() error {
	old := ""
	if _, err := os.Stat(o.dest); err == nil {
		old = o.tmp + ".old"
		if err := os.Rename(o.dest, old); err != nil {
			o.Discard()
			return fmt.Errorf("moving the previous output aside: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		o.Discard()
		return err
	}
	if err := os.Rename(o.tmp, o.dest); err != nil {
		if old != "" {
			_ = os.Rename(old, o.dest)
		}
		o.Discard()
		return fmt.Errorf("publishing %s: %w", o.dest, err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("removing the previous output: %w", err)
		}
	}
	return nil
}

// diffOutput passes on the files of a step whose content differs from
// the last good output, and records the hash of every file written.
type diffOutput struct {
	old     map[string]uint64
	out     render.Output
	mu      sync.Mutex
	sums    map[string]uint64
	changed []string
}

var sumSeed = maphash.MakeSeed()

// WriteFile implements render.Output.
func (d *diffOutput) WriteFile(name string, data []byte) error {
	sum := maphash.Bytes(sumSeed, data)
	d.mu.Lock()
	d.sums[name] = sum
	old, ok := d.old[name]
	if !ok || old != sum {
		d.changed = append(d.changed, name)
	}
	d.mu.Unlock()
	if ok && old == sum {
		return nil
	}
	return d.out.WriteFile(name, data)
}
