// Package overlay layers a site's own files over the generator's built-in
// ones, so a site overrides a layout or asset by giving a file the same path.
package overlay

import (
	"errors"
	"io"
	"io/fs"
	"sort"
)

// FS reads from Upper first and falls back to Lower; directory listings
// are merged.
type FS struct {
	Upper, Lower fs.FS
}

// Open implements fs.FS. A folder that either layer has opens as the
// merged listing of both.
func (o FS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f, err := o.Upper.Open(name)
	if err == nil {
		st, serr := f.Stat()
		if serr != nil {
			_ = f.Close()
			return nil, serr
		}
		if !st.IsDir() {
			return f, nil
		}
		entries, rerr := o.ReadDir(name)
		_ = f.Close()
		if rerr != nil {
			return nil, rerr
		}
		return &dir{info: st, entries: entries}, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
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

// dir is an open folder of the overlay: its listing is both layers'.
type dir struct {
	info    fs.FileInfo
	entries []fs.DirEntry
	off     int
}

func (d *dir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *dir) Close() error               { return nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.Name(), Err: errors.New("is a directory")}
}

// ReadDir implements fs.ReadDirFile.
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	if n > len(rest) {
		n = len(rest)
	}
	d.off += n
	return rest[:n], nil
}
