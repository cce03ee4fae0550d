package cases

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestClientMessages walks every 4xx answer the handler gives and checks,
// in both languages and both answer formats, that the reader is told the
// cause: the message key of that cause, its text translated and complete,
// and never the text of another failure ("something went wrong on our
// side" for a wrong content type, "characters that are not allowed" for a
// damaged body).
func TestClientMessages(t *testing.T) {
	msgs, err := LoadMessages()
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		AllowedOrigins:     []string{"https://help.example.com"},
		TrustedProxyHeader: "X-Nf-Client-Connection-Ip",
		RateLimits: RateLimits{
			CasesPerClient: Limit{Every: time.Hour, Burst: 1},
			CasesPerEmail:  Limit{Every: time.Hour, Burst: 1},
			VotesPerClient: Limit{Every: time.Hour, Burst: 1},
		},
	}
	_, ts := newTestServer(t, cfg)
	signed := Config{NetlifySecret: "s3cret", RateLimits: RateLimits{Off: true}}
	_, tsSigned := newTestServer(t, signed)

	type request struct {
		method, path, ctype, body string
		hdr                       map[string]string
	}
	ip := 0
	// fresh gives each request its own client address, so rate limits
	// only apply where a case primes them.
	fresh := func(r request) request {
		ip++
		h := map[string]string{"X-Nf-Client-Connection-Ip": fmt.Sprintf("2001:db8::%x", ip)}
		for k, v := range r.hdr {
			h[k] = v
		}
		r.hdr = h
		r.body = strings.ReplaceAll(r.body, url.QueryEscape("{n}"), fmt.Sprint(ip))
		return r
	}
	bigFiles, bigFilesLen := multipartFiles(6, 9<<20)
	valid := validForm().Encode()
	tests := []struct {
		name string
		srv  *httptest.Server
		// prime, if set, is sent first (from the same client) to use up a
		// rate limit.
		prime  *request
		req    request
		code   int
		key    string
		header string // a header the answer must carry
	}{
		{name: "415 text/plain case", req: request{method: "POST", path: "/api/cases", ctype: "text/plain", body: "hello"}, code: 415, key: msgUnsupportedType},
		{name: "415 case without a content type", req: request{method: "POST", path: "/api/cases", body: valid}, code: 415, key: msgUnsupportedType},
		{name: "415 vote as XML", req: request{method: "POST", path: "/api/feedback", ctype: "application/xml", body: "<vote/>"}, code: 415, key: msgUnsupportedType},
		{name: "400 damaged JSON", req: request{method: "POST", path: "/api/cases", ctype: "application/json", body: `{"name":`}, code: 400, key: msgUnreadable},
		{name: "400 damaged multipart", req: request{method: "POST", path: "/api/cases", ctype: "multipart/form-data; boundary=X", body: "--X\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAnna"}, code: 400, key: msgUnreadable},
		{name: "400 multipart without boundary", req: request{method: "POST", path: "/api/cases", ctype: "multipart/form-data", body: "x"}, code: 400, key: msgUnreadable},
		{name: "400 bad percent-encoding", req: request{method: "POST", path: "/api/cases", ctype: formType, body: "name=%zz"}, code: 400, key: msgUnreadable},
		{name: "400 JSON field that is not text", req: request{method: "POST", path: "/api/cases", ctype: "application/json", body: `{"name":["a"]}`}, code: 400, key: msgUnreadable},
		{name: "400 counts for a foreign article", req: request{method: "GET", path: "/api/feedback?article=https%3A%2F%2Fevil.example%2F"}, code: 400, key: msgBadArticle},
		{name: "413 urlencoded case", req: request{method: "POST", path: "/api/cases", ctype: formType, body: "description=" + strings.Repeat("x", 70<<10)}, code: 413, key: msgTextTooLarge},
		{name: "413 JSON case", req: request{method: "POST", path: "/api/cases", ctype: "application/json", body: `{"description":"` + strings.Repeat("x", 70<<10) + `"}`}, code: 413, key: msgTextTooLarge},
		{name: "413 multipart case", req: request{method: "POST", path: "/api/cases", ctype: "multipart/form-data; boundary=" + testBoundary, body: readAll(bigFiles(), bigFilesLen)}, code: 413, key: msgTooLarge},
		{name: "413 vote", req: request{method: "POST", path: "/api/feedback", ctype: formType, body: "article=%2Fen%2F&helpful=yes&x=" + strings.Repeat("x", 5<<10)}, code: 413, key: msgFeedbackTooLarge},
		{name: "403 foreign origin", req: request{method: "POST", path: "/api/cases", ctype: formType, body: valid, hdr: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}}, code: 403, key: msgForbidden},
		{name: "403 not through the signed proxy", srv: tsSigned, req: request{method: "POST", path: "/api/cases", ctype: formType, body: valid}, code: 403, key: msgForbidden},
		{name: "404 unknown case number", req: request{method: "GET", path: "/api/cases/HC-0000000000"}, code: 404, key: msgNoCase},
		{name: "404 unknown address", req: request{method: "GET", path: "/api/nothing-here"}, code: 404, key: msgNotFound},
		{name: "405 opening the case form's action", req: request{method: "GET", path: "/api/cases"}, code: 405, key: msgMethod, header: "Allow"},
		{name: "405 deleting votes", req: request{method: "DELETE", path: "/api/feedback"}, code: 405, key: msgMethod, header: "Allow"},
		{name: "422 vote that is neither yes nor no", req: request{method: "POST", path: "/api/feedback", ctype: formType, body: "article=%2Fen%2Farticles%2Fa%2F&helpful=maybe"}, code: 422, key: msgVoteInvalid},
		{name: "429 cases from one client", prime: &request{method: "POST", path: "/api/cases", ctype: formType, body: validFormWith("email", "first-{n}@example.se")},
			req: request{method: "POST", path: "/api/cases", ctype: formType, body: validFormWith("email", "second-{n}@example.se")}, code: 429, key: msgRateLimited, header: "Retry-After"},
		{name: "429 votes from one client", prime: &request{method: "POST", path: "/api/feedback", ctype: formType, body: "article=%2Fen%2Farticles%2Fa%2F&helpful=yes"},
			req: request{method: "POST", path: "/api/feedback", ctype: formType, body: "article=%2Fen%2Farticles%2Fa%2F&helpful=yes"}, code: 429, key: msgVoteRateLimited, header: "Retry-After"},
	}
	for _, tt := range tests {
		for _, locale := range []string{"en", "sv"} {
			for _, asJSON := range []bool{true, false} {
				format := "HTML"
				if asJSON {
					format = "JSON"
				}
				t.Run(tt.name+"/"+locale+"/"+format, func(t *testing.T) {
					srv := tt.srv
					if srv == nil {
						srv = ts
					}
					hdr := map[string]string{"Accept-Language": map[string]string{"en": "en-GB,en;q=0.9", "sv": "sv-SE,sv;q=0.9,en;q=0.5"}[locale]}
					if asJSON {
						hdr["Accept"] = "application/json"
					}
					req := fresh(tt.req)
					for k, v := range hdr {
						req.hdr[k] = v
					}
					if tt.prime != nil {
						p := fresh(*tt.prime)
						p.hdr = req.hdr
						if resp, _ := do(t, srv, p.method, p.path, p.ctype, p.body, p.hdr); resp.StatusCode >= 400 {
							t.Fatalf("priming request: %d", resp.StatusCode)
						}
					}
					resp, body := do(t, srv, req.method, req.path, req.ctype, req.body, req.hdr)
					if resp.StatusCode != tt.code {
						t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.code, body)
					}
					if tt.header != "" && resp.Header.Get(tt.header) == "" {
						t.Errorf("answer lacks %s", tt.header)
					}
					var msg string
					if asJSON {
						var got struct{ Error fieldError }
						if err := json.Unmarshal([]byte(body), &got); err != nil {
							t.Fatalf("JSON answer %q: %v", body, err)
						}
						if got.Error.Key != tt.key {
							t.Fatalf("key %q, want %q (message %q)", got.Error.Key, tt.key, got.Error.Message)
						}
						msg = got.Error.Message
					} else {
						if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, `lang="`+locale+`"`) {
							t.Fatalf("HTML answer %s:\n%s", resp.Header.Get("Content-Type"), body)
						}
						msg = pageMessage(body)
					}
					checkMessage(t, msgs, locale, tt.key, msg)
				})
			}
		}
	}

	t.Run("429 cases from one email address", func(t *testing.T) {
		for _, locale := range []string{"en", "sv"} {
			email := "same-" + locale + "@example.se"
			first := fresh(request{method: "POST", path: "/api/cases", ctype: formType, body: validFormWith("email", email)})
			if resp, _ := do(t, ts, first.method, first.path, first.ctype, first.body, first.hdr); resp.StatusCode != 303 {
				t.Fatalf("first case: %d", resp.StatusCode)
			}
			again := fresh(request{method: "POST", path: "/api/cases", ctype: formType, body: validFormWith("email", email),
				hdr: map[string]string{"Accept": "application/json", "Accept-Language": locale}})
			resp, body := do(t, ts, again.method, again.path, again.ctype, again.body, again.hdr)
			var got struct{ Error fieldError }
			_ = json.Unmarshal([]byte(body), &got)
			if resp.StatusCode != 429 || got.Error.Key != msgRateLimitedEmail || resp.Header.Get("Retry-After") == "" {
				t.Fatalf("second case from %s: %d %s", email, resp.StatusCode, body)
			}
			checkMessage(t, msgs, locale, msgRateLimitedEmail, got.Error.Message)
		}
	})
}

