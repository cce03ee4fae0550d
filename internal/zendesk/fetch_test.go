package zendesk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/zendesk"
	"github.com/inexchange/helpcenter/internal/zendesk/zendesktest"
)

const (
	email = "admin@acme.example"
	token = "s3cr3t-T0ken-value-9f8e7d"
)

// fake starts the sample help center behind credentials.
func fake(t *testing.T) *zendesktest.Server {
	t.Helper()
	s := zendesktest.New(zendesktest.Sample())
	s.Email, s.Token = email, token
	t.Cleanup(s.Close)
	return s
}

// sleeps records the waits of a fetch and shortens them.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
	scale float64 // real wait = d * scale
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	t := time.NewTimer(time.Duration(float64(d) * s.scale))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func fetcher(s *zendesktest.Server, out string) *zendesk.Fetcher {
	return &zendesk.Fetcher{URL: s.URL, Email: email, Token: token, Out: out, Backoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}
}

// files returns every file below dir (slash paths) with its bytes.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFetchSavesResponsesAndFiles(t *testing.T) {
	for _, style := range []string{"cursor", "offset", "mixed"} {
		t.Run(style, func(t *testing.T) {
			s := fake(t)
			s.PageSize = 2 // several pages per list
			switch style {
			case "offset":
				s.Offset = true
			case "mixed":
				s.OffsetKinds = map[string]bool{"articles": true}
			}
			out := t.TempDir()
			var prog bytes.Buffer
			f := fetcher(s, out)
			f.Progress = &prog
			res, err := f.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			got := files(t, out)
			hc := zendesktest.Sample()
			// en-us has 6 articles: 3 pages of 2; sv has 3: 2 pages.
			for _, name := range []string{"locales.json", "en-us/articles/page-1.json", "en-us/articles/page-3.json", "sv/articles/page-2.json", "en-us/sections/page-3.json", "sv/categories/page-1.json", "articles/400001/attachments/page-1.json", "fetch.json"} {
				if _, ok := got[name]; !ok {
					t.Errorf("missing %s", name)
				}
			}
			if _, ok := got["en-us/articles/page-4.json"]; ok {
				t.Error("a page beyond the last was saved")
			}
			for _, a := range hc.Attachments {
				name := "article_attachments/" + itoa(a.ID) + "/" + a.FileName
				if !bytes.Equal(got[name], hc.Files[a.ID]) {
					t.Errorf("%s: got %d bytes, want %d", name, len(got[name]), len(hc.Files[a.ID]))
				}
			}
			if res.Items["en-us/articles"] != 6 || res.Items["sv/articles"] != 3 || res.Items["en-us/categories"] != 3 {
				t.Errorf("items = %v", res.Items)
			}
			// A URL without a name, in no list: named by the download.
			if !bytes.Equal(got["article_attachments/500007/sso-installningar.png"], hc.Files[500007]) {
				t.Errorf("the image shown by /hc/article_attachments/500007 was not saved under its name")
			}
			if res.Files != 7 || res.Downloaded != 7 {
				t.Errorf("files %d, downloaded %d, want 7", res.Files, res.Downloaded)
			}
			// Saved as the API sent them: the page bodies parse with their pagination.
			var page map[string]any
			if err := json.Unmarshal(got["en-us/articles/page-1.json"], &page); err != nil {
				t.Fatal(err)
			}
			_, hasNext := page["next_page"]
			_, hasMeta := page["meta"]
			if wantOffset := style != "cursor"; hasNext != wantOffset || hasMeta == wantOffset {
				t.Errorf("%s: page 1 has next_page %v, meta %v", style, hasNext, hasMeta)
			}
			for name, b := range got {
				if bytes.Contains(b, []byte(token)) {
					t.Errorf("%s contains the token", name)
				}
			}
			if bytes.Contains(prog.Bytes(), []byte(token)) {
				t.Error("the progress output contains the token")
			}
			if !strings.Contains(prog.String(), "zendesk: categories 5 · sections 8 · articles 9") {
				t.Errorf("progress line: %q", prog.String())
			}
			st, err := zendesk.ReadState(out)
			if err != nil || !st.Complete || !slices.Equal(st.Locales, []string{"en-us", "sv"}) {
				t.Errorf("state %+v, %v", st, err)
			}
		})
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestFetchWaitsOutRateLimit(t *testing.T) {
	s := fake(t)
	s.RateLimit, s.RateWindow = 4, 300*time.Millisecond
	rec := &sleeps{scale: 1}
	f := fetcher(s, t.TempDir())
	f.Sleep = rec.sleep
	res, err := f.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.Limited() == 0 || res.RateLimited != s.Limited() {
		t.Errorf("server limited %d requests, fetch counted %d", s.Limited(), res.RateLimited)
	}
	if res.Retries != 0 {
		t.Errorf("a 429 is not a failure, got %d retries", res.Retries)
	}
	// Retry-After: 1 (seconds, rounded up as Zendesk does) was waited out.
	found := false
	for _, d := range rec.waits {
		found = found || d > 500*time.Millisecond
	}
	if !found {
		t.Errorf("no wait of Retry-After's second among %v", rec.waits)
	}
}

func TestFetchRetriesServerErrors(t *testing.T) {
	s := fake(t)
	s.FailNext("/api/v2/help_center/en-us/articles.json?page%5Bsize%5D=100", 500, 503, 0) // two errors, then a dropped connection
	rec := &sleeps{scale: 1}
	f := fetcher(s, t.TempDir())
	f.Sleep = rec.sleep
	res, err := f.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Retries != 3 {
		t.Errorf("retries = %d, want 3", res.Retries)
	}
	if !slices.Equal(rec.waits, []time.Duration{time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond}) {
		t.Errorf("backoff waits = %v, want 1ms, 2ms, 4ms", rec.waits)
	}
}

func TestFetchGivesUpOnPersistentErrors(t *testing.T) {
	s := fake(t)
	s.FailNext("/api/v2/help_center/sv/sections.json?page%5Bsize%5D=100", 500, 500, 500, 500, 500, 500, 500, 500)
	out := t.TempDir()
	f := fetcher(s, out)
	f.MaxRetries = 3
	_, err := f.Run(context.Background())
	var se *zendesk.StatusError
	if !errors.As(err, &se) || se.Status != 500 || !strings.Contains(err.Error(), "sv sections") {
		t.Fatalf("err = %v, want a 500 for the sv sections", err)
	}
	st, _ := zendesk.ReadState(out)
	if st == nil || st.Complete {
		t.Errorf("state after a failed fetch: %+v", st)
	}
}

func TestFetchWrongToken(t *testing.T) {
	s := fake(t)
	f := fetcher(s, t.TempDir())
	f.Token = "wrong-token-value"
	_, err := f.Run(context.Background())
	var se *zendesk.StatusError
	if !errors.As(err, &se) || se.Status != http.StatusUnauthorized || !strings.Contains(err.Error(), "--email") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong-token-value") {
		t.Error("the error shows the token")
	}
}

