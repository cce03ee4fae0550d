// Command zendesk measures the Zendesk import side by side with the
// build, in one run on one machine:
//
//	go run ./bench/zendesk [-n 10000] [-images 1] [-size 640x400] [-fetch 300] [-rate 700] [-window 3s]
//
// Convert: it generates a help center of -n articles (zendesktest.Generate:
// two locales, 30 % translated, -images unique screenshots per article, a
// PDF for every tenth), writes it as the saved folder a fetch leaves
// (zendesktest.WriteExport), then times, each in its own process,
// converting that folder into a site (convert.Run, what `helpcenter import
// zendesk --from` does before its check), building the site with a cold
// image cache and building it again with the cache warm (`helpcenter
// build`), and prints wall time, peak memory and the ratios.
//
// Fetch: it serves a help center of -fetch articles from the fake Zendesk
// with a rate limit of -rate requests a minute (counted in windows of
// -window, answered 429 with Retry-After beyond it, as Zendesk does),
// fetches it with the importer, and prints the requests a minute achieved
// against those allowed; then the same fetch without a limit, which is
// what the importer itself can do.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/inexchange/helpcenter/internal/zendesk"
	"github.com/inexchange/helpcenter/internal/zendesk/convert"
	"github.com/inexchange/helpcenter/internal/zendesk/zendesktest"
)

func main() {
	if len(os.Args) == 4 && os.Args[1] == "convert" {
		// The child process that converts, so that it is measured alone.
		if _, err := convert.Run(convert.Options{From: os.Args[2], Site: os.Args[3], LocaleMap: map[string]string{"en-us": "en"}}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	n := flag.Int("n", 10000, "articles to convert and build")
	images := flag.Int("images", 1, "screenshots per article")
	size := flag.String("size", "640x400", "screenshot size")
	fetchN := flag.Int("fetch", 2500, "articles of the rate-limited fetch (0 skips it)")
	rate := flag.Int("rate", 700, "requests a minute the fake Zendesk allows (Zendesk Suite Enterprise: 700)")
	window := flag.Duration("window", time.Minute, "the fake's counting window (Zendesk counts a minute)")
	skipConvert := flag.Bool("fetch-only", false, "only the fetch benchmark")
	flag.Parse()
	var w, h int
	if _, err := fmt.Sscanf(*size, "%dx%d", &w, &h); err != nil {
		fmt.Fprintln(os.Stderr, "-size: want WIDTHxHEIGHT")
		os.Exit(2)
	}
	tmp, err := os.MkdirTemp("", "bench-zendesk-")
	check(err)
	defer os.RemoveAll(tmp)
	if !*skipConvert {
		check(convertVsBuild(tmp, *n, *images, w, h))
	}
	if *fetchN > 0 {
		check(fetchRate(tmp, *fetchN, *rate, *window))
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/zendesk:", err)
		os.Exit(1)
	}
}

// measured is one timed child process.
type measured struct {
	wall time.Duration
	rss  int64 // peak resident set, KiB
}

func (m measured) String() string {
	return fmt.Sprintf("%6.1f s, %5d MiB peak", m.wall.Seconds(), m.rss/1024)
}

func run(name string, args ...string) (measured, error) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	out, err := cmd.Output()
	m := measured{wall: time.Since(start)}
	if err != nil {
		return m, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rss = ru.Maxrss
	}
	return m, nil
}

func convertVsBuild(tmp string, n, images, w, h int) error {
	start := time.Now()
	hc := zendesktest.Generate(zendesktest.Options{Articles: n, Images: images, ImageWidth: w, ImageHeight: h})
	export := filepath.Join(tmp, "export")
	if err := hc.WriteExport(export, "https://acme.zendesk.com"); err != nil {
		return err
	}
	versions := len(hc.Articles)
	fmt.Printf("fixture: %d articles (%d article versions in 2 locales), %d files, written in %.1f s\n", n, versions, len(hc.Files), time.Since(start).Seconds())
	hc = nil

	bin := filepath.Join(tmp, "bin")
	for _, b := range [][]string{{"-o", filepath.Join(bin, "helpcenter"), "./cmd/helpcenter"}, {"-o", filepath.Join(bin, "convert"), "./bench/zendesk"}} {
		if out, err := exec.Command("go", append([]string{"build"}, b...)...).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", b[2], err, out)
		}
	}
	site := filepath.Join(tmp, "site")
	conv, err := run(filepath.Join(bin, "convert"), "convert", export, site)
	if err != nil {
		return err
	}
	cache := filepath.Join(tmp, "cache")
	build := func() (measured, error) {
		return run(filepath.Join(bin, "helpcenter"), "build", "--source", site, "--dest", filepath.Join(tmp, "public"), "--cache-dir", cache)
	}
	cold, err := build()
	if err != nil {
		return err
	}
	warm, err := build()
	if err != nil {
		return err
	}
	fmt.Printf("convert (saved folder → content/):   %s\n", conv)
	fmt.Printf("build, image cache cold:             %s\n", cold)
	fmt.Printf("build, image cache warm:             %s\n", warm)
	fmt.Printf("ratio convert/build: cold %.2f, warm %.2f\n", conv.wall.Seconds()/cold.wall.Seconds(), conv.wall.Seconds()/warm.wall.Seconds())
	return nil
}