// checkMessage checks that msg is the localized text of key, complete and
// translated.
func checkMessage(t *testing.T, msgs Messages, locale, key, msg string) {
	t.Helper()
	text, ok := msgs[locale][key]
	if !ok {
		t.Fatalf("%s has no message %q", locale, key)
	}
	if msg == "" || strings.Contains(msg, "%!") || strings.Contains(msg, "%s") || strings.Contains(msg, "%d") {
		t.Errorf("message %q is empty or not filled in", msg)
	}
	// The fixed part of the text (before any verb) is in the answer.
	fixed, _, _ := strings.Cut(text, "%")
	if !strings.HasPrefix(msg, fixed) {
		t.Errorf("message %q is not %s's %q", msg, locale, text)
	}
	if locale != DefaultLocale && msgs[locale][key] == msgs[DefaultLocale][key] {
		t.Errorf("%s message for %s is not translated: %q", locale, key, text)
	}
	for _, other := range []string{msgServer, "cases.error.invalid_text"} {
		if o := msgs[locale][other]; msg == o {
			t.Errorf("answer says %q (%s), which is not its cause", msg, other)
		}
	}
}

// pageMessage returns the text of the first paragraph after the heading
// of one of the handler's HTML pages.
func pageMessage(page string) string {
	_, rest, _ := strings.Cut(page, "</h1>")
	_, rest, _ = strings.Cut(rest, "<p>")
	msg, _, _ := strings.Cut(rest, "</p>")
	return html.UnescapeString(msg)
}

func validFormWith(key, value string) string {
	f := validForm()
	f.Set(key, value)
	return f.Encode()
}

func readAll(r io.Reader, n int64) string {
	var b strings.Builder
	b.Grow(int(n))
	_, _ = io.Copy(&b, r)
	return b.String()
}

// do sends one request and returns the answer and its body.
func do(t *testing.T, ts *httptest.Server, method, path, ctype, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(data)
}