func TestFetchResumesInterruptedFetch(t *testing.T) {
	// A straight fetch, for comparison.
	want := files(t, func() string {
		out := t.TempDir()
		if _, err := fetcher(fake(t), out).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return out
	}())

	s := fake(t)
	s.PageSize = 2
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var n int
	var mu sync.Mutex
	s.Hook = func(r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 12 {
			cancel() // the writer's laptop goes to sleep
		}
	}
	f := fetcher(s, out)
	f.Workers = 1
	if _, err := f.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted fetch: err = %v", err)
	}
	st, _ := zendesk.ReadState(out)
	if st == nil || st.Complete {
		t.Fatalf("state after the interruption: %+v", st)
	}
	before := len(s.Requests())
	saved := files(t, out)

	s.Hook = nil
	res, err := fetcher(s, out).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resumed {
		t.Error("the second run did not resume")
	}
	// Nothing saved before is asked for again.
	for _, req := range s.Requests()[before:] {
		if strings.HasSuffix(req, "articles.json?page%5Bsize%5D=2") && saved["en-us/articles/page-1.json"] != nil {
			t.Errorf("fetched again: %s", req)
		}
		if strings.Contains(req, "/categories.json?page%5Bsize%5D=2") && saved["en-us/categories/page-1.json"] != nil && strings.Contains(req, "en-us") {
			t.Errorf("fetched again: %s", req)
		}
	}
	got := files(t, out)
	// Page sizes differ from the straight fetch (2 vs 100): compare the files.
	for name, b := range want {
		if strings.HasPrefix(name, "article_attachments/") && !bytes.Equal(got[name], b) {
			t.Errorf("%s differs after resuming", name)
		}
	}
	for name := range got {
		if strings.Contains(name, ".tmp") {
			t.Errorf("temporary file left: %s", name)
		}
	}
}

