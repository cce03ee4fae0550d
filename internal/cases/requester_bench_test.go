package cases

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// benchFrame is a "Your cases" page of the sample site's size (about 18
// KB: header, compatibility banner, footer with every category).
func benchFrame(_ context.Context, locale string) ([]byte, error) {
	src, _ := testFrame(context.Background(), locale)
	var pad strings.Builder
	for i := range 120 {
		fmt.Fprintf(&pad, `<li><a href=/%s/categories/category-%d/>Category number %d of the help center</a></li>`, locale, i, i)
	}
	return []byte(strings.Replace(string(src), "<footer class=site-footer>", "<footer class=site-footer><ul>"+pad.String()+"</ul>", 1)), nil
}

// benchRequester is a handler whose store holds a requester with 50
// cases, one with a conversation of 20 messages (with files), among
// 1,000 cases of other addresses; it returns the handler, the session
// cookie and the case with the conversation.
func benchRequester(b *testing.B, store Store) (*Server, *http.Cookie, string) {
	b.Helper()
	ctx := context.Background()
	for i := range 1000 {
		c := newCase(fmt.Sprintf("someone else's case %d", i), "")
		c.Fields[caseform.Email] = fmt.Sprintf("other%d@example.se", i)
		if _, _, err := store.CreateCase(ctx, c, nil); err != nil {
			b.Fatal(err)
		}
	}
	var busy string
	for i := range 50 {
		c := newCase(fmt.Sprintf("Invoice %d stuck as undelivered", 1800+i), "")
		c.Fields[caseform.Email] = "anna@example.se"
		c.Fields[caseform.Description] = strings.Repeat("What happened, what I expected, and the error message. ", 12)
		c.Attachments = []Attachment{{Name: "screen.png", ContentType: "image/png", Data: make([]byte, 40<<10)}}
		if _, _, err := store.CreateCase(ctx, c, nil); err != nil {
			b.Fatal(err)
		}
		if i == 25 {
			busy = c.ID
		}
	}
	for i := range 19 {
		ev := &Event{CaseID: busy, Kind: EventComment, Author: AuthorRequester, Body: strings.Repeat("More information about the invoice. ", 15), Source: SourceWeb}
		if i%2 == 1 {
			ev.Author, ev.AuthorName, ev.Source = AuthorSupport, "Eva", SourceZendesk
			ev.ExternalID = fmt.Sprint(9000 + i)
		}
		if i%4 == 0 {
			ev.Attachments = []Attachment{{Name: fmt.Sprintf("log-%d.txt", i), ContentType: "text/plain", Data: make([]byte, 8<<10)}}
		}
		if _, err := store.AddEvent(ctx, ev, nil); err != nil {
			b.Fatal(err)
		}
	}
	srv, err := NewServer(Config{Store: store, Frames: benchFrame, RateLimits: RateLimits{Off: true}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	token, hash := newSecret()
	now := time.Now()
	if err := store.CreateSignIn(ctx, &SignIn{Hash: hash, Email: "anna@example.se", Locale: "en", Created: now, Expires: now.Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/signin/"+token, nil))
	cookies := rec.Result().Cookies()
	if rec.Code != http.StatusSeeOther || len(cookies) != 1 {
		b.Fatalf("sign in: %d", rec.Code)
	}
	return srv, cookies[0], busy
}

// BenchmarkRequesterPages measures what the handler takes to answer a
// signed-in requester (session lookup, store, templates, frame): the list
// of 50 cases and a case with 20 messages, as HTML and as JSON. Run with
// go test -bench RequesterPages ./internal/cases/.
func BenchmarkRequesterPages(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			store := openBenchStore(b, kind)
			srv, cookie, busy := benchRequester(b, store)
			for _, page := range []struct{ name, path, accept string }{
				{"list of 50 cases", "/api/my/cases", ""},
				{"case with 20 messages", "/api/my/cases/" + busy, ""},
				{"list of 50 cases as JSON", "/api/my/cases", "application/json"},
				{"case with 20 messages as JSON", "/api/my/cases/" + busy, "application/json"},
			} {
				b.Run(page.name, func(b *testing.B) {
					var size int
					for b.Loop() {
						req := httptest.NewRequest(http.MethodGet, page.path, nil)
						req.AddCookie(cookie)
						if page.accept != "" {
							req.Header.Set("Accept", page.accept)
						}
						rec := httptest.NewRecorder()
						srv.ServeHTTP(rec, req)
						if rec.Code != 200 {
							b.Fatalf("%s: %d", page.path, rec.Code)
						}
						size = rec.Body.Len()
					}
					b.ReportMetric(float64(size), "bytes/page")
				})
			}
		})
	}
}
