package zendesk

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/html"
)

// attachmentPath matches the path of an article attachment as bodies and
// the API write it: with or without a locale, with or without the file
// name (newer help centers write /hc/article_attachments/<id> alone):
// /hc/article_attachments/<id>/<name>, /hc/en-us/article_attachments/<id>.
var attachmentPath = regexp.MustCompile(`^/hc/(?:[A-Za-z0-9_-]+/)?article_attachments/([0-9]+)(?:/([^/]*))?/?$`)

// AttachmentRef is an article attachment named by a URL.
type AttachmentRef struct {
	ID int64
	// Name is the file name the URL gives, decoded, or "" when the URL
	// has none.
	Name string
}

// ParseAttachment reads an attachment URL (absolute or a site path). It
// reports false for URLs that are not article attachments and for names
// that cannot be a file name.
func ParseAttachment(raw string) (AttachmentRef, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return AttachmentRef{}, false
	}
	m := attachmentPath.FindStringSubmatch(u.Path)
	if m == nil {
		return AttachmentRef{}, false
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || id <= 0 {
		return AttachmentRef{}, false
	}
	if m[2] != "" && !safeName(m[2]) {
		return AttachmentRef{}, false
	}
	return AttachmentRef{ID: id, Name: m[2]}, true
}

// AttachmentLocal returns where an attachment URL that names its file is
// kept in an export, "article_attachments/<id>/<name>", or "" for URLs
// that are not article attachments or name no file.
func AttachmentLocal(raw string) string {
	a, ok := ParseAttachment(raw)
	if !ok || a.Name == "" {
		return ""
	}
	return localPath(a.ID, a.Name)
}

func localPath(id int64, name string) string {
	return "article_attachments/" + strconv.FormatInt(id, 10) + "/" + name
}

// safeName reports whether s may be one path element on every system.
func safeName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\\\x00") && len(s) <= 255 && !strings.HasPrefix(s, ".")
}

// urlAttrs are the attributes of a body that may name a file.
var urlAttrs = map[string]bool{"src": true, "href": true, "poster": true, "data": true}

// BodyURLs returns every URL an HTML body refers to in src, href, poster
// and data attributes, in order, once each.
func BodyURLs(body string) []string {
	var out []string
	seen := map[string]bool{}
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			for {
				k, v, more := z.TagAttr()
				if urlAttrs[string(k)] {
					u := strings.TrimSpace(string(v))
					if u != "" && !seen[u] {
						seen[u] = true
						out = append(out, u)
					}
				}
				if !more {
					break
				}
			}
		}
	}
}

// BodyFileURLs returns the article attachment URLs an article body refers
// to (image sources, video sources and links), in order, once each.
func BodyFileURLs(body string) []string {
	var out []string
	for _, u := range BodyURLs(body) {
		if _, ok := ParseAttachment(u); ok {
			out = append(out, u)
		}
	}
	return out
}

// files finds the exported copies of attachments, reading each
// attachment's folder once.
type files struct {
	dir  string
	mu   sync.Mutex
	byID map[int64][]string // names in article_attachments/<id>/
}

func (f *files) names(id int64) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if names, ok := f.byID[id]; ok {
		return names
	}
	entries, err := os.ReadDir(filepath.Join(f.dir, "article_attachments", strconv.FormatInt(id, 10)))
	var names []string
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		for _, e := range entries {
			if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				names = append(names, e.Name())
			}
		}
	}
	f.byID[id] = names
	return names
}

// AttachmentFile returns where the export keeps the file of an
// attachment URL ("article_attachments/<id>/<name>"), or "" when it holds
// none. An attachment's folder holds its one file, named as the
// attachments list or the download named it, which may differ from the
// name in the URL (or the URL has none).
func (e *Export) AttachmentFile(raw string) string {
	a, ok := ParseAttachment(raw)
	if !ok {
		return ""
	}
	names := e.files.names(a.ID)
	for _, n := range names {
		if n == a.Name {
			return localPath(a.ID, n)
		}
	}
	if len(names) == 1 {
		return localPath(a.ID, names[0])
	}
	return ""
}
