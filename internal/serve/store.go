package serve

import (
	"bytes"
	"compress/gzip"
	"io"
	"maps"
	"net/http"
	"path"
	"strings"
	"sync"
)

// file is one output file as the server keeps it: gzip-compressed when
// that makes it smaller, which keeps a 10,000-article site (190 MB of
// HTML and search index) in about a quarter of the memory. Browsers get
// the compressed bytes as they are; other clients get them inflated.
type file struct {
	data []byte
	gz   bool
}

// stage collects the files one build step writes (concurrently); they
// reach requests only if the step succeeds.
type stage struct {
	mu    sync.Mutex
	files map[string]file
}

func newStage() *stage { return &stage{files: map[string]file{}} }

// WriteFile implements render.Output.
func (st *stage) WriteFile(name string, data []byte) error {
	f := pack(name, data)
	st.mu.Lock()
	st.files[name] = f
	st.mu.Unlock()
	return nil
}

// merge returns files with the step's files in and removed out.
func (st *stage) merge(files map[string]file, removed []string) map[string]file {
	next := maps.Clone(files)
	if next == nil {
		next = map[string]file{}
	}
	for _, n := range removed {
		delete(next, n)
	}
	maps.Copy(next, st.files)
	return next
}

var gzPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// incompressible lists formats that are compressed already.
var incompressible = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true, ".woff": true, ".woff2": true, ".gz": true, ".zip": true, ".pdf": true}

func pack(name string, data []byte) file {
	if len(data) < 512 || incompressible[strings.ToLower(path.Ext(name))] {
		return file{data: data}
	}
	var b bytes.Buffer
	b.Grow(len(data) / 3)
	w := gzPool.Get().(*gzip.Writer)
	w.Reset(&b)
	_, err := w.Write(data)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	gzPool.Put(w)
	if err != nil || b.Len() >= len(data) {
		return file{data: data}
	}
	return file{data: bytes.Clone(b.Bytes()), gz: true}
}

// write sends f to w, compressed when the client takes gzip.
func (f file) write(w http.ResponseWriter, r *http.Request, code int) {
	h := w.Header()
	if !f.gz {
		w.WriteHeader(code)
		if r.Method != http.MethodHead {
			_, _ = w.Write(f.data)
		}
		return
	}
	h.Add("Vary", "Accept-Encoding")
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		w.WriteHeader(code)
		if r.Method != http.MethodHead {
			_, _ = w.Write(f.data)
		}
		return
	}
	w.WriteHeader(code)
	if r.Method == http.MethodHead {
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(f.data))
	if err != nil {
		return
	}
	_, _ = io.Copy(w, zr)
}

// raw returns f's content, inflated.
func (f file) raw() []byte {
	if !f.gz {
		return f.data
	}
	zr, err := gzip.NewReader(bytes.NewReader(f.data))
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(zr)
	return b
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
