package zendesk

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress keeps the counters of a fetch and prints them as one line:
// rewritten in place on a terminal, a new line every interval otherwise.
type progress struct {
	w        io.Writer
	terminal bool
	every    time.Duration

	mu        sync.Mutex
	counts    map[string]int
	itemCount map[string]int
	phaseName string
	phaseDone int
	phaseAll  int
	bytesDone int64
	waitUntil time.Time
	changed   bool
	lastLen   int
	quit      chan struct{}
	wg        sync.WaitGroup
}

func newProgress(w io.Writer, terminal bool, every time.Duration) *progress {
	p := &progress{w: w, terminal: terminal, every: every, counts: map[string]int{}, itemCount: map[string]int{}, phaseName: "lists", quit: make(chan struct{})}
	if w == nil {
		return p
	}
	tick := every
	if terminal {
		tick = 200 * time.Millisecond
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-p.quit:
				return
			case <-t.C:
				p.print(false)
			}
		}
	}()
	return p
}

func (p *progress) add(name string) {
	p.mu.Lock()
	p.counts[name]++
	p.changed = true
	p.mu.Unlock()
}

func (p *progress) request() { p.add("requests") }
func (p *progress) retry()   { p.add("retries") }
func (p *progress) limited() { p.add("limited") }
func (p *progress) page()    { p.add("pages") }

func (p *progress) count(name string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[name]
}

func (p *progress) items(kind string, n int) {
	p.mu.Lock()
	p.itemCount[kind] += n
	p.changed = true
	p.mu.Unlock()
}

func (p *progress) phase(name string, total int) {
	p.mu.Lock()
	p.phaseName, p.phaseDone, p.phaseAll, p.changed = name, 0, total, true
	p.mu.Unlock()
}

func (p *progress) done() {
	p.mu.Lock()
	p.phaseDone++
	p.changed = true
	p.mu.Unlock()
}

func (p *progress) bytes(n int64) {
	p.mu.Lock()
	p.bytesDone += n
	p.mu.Unlock()
}

func (p *progress) waiting(d time.Duration) {
	p.mu.Lock()
	if t := time.Now().Add(d); t.After(p.waitUntil) {
		p.waitUntil = t
		p.changed = true
	}
	p.mu.Unlock()
}

// line renders the current state, e.g. "zendesk: articles 1,200 ·
// categories 12 · sections 80 · files 340/1,200 (52 MB) · 1,644 requests ·
// rate limited, waiting 42 s".
func (p *progress) line() string {
	var parts []string
	for _, k := range Kinds {
		if n, ok := p.itemCount[k]; ok {
			parts = append(parts, fmt.Sprintf("%s %s", k, thousands(n)))
		}
	}
	if p.phaseName != "lists" {
		s := fmt.Sprintf("%s %s/%s", p.phaseName, thousands(p.phaseDone), thousands(p.phaseAll))
		if p.phaseName == "files" && p.bytesDone > 0 {
			s += fmt.Sprintf(" (%s)", SizeText(p.bytesDone))
		}
		parts = append(parts, s)
	}
	parts = append(parts, thousands(p.counts["requests"])+" requests")
	if n := p.counts["retries"]; n > 0 {
		parts = append(parts, thousands(n)+" retried")
	}
	if d := time.Until(p.waitUntil); d > 0 {
		parts = append(parts, fmt.Sprintf("rate limited, waiting %d s", int(d.Round(time.Second)/time.Second)))
	}
	return "zendesk: " + strings.Join(parts, " · ")
}

func (p *progress) print(final bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.w == nil || (!p.changed && !final) {
		return
	}
	p.changed = false
	l := p.line()
	if p.terminal {
		pad := ""
		if n := p.lastLen - len(l); n > 0 {
			pad = strings.Repeat(" ", n)
		}
		p.lastLen = len(l)
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.w, "\r%s%s%s", l, pad, end)
		return
	}
	fmt.Fprintln(p.w, l)
}

func (p *progress) stop() {
	if p.w == nil {
		return
	}
	close(p.quit)
	p.wg.Wait()
	p.print(true)
}

// thousands writes n with thousands separators: 12,345.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// SizeText writes a number of bytes for people: "52.3 MB", "340 KB".
func SizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
