package images

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Output receives finished files; names are slash paths below public/.
// It must be safe for concurrent use (render.Output is one).
type Output interface {
	WriteFile(name string, data []byte) error
}

// Linker is an Output that can take a file from the cache folder without
// copying it (pipeline.DirOutput links it). Outputs in memory need not.
type Linker interface {
	LinkFile(name, src string) error
}

// Stats count what Write did.
type Stats struct {
	Images  int // sources written
	Files   int // output files written
	Encoded int // output files made (cache misses)
	Cached  int // output files taken from the cache
}

// Stats returns the counts of the processor's last Write.
func (p *Processor) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stats
}

// cacheEntry names a variant's file in the cache: the settings and the
// source's content, then what the variant is.
func cacheEntry(im *Image, v Variant) string {
	f := folder(im.sum)
	var what string
	switch v.kind {
	case kindCopy, kindSVG:
		what = "full" + path.Ext(v.Name)
	default:
		what = fmt.Sprintf("%d%s", v.Width, path.Ext(v.Name))
	}
	return filepath.Join(f[:2], f+"-"+what)
}

// cacheSub is the processor's folder inside the cache folder.
const cacheSub = "images-v2"

// Write writes the outputs of images and files to out, making what the
// cache lacks on a bounded number of goroutines. Sources that appear
// more than once are written once.
func (p *Processor) Write(out Output, imgs []*Image, files []*File) error {
	seen := map[string]bool{}
	var todo []*Image
	for _, im := range imgs {
		if im != nil && !seen[im.Full.Name] {
			seen[im.Full.Name] = true
			todo = append(todo, im)
		}
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].Full.Name < todo[j].Full.Name })
	var stats Stats
	var mu sync.Mutex
	workers := p.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan *Image)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for im := range next {
				enc, cached, err := p.writeImage(out, im)
				mu.Lock()
				stats.Images++
				stats.Files += enc + cached
				stats.Encoded += enc
				stats.Cached += cached
				mu.Unlock()
				if err != nil && errs[w] == nil {
					errs[w] = err
				}
			}
		}()
	}
	for _, im := range todo {
		next <- im
	}
	close(next)
	wg.Wait()
	for _, f := range files {
		if f == nil || seen[f.Out.Name] {
			continue
		}
		seen[f.Out.Name] = true
		data, err := fs.ReadFile(p.fsys, f.Path)
		if err != nil {
			return fmt.Errorf("reading %s: %w", f.Path, err)
		}
		if err := out.WriteFile(f.Out.Name, data); err != nil {
			return err
		}
		stats.Files++
	}
	p.mu.Lock()
	p.stats = stats
	p.mu.Unlock()
	return errors.Join(errs...)
}

// writeImage writes one image's variants, from the cache where it can.
func (p *Processor) writeImage(out Output, im *Image) (encoded, cached int, err error) {
	vs := im.Variants()
	data := make([][]byte, len(vs))
	linker, link := out.(Linker)
	link = link && p.cacheDir != ""
	linked := make([]bool, len(vs))
	var missing []int
	for i, v := range vs {
		if link {
			if _, err := os.Stat(p.cachePath(cacheEntry(im, v))); err == nil {
				linked[i] = true
				cached++
				continue
			}
		} else if b, ok := p.cacheGet(cacheEntry(im, v)); ok {
			data[i] = b
			cached++
			continue
		}
		missing = append(missing, i)
	}
	if len(missing) > 0 {
		src, sum, err := p.readSource(im.Path)
		if err != nil {
			return 0, cached, err
		}
		if sum != im.sum {
			return 0, cached, fmt.Errorf("%s changed while the site was being built: build again", im.Path)
		}
		want := make([]Variant, len(missing))
		for k, i := range missing {
			want[k] = vs[i]
		}
		made, err := render(im, src, want)
		if err != nil {
			return 0, cached, err
		}
		for k, i := range missing {
			data[i] = made[k]
			if err := p.cachePut(cacheEntry(im, vs[i]), made[k]); err != nil {
				return 0, cached, err
			}
			encoded++
		}
	}
	for i, v := range vs {
		var err error
		if linked[i] || link && data[i] != nil {
			err = linker.LinkFile(v.Name, p.cachePath(cacheEntry(im, v)))
		} else {
			err = out.WriteFile(v.Name, data[i])
		}
		if err != nil {
			return encoded, cached, err
		}
	}
	return encoded, cached, nil
}

func (p *Processor) cachePath(entry string) string {
	return filepath.Join(p.cacheDir, cacheSub, entry)
}

func (p *Processor) cacheGet(entry string) ([]byte, bool) {
	if p.cacheDir == "" {
		return nil, false
	}
	b, err := os.ReadFile(p.cachePath(entry))
	if err != nil {
		return nil, false
	}
	return b, true
}

// cachePut stores an entry through a temporary file and a rename, so a
// build killed half-way leaves no half-written entry behind.
func (p *Processor) cachePut(entry string, data []byte) error {
	if p.cacheDir == "" {
		return nil
	}
	dst := p.cachePath(entry)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(dst), ".tmp-*")
	if err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644) // output files may be links to it
	}
	if err == nil {
		err = os.Rename(f.Name(), dst)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("image cache: writing %s: %w", dst, err)
	}
	return nil
}

// Prune removes cache entries that no build has used for maxAge, so a
// cache kept between CI builds does not grow without end. Write marks
// the entries it uses.
func (p *Processor) Prune(used []*Image, maxAge time.Duration) error {
	if p.cacheDir == "" {
		return nil
	}
	root := filepath.Join(p.cacheDir, cacheSub)
	keep := map[string]bool{}
	for _, im := range used {
		if im == nil {
			continue
		}
		for _, v := range im.Variants() {
			keep[cacheEntry(im, v)] = true
		}
	}
	now := time.Now()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if keep[rel] {
			if info, err := d.Info(); err == nil && now.Sub(info.ModTime()) > maxAge/2 {
				_ = os.Chtimes(p, now, now) // still in use: young again
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".tmp-") && now.Sub(info.ModTime()) > time.Hour || now.Sub(info.ModTime()) > maxAge {
			return os.Remove(p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pruning the image cache: %w", err)
	}
	return nil
}
