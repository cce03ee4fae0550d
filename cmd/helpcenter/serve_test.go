package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer the command writes to while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// waitMatch waits for re in what the buffer holds and returns the match.
func waitMatch(t *testing.T, b *syncBuffer, re *regexp.Regexp, what string) []string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := re.FindStringSubmatch(b.String()); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s in 60s:\n%s", what, b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeOffersYourCases: the preview's in-process form handler takes
// a case, writes the sign-in link to the terminal instead of mailing it,
// and the link opens the reader's cases in the preview's own frame.
func TestServeOffersYourCases(t *testing.T) {
	files := goodSite()
	files["content/en/cases/submit/form.md"] = "---\ntitle: Submit a case\nlayout: case-form\n---\n\nThe form.\n"
	root := site(t, files)
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- program.Run(ctx, []string{"serve", "--source", root, "--addr", "127.0.0.1:0"}, &stdout, &stderr)
	}()
	defer func() {
		cancel()
		<-done
	}()
	base := waitMatch(t, &stdout, regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+)/`), "serving line")[1]

	form := url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "category": {"technical"}, "subject": {"Preview <case>"},
		"description": {"Trying the preview."}, "locale": {"en"}}
	resp, err := http.PostForm(base+"/api/cases", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 { // followed to the confirmation page
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	resp, err = http.PostForm(base+"/api/signin", url.Values{"email": {"ada@example.com"}, "locale": {"en"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	link := waitMatch(t, &stderr, regexp.MustCompile(`link=(http://127\.0\.0\.1:\d+/api/signin/[A-Za-z0-9_-]{43})`), "sign-in link in the log")[1]
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err = client.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(page)
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/api/my/cases" {
		t.Fatalf("the link led to %s: %d", resp.Request.URL, resp.StatusCode)
	}
	for _, want := range []string{"Preview &lt;case&gt;", `<link rel="stylesheet" href="/assets/app.`, `/_helpcenter/live.js`, `href="/en/articles/form/"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the preview's list of cases lacks %s:\n%s", want, body)
		}
	}
}