func TestFetchUpdatesFinishedFetch(t *testing.T) {
	s := fake(t)
	out := t.TempDir()
	if _, err := fetcher(s, out).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Zendesk changes one article; a writer fetches again.
	for i := range s.HC.Articles {
		if s.HC.Articles[i].ID == 400003 {
			s.HC.Articles[i].UpdatedAt = s.HC.Articles[i].UpdatedAt.Add(time.Hour)
			s.HC.Articles[i].Title = "Supported formats"
		}
	}
	before := len(s.Requests())
	res, err := fetcher(s, out).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var lists []string
	for _, r := range s.Requests()[before:] {
		if strings.Contains(r, "/attachments.json") {
			lists = append(lists, r)
		}
	}
	if len(lists) != 1 || !strings.Contains(lists[0], "/articles/400003/") {
		t.Errorf("attachment lists fetched again: %v, want only the changed article's", lists)
	}
	if res.Downloaded != 0 {
		t.Errorf("downloaded %d files again", res.Downloaded)
	}
	page, _ := os.ReadFile(filepath.Join(out, "en-us", "articles", "page-1.json"))
	if !bytes.Contains(page, []byte(`"Supported formats"`)) {
		t.Error("the changed title was not saved")
	}
}

func TestFetchRecordsMissingFiles(t *testing.T) {
	s := fake(t)
	delete(s.HC.Files, 500003)
	out := t.TempDir()
	res, err := fetcher(s, out).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Missing) != 1 || !strings.Contains(res.Missing[0].URL, "format-guide.pdf") || res.Missing[0].Article != 400003 {
		t.Fatalf("missing = %+v", res.Missing)
	}
	st, _ := zendesk.ReadState(out)
	if len(st.Missing) != 1 {
		t.Errorf("fetch.json missing = %+v", st.Missing)
	}
}

func TestFetchRefusesOtherFolders(t *testing.T) {
	s := fake(t)
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := fetcher(s, out).Run(context.Background()); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("err = %v", err)
	}
	other := t.TempDir()
	if _, err := fetcher(s, other).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	f := fetcher(s, other)
	f.URL = "https://another.zendesk.com"
	if _, err := f.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "holds a fetch of") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseAttachment(t *testing.T) {
	for in, want := range map[string]zendesk.AttachmentRef{
		"/hc/article_attachments/123/a.png":                                 {ID: 123, Name: "a.png"},
		"https://x.zendesk.com/hc/en-us/article_attachments/9/b.png":        {ID: 9, Name: "b.png"},
		"https://help.acme.example/hc/article_attachments/9/c%20d.pdf?x=1":  {ID: 9, Name: "c d.pdf"},
		"https://support.example.com/hc/article_attachments/18610744760087": {ID: 18610744760087},
		"/hc/pt-br/article_attachments/360078400393/":                       {ID: 360078400393},
		"/hc/article_attachments/123/..":                                    {},
		"/hc/article_attachments/123/.hidden":                               {},
		"/hc/article_attachments/0/a.png":                                   {},
		"/hc/en-us/articles/123":                                            {},
		"https://cdn.example/img.png":                                       {},
		"javascript:/hc/article_attachments/1/a.png":                        {},
	} {
		got, ok := zendesk.ParseAttachment(in)
		if got != want || ok != (want.ID != 0) {
			t.Errorf("ParseAttachment(%q) = %+v, %v; want %+v", in, got, ok, want)
		}
	}
}

func TestBodyFileURLs(t *testing.T) {
	body := `<p><img src="/hc/article_attachments/1/a.png" alt=x><img src='https://x.zendesk.com/hc/article_attachments/2'>
<a href="/hc/article_attachments/1/a.png">again</a> <video poster="/hc/article_attachments/3/p.jpg"><source src="/hc/en-us/article_attachments/4/v.mp4"></video>
<img src=/hc/article_attachments/5/unquoted.png> <a href="https://cdn.example/x.png">other</a> <img data-src="/hc/article_attachments/6/lazy.png"></p>`
	want := []string{"/hc/article_attachments/1/a.png", "https://x.zendesk.com/hc/article_attachments/2", "/hc/article_attachments/3/p.jpg", "/hc/en-us/article_attachments/4/v.mp4", "/hc/article_attachments/5/unquoted.png"}
	if got := zendesk.BodyFileURLs(body); !slices.Equal(got, want) {
		t.Errorf("BodyFileURLs = %q\nwant %q", got, want)
	}
}
