package cases

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
)

func newTestServer(t *testing.T, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = openTestSQLite(t)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts
}

// noRedirect is a client that shows 303s instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func validForm() url.Values {
	return url.Values{"name": {"Anna"}, "email": {"anna@example.se"}, "subject": {"Cannot send"},
		"description": {"It fails."}, "category": {"technical"}}
}

func post(t *testing.T, ts *httptest.Server, path, ctype, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", ctype)
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

const formType = "application/x-www-form-urlencoded"

var jsonAccept = map[string]string{"Accept": "application/json"}

func TestPostCase(t *testing.T) {
	srv, ts := newTestServer(t, Config{RateLimits: RateLimits{Off: true}, AllowedOrigins: []string{"https://help.example.com"}})
	ctx := context.Background()

	t.Run("form post without JS: 303 to a confirmation page in the reader's language", func(t *testing.T) {
		f := validForm()
		f.Set("locale", "sv")
		resp, _ := post(t, ts, "/api/cases", formType, f.Encode(), nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", resp.StatusCode)
		}
		loc := resp.Header.Get("Location")
		if !strings.HasPrefix(loc, "/api/cases/HC-") {
			t.Fatalf("Location = %q", loc)
		}
		r, err := http.Get(ts.URL + loc)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/api/cases/")
		if r.StatusCode != 200 || !strings.Contains(string(body), id) || !strings.Contains(string(body), `lang="sv"`) ||
			!strings.Contains(string(body), "Tack, vi har tagit emot ditt ärende") || !strings.Contains(string(body), `href="/sv/"`) {
			t.Errorf("confirmation page %d:\n%s", r.StatusCode, body)
		}
		if _, err := srv.Store().Case(ctx, id); err != nil {
			t.Errorf("case not stored: %v", err)
		}
	})

	t.Run("JSON post: 201 with id, stored with its article", func(t *testing.T) {
		body := `{"name":"Anna","email":"anna@example.se","subject":"S","description":"D","category":"account","article":"/en/articles/a/"}`
		resp, out := post(t, ts, "/api/cases", "application/json", body, jsonAccept)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status = %d: %s", resp.StatusCode, out)
		}
		var got struct{ ID string }
		if err := json.Unmarshal([]byte(out), &got); err != nil || got.ID == "" {
			t.Fatalf("body %q: %v", out, err)
		}
		c, err := srv.Store().Case(ctx, got.ID)
		if err != nil || c.Fields[caseform.Article] != "/en/articles/a/" {
			t.Errorf("stored case %+v, %v", c, err)
		}
	})

	t.Run("invalid JSON post: 422 with every invalid field", func(t *testing.T) {
		resp, out := post(t, ts, "/api/cases", "application/json", `{"name":"A","email":"nope","subject":"a\r\nBcc: x@evil.example"}`, jsonAccept)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status = %d", resp.StatusCode)
		}
		var got struct {
			Errors map[string]fieldError
		}
		_ = json.Unmarshal([]byte(out), &got)
		want := map[string]string{"email": caseform.ErrEmail, "subject": caseform.ErrNewline,
			"description": caseform.ErrRequired, "category": caseform.ErrRequired}
		for f, key := range want {
			if got.Errors[f].Key != key || got.Errors[f].Message == "" {
				t.Errorf("error for %s = %+v, want key %s", f, got.Errors[f], key)
			}
		}
	})

	t.Run("invalid form post: HTML lists every error and keeps the input", func(t *testing.T) {
		f := validForm()
		f.Set("email", "anna-at-example")
		f.Set("subject", "")
		f.Set("description", "Keep <this> text")
		resp, out := post(t, ts, "/api/cases", formType, f.Encode(), nil)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("status %d type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, want := range []string{`href="#field-email"`, `href="#field-subject"`, "Enter an email address",
			`value="anna-at-example"`, "Keep &lt;this&gt; text", `aria-invalid="true"`, `<option value="technical" selected>`} {
			if !strings.Contains(out, want) {
				t.Errorf("error page lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("CR or LF in a mail header field is 422", func(t *testing.T) {
		for _, field := range []string{"name", "email", "subject"} {
			f := validForm()
			f.Set(field, f.Get(field)+"\r\nBcc: victim@example.com")
			resp, _ := post(t, ts, "/api/cases", formType, f.Encode(), jsonAccept)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s with CRLF: status %d, want 422", field, resp.StatusCode)
			}
		}
	})

	t.Run("same idempotency key gives the same case", func(t *testing.T) {
		f := validForm()
		f.Set("idempotency_key", "abc-123")
		_, a := post(t, ts, "/api/cases", formType, f.Encode(), jsonAccept)
		resp, b := post(t, ts, "/api/cases", formType, f.Encode(), jsonAccept)
		if a != b || resp.StatusCode != http.StatusOK {
			t.Errorf("double submit: %s then %d %s", a, resp.StatusCode, b)
		}
	})

	t.Run("foreign origin is 403, allowed origin passes", func(t *testing.T) {
		resp, _ := post(t, ts, "/api/cases", formType, validForm().Encode(), map[string]string{"Origin": "https://evil.example", "Accept": "application/json"})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("foreign origin: %d", resp.StatusCode)
		}
		resp, _ = post(t, ts, "/api/cases", formType, validForm().Encode(), map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site fetch: %d", resp.StatusCode)
		}
		resp, _ = post(t, ts, "/api/cases", formType, validForm().Encode(), map[string]string{"Origin": "https://help.example.com", "Accept": "application/json"})
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("allowed origin: %d", resp.StatusCode)
		}
	})

	t.Run("body over the limit is 413", func(t *testing.T) {
		big := validForm()
		big.Set("description", strings.Repeat("x", 60<<20))
		resp, _ := post(t, ts, "/api/cases", formType, big.Encode(), jsonAccept)
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
	})

	t.Run("unsupported content type is 415", func(t *testing.T) {
		resp, _ := post(t, ts, "/api/cases", "text/plain", "hello", jsonAccept)
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("status %d", resp.StatusCode)
		}
	})

	t.Run("honeypot: normal answer, kept apart, not delivered", func(t *testing.T) {
		f := validForm()
		f.Set("website", "http://spam.example")
		resp, out := post(t, ts, "/api/cases", formType, f.Encode(), jsonAccept)
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("spam answer %d", resp.StatusCode)
		}
		var got struct{ ID string }
		_ = json.Unmarshal([]byte(out), &got)
		c, err := srv.Store().Case(ctx, got.ID)
		if err != nil || !c.Spam {
			t.Fatalf("spam case %+v, %v", c, err)
		}
		jobs, _ := srv.Store().Jobs(ctx, "")
		for _, j := range jobs {
			if j.CaseID == got.ID {
				t.Errorf("spam got a delivery job: %+v", j)
			}
		}
	})

	t.Run("article falls back to the Referer's article parameter", func(t *testing.T) {
		resp, out := post(t, ts, "/api/cases", formType, validForm().Encode(), map[string]string{
			"Accept": "application/json", "Referer": "https://help.example.com/en/articles/submit-a-case/?article=%2Fen%2Farticles%2Fcookies%2F"})
		var got struct{ ID string }
		_ = json.Unmarshal([]byte(out), &got)
		c, err := srv.Store().Case(ctx, got.ID)
		if resp.StatusCode != 201 || err != nil || c.Fields[caseform.Article] != "/en/articles/cookies/" {
			t.Errorf("case %+v, %v", c, err)
		}
	})
}