func fetchRate(tmp string, n, rate int, window time.Duration) error {
	hc := zendesktest.Generate(zendesktest.Options{Articles: n, ImageWidth: 64, ImageHeight: 40, Seed: 7})
	type run struct {
		res      *zendesk.Result
		answered []time.Time
	}
	fetch := func(limit int) (run, error) {
		s := zendesktest.New(hc)
		defer s.Close()
		s.RateLimit, s.RateWindow = limit, window
		out, err := os.MkdirTemp(tmp, "fetch-")
		if err != nil {
			return run{}, err
		}
		res, err := (&zendesk.Fetcher{URL: s.URL, Out: out}).Run(context.Background())
		return run{res, s.APIAnswered()}, err
	}
	perWindow := max(1, int(int64(rate)*int64(window)/int64(time.Minute)))
	limited, err := fetch(perWindow)
	if err != nil {
		return err
	}
	free, err := fetch(0)
	if err != nil {
		return err
	}
	allowed := float64(perWindow) * float64(time.Minute) / float64(window)
	// API requests answered in each whole window of the fake (windows
	// start with the first request); the last, partial one is left out.
	first := limited.answered[0]
	var counts []int
	for _, t := range limited.answered {
		i := int(t.Sub(first) / window)
		for len(counts) <= i {
			counts = append(counts, 0)
		}
		counts[i]++
	}
	whole := counts[:len(counts)-1]
	sum := 0
	var parts []string
	for _, c := range whole {
		sum += c
		parts = append(parts, fmt.Sprint(c))
	}
	fmt.Printf("fetch of %d articles: %d API requests, %d files; the fake allows %d API requests every %v (%.0f a minute)\n", n, len(limited.answered), limited.res.Files, perWindow, window, allowed)
	if len(whole) == 0 {
		fmt.Printf("  %.1f s: the fetch fitted in one window; fetch more articles (-fetch) to see the limit\n", limited.res.Took.Seconds())
	} else {
		got := float64(sum) / float64(len(whole)) * float64(time.Minute) / float64(window)
		fmt.Printf("  %.1f s; answered per whole window: %s = %.0f a minute, %.3f of the limit; %d refused with 429 and waited out\n", limited.res.Took.Seconds(), strings.Join(parts, ", "), got, got/allowed, limited.res.RateLimited)
	}
	rateFree := float64(len(free.answered)) / free.res.Took.Minutes()
	fmt.Printf("  without a limit: %.1f s, %.0f API requests a minute (%.0f times the limit)\n", free.res.Took.Seconds(), rateFree, rateFree/allowed)
	return nil
}
