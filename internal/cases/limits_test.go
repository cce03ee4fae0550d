package cases

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// filler reads n bytes of 'a' without holding them, so a test can send
// bodies far larger than it wants to keep in memory.
type filler struct{ n int64 }

func (f *filler) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.EOF
	}
	k := int64(len(p))
	if k > f.n {
		k = f.n
	}
	for i := range p[:k] {
		p[i] = 'a'
	}
	f.n -= k
	return int(k), nil
}

// oversized is a body of one kind, its Content-Type and its total length.
type oversized struct {
	name, path, ctype string
	// body returns a fresh reader of the whole body.
	body func() io.Reader
	size int64
	// key is the message key of the 413 answer.
	key string
}

const testBoundary = "limitsboundary"

// multipartFiles is a multipart case body with n files of size bytes each.
func multipartFiles(n int, size int64) (func() io.Reader, int64) {
	head := "--" + testBoundary + "\r\nContent-Disposition: form-data; name=\"subject\"\r\n\r\nBig\r\n"
	part := "--" + testBoundary + "\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"log.txt\"\r\nContent-Type: text/plain\r\n\r\n"
	tail := "--" + testBoundary + "--\r\n"
	total := int64(len(head)+len(tail)) + int64(n)*(int64(len(part))+size+2)
	return func() io.Reader {
		rs := []io.Reader{strings.NewReader(head)}
		for range n {
			rs = append(rs, strings.NewReader(part), &filler{size}, strings.NewReader("\r\n"))
		}
		return io.MultiReader(append(rs, strings.NewReader(tail))...)
	}, total
}

// textBody is a urlencoded or JSON body of about size bytes.
func textBody(prefix, suffix string, size int64) (func() io.Reader, int64) {
	n := size - int64(len(prefix)+len(suffix))
	return func() io.Reader {
		return io.MultiReader(strings.NewReader(prefix), &filler{n}, strings.NewReader(suffix))
	}, size
}

// oversizedBodies returns one body of each kind, over its limit by over
// bytes (limits as configured in l).
func oversizedBodies(l BodyLimits, over int64) []oversized {
	l = l.withDefaults()
	var out []oversized
	add := func(name, path, ctype, key string, body func() io.Reader, size int64) {
		out = append(out, oversized{name, path, ctype, body, size, key})
	}
	b, n := textBody("name=Anna&description=", "", l.Text+over)
	add("urlencoded case", "/api/cases", formType, msgTextTooLarge, b, n)
	b, n = textBody(`{"name":"Anna","description":"`, `"}`, l.Text+over)
	add("JSON case", "/api/cases", "application/json", msgTextTooLarge, b, n)
	// Six files just under the per-file maximum: more than the attachment
	// allowance, which only the body limit refuses.
	per := (l.Multipart + over) / 6
	b, n = multipartFiles(6, per)
	add("multipart case", "/api/cases", "multipart/form-data; boundary="+testBoundary, msgTooLarge, b, n)
	b, n = textBody("article=%2Fen%2Farticles%2Fa%2F&helpful=yes&x=", "", l.Feedback+over)
	add("urlencoded vote", "/api/feedback", formType, msgFeedbackTooLarge, b, n)
	b, n = textBody(`{"article":"/en/articles/a/","helpful":"`, `"}`, l.Feedback+over)
	add("JSON vote", "/api/feedback", "application/json", msgFeedbackTooLarge, b, n)
	b, n = multipartFiles(1, l.Feedback+over)
	add("multipart vote", "/api/feedback", "multipart/form-data; boundary="+testBoundary, msgFeedbackTooLarge, b, n)
	return out
}

// send posts body; chunked sends it without Content-Length.
func send(ts *httptest.Server, path, ctype string, body io.Reader, size int64, chunked bool, hdr map[string]string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, body)
	if err != nil {
		return nil, nil, err
	}
	req.ContentLength = size
	if chunked {
		req.ContentLength = -1
	}
	req.Header.Set("Content-Type", ctype)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

