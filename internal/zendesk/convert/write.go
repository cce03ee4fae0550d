package convert

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// ManifestFile is where a site records what the import wrote, below content/.
const ManifestFile = ".zendesk-import.json"

// Manifest records the files an import wrote, so that the next one can
// tell its own unchanged output from a writer's edits.
type Manifest struct {
	// Source is the help center the files came from.
	Source string `json:"source"`
	// Files maps content-relative paths to the SHA-256 of what the import
	// wrote there.
	Files map[string]string `json:"files"`
}

func readFile(site, rel string) ([]byte, error) {
	return os.ReadFile(filepath.Join(site, filepath.FromSlash(rel)))
}

func hash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func hashFile(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// write puts the files in place under the manifest's rules.
func (c *converter) write() error {
	dir := filepath.Join(c.opts.Site, "content")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old := Manifest{Files: map[string]string{}}
	if b, err := os.ReadFile(filepath.Join(dir, ManifestFile)); err == nil {
		if err := json.Unmarshal(b, &old); err != nil {
			return errors.New("content/" + ManifestFile + ": " + err.Error() + " (delete it and import with --force to start over)")
		}
		if old.Files == nil {
			old.Files = map[string]string{}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	next := Manifest{Source: c.base, Files: map[string]string{}}

	type item struct {
		rel  string
		data []byte // nil for copies
		src  string // export file for copies
	}
	var items []item
	for rel, b := range c.out {
		items = append(items, item{rel: rel, data: b})
	}
	for rel, local := range c.copies {
		items = append(items, item{rel: rel, src: c.exp.File(local)})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].rel < items[j].rel })
	// Each file on its own (hashing, copying, writing are I/O bound): in
	// parallel, the outcomes taken in order.
	type outcome struct {
		hash string // for the manifest; "" leaves the file out of it
		kind int    // 0 unchanged, 1 kept, 2 written, 3 updated
		kept string // why it was kept
		err  error
	}
	outcomes := make([]outcome, len(items))
	var dirs sync.Map
	parallelN(len(items), 4*runtime.GOMAXPROCS(0), func(i int) {
		it := items[i]
		o := &outcomes[i]
		dest := filepath.Join(dir, filepath.FromSlash(it.rel))
		data := it.data
		if data == nil {
			// A file copied from the export: read once, hashed and written.
			var err error
			if data, err = os.ReadFile(it.src); err != nil {
				o.err = err
				return
			}
		}
		want := hash(data)
		have, err := hashFile(dest)
		exists := err == nil
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			o.err = err
			return
		}
		prev, imported := old.Files[it.rel]
		switch {
		case exists && have == want:
			o.hash, o.kind = want, 0
			return
		case exists && !c.opts.Force && (!imported || have != prev):
			// Edited by hand since the import wrote it, or never the import's.
			o.kind, o.kept = 1, "edited by hand since the last import"
			if !imported {
				o.kept = "not written by the import"
			} else {
				o.hash = prev
			}
			return
		}
		if _, done := dirs.Load(filepath.Dir(dest)); !done {
			if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
				o.err = err
				return
			}
			dirs.Store(filepath.Dir(dest), true)
		}
		if err := writeAtomic(dest, bytes.NewReader(data)); err != nil {
			o.err = err
			return
		}
		o.hash, o.kind = want, 2
		if exists {
			o.kind = 3
		}
	})
	for i, o := range outcomes {
		if o.err != nil {
			return o.err
		}
		if o.hash != "" {
			next.Files[items[i].rel] = o.hash
		}
		switch o.kind {
		case 0:
			c.rep.Unchanged++
		case 1:
			c.rep.warn("", "content/"+items[i].rel, "kept: the file was %s; Zendesk's version differs (import with --force to overwrite it)", o.kept)
			c.rep.Kept++
		case 2:
			c.rep.Written++
		case 3:
			c.rep.Updated++
		}
	}
	// Files of pages that are gone from Zendesk.
	var gone []string
	for rel := range old.Files {
		if _, ok := next.Files[rel]; !ok && c.out[rel] == nil && c.copies[rel] == "" {
			gone = append(gone, rel)
		}
	}
	sort.Strings(gone)
	for _, rel := range gone {
		dest := filepath.Join(dir, filepath.FromSlash(rel))
		have, err := hashFile(dest)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return err
		case have != old.Files[rel] && !c.opts.Force:
			c.rep.warn("", "content/"+rel, "kept: its page is gone from Zendesk, but the file was edited by hand (delete it, or import with --force)")
			next.Files[rel] = old.Files[rel]
			continue
		}
		if err := os.Remove(dest); err != nil {
			return err
		}
		c.rep.Removed++
		removeEmptyDirs(dir, filepath.Dir(dest))
	}
	b, err := json.MarshalIndent(next, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, ManifestFile), bytes.NewReader(append(b, '\n')))
}

func removeEmptyDirs(root, dir string) {
	for dir != root && strings.HasPrefix(dir, root) {
		if err := os.Remove(dir); err != nil {
			return
		}
		dir = filepath.Dir(dir)
	}
}

func writeAtomic(name string, r io.Reader) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	return err
}