func multipartBody(t *testing.T, fields url.Values, files map[string][]byte) (string, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for name, data := range files {
		w, _ := mw.CreateFormFile("attachments", name)
		_, _ = w.Write(data)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.String()
}

func TestPostCaseAttachments(t *testing.T) {
	srv, ts := newTestServer(t, Config{RateLimits: RateLimits{Off: true}})
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	tests := []struct {
		name   string
		files  map[string][]byte
		status int
		key    string
	}{
		{"png is stored with its sniffed type", map[string][]byte{"screen.png": png}, 201, ""},
		{"executable renamed to .png is refused", map[string][]byte{"screen.png": []byte("MZ\x90\x00\x03 binary")}, 422, caseform.ErrFileType},
		{"file over 10 MB is refused", map[string][]byte{"big.txt": bytes.Repeat([]byte("a"), 10<<20+1)}, 422, caseform.ErrFileSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct, body := multipartBody(t, validForm(), tt.files)
			resp, out := post(t, ts, "/api/cases", ct, body, jsonAccept)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d: %s", resp.StatusCode, out)
			}
			if tt.key != "" {
				if !strings.Contains(out, tt.key) {
					t.Errorf("body %s lacks %s", out, tt.key)
				}
				return
			}
			var got struct{ ID string }
			_ = json.Unmarshal([]byte(out), &got)
			files, err := srv.Store().Attachments(context.Background(), got.ID)
			if err != nil || len(files) != 1 || files[0].ContentType != "image/png" || !bytes.Equal(files[0].Data, png) {
				t.Errorf("attachments %+v, %v", files, err)
			}
		})
	}
}

