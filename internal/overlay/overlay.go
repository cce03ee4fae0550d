// Package overlay layers a site's own files over the generator's built-in
// ones, so a site overrides a layout or asset by giving a file the same path.
package overlay

import (
	"errors"
	"io/fs"
	"sort"
)

// FS reads from Upper first and falls back to Lower; directory listings
// are merged.
type FS struct {
	Upper, Lower fs.FS
}

// Open implements fs.FS.
func (o FS) Open(name string) (fs.File, error) {
	f, err := o.Upper.Open(name)
	if err == nil {
		st, serr := f.Stat()
		if serr == nil && !st.IsDir() {
			return f, nil
		}
		_ = f.Close()
		if serr == nil && st.IsDir() {
			// A directory: prefer the lower one's handle only when the upper lacks it.
			if lf, lerr := o.Lower.Open(name); lerr == nil {
				return lf, nil
			}
			return o.Upper.Open(name)
		}
	}
	if !errors.Is(err, fs.ErrNotExist) && err != nil {
		return nil, err
	}
	return o.Lower.Open(name)
}

// ReadFile implements fs.ReadFileFS.
func (o FS) ReadFile(name string) ([]byte, error) {
	b, err := fs.ReadFile(o.Upper, name)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return b, err
	}
	return fs.ReadFile(o.Lower, name)
}

// ReadDir implements fs.ReadDirFS, merging both layers.
func (o FS) ReadDir(name string) ([]fs.DirEntry, error) {
	up, uerr := fs.ReadDir(o.Upper, name)
	low, lerr := fs.ReadDir(o.Lower, name)
	if uerr != nil && lerr != nil {
		return nil, uerr
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range up {
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range low {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}