func TestBodyLimits(t *testing.T) {
	srv, ts := newTestServer(t, Config{RateLimits: RateLimits{Off: true}})
	limits := srv.cfg.BodyLimits
	if limits.Text != 64<<10 || limits.Feedback > 4<<10 || limits.Multipart < 50<<20 || limits.Multipart > 51<<20 {
		t.Fatalf("default limits %+v: want 64 KiB text, at most 4 KiB votes, 50 MB of files plus the fields", limits)
	}
	for _, b := range oversizedBodies(BodyLimits{}, 1) {
		for _, chunked := range []bool{false, true} {
			name := b.name + " with Content-Length"
			if chunked {
				name = b.name + " chunked"
			}
			t.Run(name, func(t *testing.T) {
				resp, data, err := send(ts, b.path, b.ctype, b.body(), b.size, chunked, jsonAccept)
				if err != nil {
					t.Fatal(err)
				}
				var got struct{ Error fieldError }
				if resp.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal(data, &got) != nil || got.Error.Key != b.key {
					t.Fatalf("%d %s, want 413 with key %s", resp.StatusCode, data, b.key)
				}
			})
		}
	}

	t.Run("a declared length over the limit is refused before the body is read", func(t *testing.T) {
		var read atomic.Int64
		body := &countingReader{r: &filler{limits.Text + 1}, n: &read}
		resp, _, err := send(ts, "/api/cases", formType, body, limits.Text+1, false, map[string]string{"Accept": "application/json", "Expect": "100-continue"})
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusRequestEntityTooLarge || read.Load() != 0 {
			t.Errorf("status %d after the client sent %d body bytes; want 413 before any (Expect: 100-continue)", resp.StatusCode, read.Load())
		}
	})

	t.Run("a case at the text limit is read and validated", func(t *testing.T) {
		f := validForm()
		f.Set("description", strings.Repeat("å", 10000)) // 10,000 characters: the field's maximum
		f.Set("subject", strings.Repeat("ä", 150))
		resp, out := post(t, ts, "/api/cases", formType, f.Encode(), jsonAccept)
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("%d-byte form at every field's maximum: %d %s", len(f.Encode()), resp.StatusCode, out)
		}
	})

	t.Run("one text field over 64 KB in a multipart case is a text error", func(t *testing.T) {
		ct, body := multipartBody(t, map[string][]string{"description": {strings.Repeat("x", maxFieldBytes+1)}}, nil)
		resp, out := post(t, ts, "/api/cases", ct, body, jsonAccept)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(out, msgTextTooLarge) {
			t.Errorf("%d %s", resp.StatusCode, out)
		}
	})

	t.Run("files within the allowance are taken", func(t *testing.T) {
		b, n := multipartFiles(5, 10<<20)
		resp, data, err := send(ts, "/api/cases", "multipart/form-data; boundary="+testBoundary, b(), n, false, jsonAccept)
		if err != nil {
			t.Fatal(err)
		}
		// The fields are incomplete: 422 means the body was read whole.
		if resp.StatusCode != http.StatusUnprocessableEntity || strings.Contains(string(data), "too_many_files") || strings.Contains(string(data), "file_size") {
			t.Errorf("five 10 MB files: %d %s, want 422 for the missing fields only", resp.StatusCode, data)
		}
	})
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// heapPeak samples the live heap until stop is closed and returns the
// highest value seen.
func heapPeak(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

func heapNow() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// TestBodyMemoryFlat sends 32 oversized bodies of each kind at once, with
// and without Content-Length, and checks the handler's heap does not grow
// with them: declared lengths are refused unread, text bodies stop at
// 64 KB, and multipart bodies share the memory budget.
func TestBodyMemoryFlat(t *testing.T) {
	srv, ts := newTestServer(t, Config{RateLimits: RateLimits{Off: true}})
	limits := srv.cfg.BodyLimits
	const concurrent = 32
	for _, b := range oversizedBodies(BodyLimits{}, 8<<20) {
		for _, chunked := range []bool{false, true} {
			name := b.name + " with Content-Length"
			if chunked {
				name = b.name + " chunked"
			}
			t.Run(name, func(t *testing.T) {
				// What may stay in memory at once: every request's share of
				// its limit, and for multipart the shared budget, read through
				// growing buffers (up to twice what they hold) with the
				// garbage collector running behind.
				bound := int64(concurrent)*3*min(b.size, limits.Text) + 16<<20
				shared := strings.HasPrefix(b.ctype, "multipart") && b.path == "/api/cases"
				if shared && chunked {
					bound = 3*limits.Memory + 16<<20
				}
				base := heapNow()
				stop := make(chan struct{})
				peak := heapPeak(stop)
				var wg sync.WaitGroup
				var refused, reset, busy atomic.Int64
				for range concurrent {
					wg.Add(1)
					go func() {
						defer wg.Done()
						resp, _, err := send(ts, b.path, b.ctype, b.body(), b.size, chunked, jsonAccept)
						switch {
						case err != nil:
							// The handler closes the connection of a body
							// it stopped reading; a client still writing
							// may see that before the answer.
							reset.Add(1)
						case resp.StatusCode == http.StatusRequestEntityTooLarge:
							refused.Add(1)
						case resp.StatusCode == http.StatusServiceUnavailable && shared:
							// Uploads that find the shared budget taken are
							// turned away before their bodies are read; on a
							// slow machine more of them overlap.
							busy.Add(1)
						default:
							t.Errorf("status %d, want 413", resp.StatusCode)
						}
					}()
				}
				wg.Wait()
				close(stop)
				grew := int64(<-peak) - int64(base)
				t.Logf("%d × %d MB: heap grew by at most %.1f MB (bound %.0f MB); %d answered 413, %d answered 503 busy, %d connections closed first",
					concurrent, b.size>>20, float64(grew)/(1<<20), float64(bound)/(1<<20), refused.Load(), busy.Load(), reset.Load())
				if grew > bound {
					t.Errorf("heap grew by %d MB under %d oversized requests, want at most %d MB", grew>>20, concurrent, bound>>20)
				}
				if refused.Load() == 0 {
					t.Errorf("no request got its 413 answer")
				}
			})
		}
	}
}

func TestBodyMemoryBudgetBusy(t *testing.T) {
	srv, ts := newTestServer(t, Config{RateLimits: RateLimits{Off: true},
		BodyLimits: BodyLimits{Multipart: 1 << 20, Memory: 1 << 20, MemoryWait: 50 * time.Millisecond}})
	// Hold the whole budget with a body that is still arriving.
	pr, pw := io.Pipe()
	first := make(chan int, 1)
	go func() {
		resp, _, err := send(ts, "/api/cases", "multipart/form-data; boundary="+testBoundary, pr, -1, true, jsonAccept)
		if err != nil {
			first <- -1
			return
		}
		first <- resp.StatusCode
	}()
	_, _ = io.WriteString(pw, "--"+testBoundary+"\r\n")
	waitFor(t, "the first upload to hold the budget", func() bool {
		if srv.bodies.memory.TryAcquire(1) {
			srv.bodies.memory.Release(1)
			return false
		}
		return true
	})
	resp, data, err := send(ts, "/api/cases", "multipart/form-data; boundary="+testBoundary, strings.NewReader("x"), 1, false, jsonAccept)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(data), msgBusy) {
		t.Errorf("second upload while the budget is held: %d %s (Retry-After %q), want 503 busy", resp.StatusCode, data, resp.Header.Get("Retry-After"))
	}
	pw.CloseWithError(errors.New("client gave up"))
	<-first
	// The budget is free again.
	resp, data, err = send(ts, "/api/cases", "multipart/form-data; boundary="+testBoundary, strings.NewReader("x"), 1, false, jsonAccept)
	if err != nil || resp.StatusCode == http.StatusServiceUnavailable {
		t.Errorf("after the first upload ended: %v %s", err, data)
	}
}