func TestRateLimits(t *testing.T) {
	_, ts := newTestServer(t, Config{RateLimits: RateLimits{
		CasesPerClient: Limit{Every: time.Hour, Burst: 3},
		CasesPerEmail:  Limit{Every: time.Hour, Burst: 2},
	}, TrustedProxyHeader: "X-Nf-Client-Connection-Ip"})
	send := func(ip, email string) *http.Response {
		f := validForm()
		f.Set("email", email)
		resp, _ := post(t, ts, "/api/cases", formType, f.Encode(), map[string]string{"Accept": "application/json", "X-Nf-Client-Connection-Ip": ip})
		return resp
	}
	t.Run("per email", func(t *testing.T) {
		for i, want := range []int{201, 201, 429} {
			if got := send("198.51.100.1", "same@example.se").StatusCode; got != want {
				t.Errorf("submit %d from one email: %d, want %d", i+1, got, want)
			}
		}
	})
	t.Run("per client, from the trusted proxy header, with Retry-After", func(t *testing.T) {
		for i := range 3 {
			if got := send("198.51.100.2", "a"+string(rune('a'+i))+"@example.se").StatusCode; got != 201 {
				t.Fatalf("submit %d: %d", i+1, got)
			}
		}
		resp := send("198.51.100.2", "other@example.se")
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
			t.Errorf("4th from one client: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if got := send("198.51.100.3", "third@example.se").StatusCode; got != 201 {
			t.Errorf("another client: %d", got)
		}
	})
}

func TestFeedback(t *testing.T) {
	_, ts := newTestServer(t, Config{RateLimits: RateLimits{Off: true}})
	for _, v := range []string{"yes", "yes", "no"} {
		resp, out := post(t, ts, "/api/feedback", formType, "article=%2Fen%2Farticles%2Fa%2F&helpful="+v, jsonAccept)
		if resp.StatusCode != 200 {
			t.Fatalf("vote: %d %s", resp.StatusCode, out)
		}
	}
	resp, out := post(t, ts, "/api/feedback", formType, "article=%2Fen%2Farticles%2Fa%2F&helpful=no&locale=sv", nil)
	if resp.StatusCode != 200 || !strings.Contains(out, "Tack för din återkoppling") || !strings.Contains(out, `href="/en/articles/a/"`) {
		t.Errorf("no-JS vote page %d:\n%s", resp.StatusCode, out)
	}
	r, err := http.Get(ts.URL + "/api/feedback?article=%2Fen%2Farticles%2Fa%2F")
	if err != nil {
		t.Fatal(err)
	}
	var fc FeedbackCounts
	_ = json.NewDecoder(r.Body).Decode(&fc)
	r.Body.Close()
	if fc.Helpful != 2 || fc.Total != 4 {
		t.Errorf("counts = %+v, want 2 of 4", fc)
	}
	for _, bad := range []string{"article=%2Fen%2F&helpful=maybe", "article=https%3A%2F%2Fevil&helpful=yes"} {
		if resp, _ := post(t, ts, "/api/feedback", formType, bad, jsonAccept); resp.StatusCode != 422 {
			t.Errorf("%s: %d, want 422", bad, resp.StatusCode)
		}
	}
}

func TestHealthAndMetrics(t *testing.T) {
	_, ts := newTestServer(t, Config{RateLimits: RateLimits{Off: true}})
	post(t, ts, "/api/cases", formType, validForm().Encode(), jsonAccept)
	r, err := http.Get(ts.URL + "/healthz")
	if err != nil || r.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", r, err)
	}
	r.Body.Close()
	r, _ = http.Get(ts.URL + "/metrics")
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	for _, want := range []string{"formhandler_cases_created_total 1", `formhandler_http_requests_total{route="POST /cases",code="201"} 1`,
		`formhandler_outbox_jobs{state="pending"}`, "# TYPE formhandler_http_request_duration_seconds histogram"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

func TestNetlifySignature(t *testing.T) {
	_, ts := newTestServer(t, Config{RateLimits: RateLimits{Off: true}, NetlifySecret: "s3cret"})
	tok := func(secret, claims string) string {
		h := b64(`{"alg":"HS256","typ":"JWT"}`) + "." + b64(claims)
		return h + "." + hmacB64(secret, h)
	}
	tests := []struct {
		name, sign string
		want       int
	}{
		{"valid", tok("s3cret", `{"iss":"netlify","exp":9999999999}`), 201},
		{"missing", "", 403},
		{"wrong secret", tok("other", `{"iss":"netlify"}`), 403},
		{"wrong issuer", tok("s3cret", `{"iss":"me"}`), 403},
		{"expired", tok("s3cret", `{"iss":"netlify","exp":1000}`), 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := post(t, ts, "/api/cases", formType, validForm().Encode(), map[string]string{"Accept": "application/json", "X-Nf-Sign": tt.sign})
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func TestMessagesMatchLayouts(t *testing.T) {
	msgs, err := LoadMessages()
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range []string{"en", "sv"} {
		site, err := os.ReadFile("../../layouts/i18n/" + loc + "/cases.toml")
		if err != nil {
			t.Fatal(err)
		}
		embedded, _ := messageFiles.ReadFile("messages/" + loc + ".toml")
		if !bytes.Equal(site, embedded) {
			t.Errorf("internal/cases/messages/%s.toml differs from layouts/i18n/%s/cases.toml: run go generate ./internal/cases", loc, loc)
		}
	}
	// Every key the form and handler use exists in both locales.
	var keys []string
	for _, f := range caseform.Fields {
		keys = append(keys, f.LabelKey(), f.HelpKey())
		for _, o := range f.Options {
			keys = append(keys, f.OptionKey(o))
		}
	}
	keys = append(keys, caseform.ErrRequired, caseform.ErrTooLong, caseform.ErrEmail, caseform.ErrPhone, caseform.ErrOrgNumber,
		caseform.ErrOption, caseform.ErrNewline, caseform.ErrInvalidText, caseform.ErrFileType, caseform.ErrFileSize, caseform.ErrTooManyFiles)
	for _, loc := range []string{"en", "sv"} {
		for _, k := range keys {
			if _, ok := msgs[loc][k]; !ok {
				t.Errorf("%s: missing key %q", loc, k)
			}
		}
		for k := range msgs["en"] {
			if _, ok := msgs[loc][k]; !ok {
				t.Errorf("%s: missing key %q (present in en)", loc, k)
			}
		}
	}
}

func TestNegotiate(t *testing.T) {
	msgs, _ := LoadMessages()
	tests := []struct{ explicit, accept, want string }{
		{"sv", "en", "sv"},
		{"", "sv-SE,sv;q=0.9,en;q=0.8", "sv"},
		{"", "de, en;q=0.5, sv;q=0.7", "sv"},
		{"fr", "fr", "en"},
		{"", "", "en"},
	}
	for _, tt := range tests {
		if got := msgs.Negotiate(tt.explicit, tt.accept); got != tt.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", tt.explicit, tt.accept, got, tt.want)
		}
	}
}

// FuzzParseSubmission feeds arbitrary bodies through the parser and the
// validation: no panic, and whatever is accepted is valid.
func FuzzParseSubmission(f *testing.F) {
	f.Add(formType, validForm().Encode())
	f.Add("application/json", `{"name":"A","email":"a@b.se","helpful":true,"n":1}`)
	f.Add("multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAnna\r\n--X\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"a.png\"\r\n\r\n\x89PNG\r\n\x1a\n\r\n--X--\r\n")
	bodies := newBodyReader(BodyLimits{Multipart: 1 << 20})
	f.Fuzz(func(t *testing.T, ctype, body string) {
		req := httptest.NewRequest(http.MethodPost, "/api/cases", strings.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		sub, release, err := bodies.read(httptest.NewRecorder(), req, false)
		release()
		if err != nil {
			return
		}
		v := caseform.Normalize(sub.values)
		if errs := caseform.Validate(v); len(errs) == 0 {
			for _, name := range []string{caseform.Name, caseform.Email, caseform.Subject} {
				if strings.ContainsAny(v[name], "\r\n") {
					t.Fatalf("accepted %s with a line break", name)
				}
			}
		}
		for _, a := range sub.files {
			if _, key := caseform.CheckAttachment(0, a.Size, a.Data[:min(len(a.Data), 512)]); key != "" {
				t.Fatalf("accepted a file that fails its check: %s", key)
			}
		}
	})
}
