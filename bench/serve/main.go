// Command serve measures helpcenter serve on a generated corpus:
// startup time against helpcenter build, the time from an editor's
// atomic save of one article to the server answering with the new
// content (median of several edits), and the server's memory.
//
//	go run ./bench/serve [-n 10000] [-edits 5] [-shared ../shared]
//
// It generates the corpus with ../shared/bench/gen-corpus, gives it site
// settings (locales: [en]), builds helpcenter, times `helpcenter build`,
// then starts `helpcenter serve`, waits for the first page, saves edits
// the way editors do (write a temporary file, rename it over the
// article) and polls the article's URL every millisecond until the new
// text is served. Memory is the server's resident set (VmRSS) after the
// edits and its peak (VmHWM), from /proc. Run it on an idle machine.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 10000, "articles in the corpus")
	edits := flag.Int("edits", 5, "edits to time")
	shared := flag.String("shared", "../shared", "folder holding bench/gen-corpus")
	flag.Parse()
	if err := run(*n, *edits, *shared); err != nil {
		fmt.Fprintln(os.Stderr, "bench/serve:", err)
		os.Exit(1)
	}
}

func run(n, edits int, shared string) error {
	tmp, err := os.MkdirTemp("", "bench-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	site := filepath.Join(tmp, "site")
	if err := sh(filepath.Join(shared, "bench", "gen-corpus"), fmt.Sprint(n), filepath.Join(site, "content")); err != nil {
		return err
	}
	settings := "---\ntitle: Benchmark Help Center\nlocales: [en]\n---\n\nBenchmark.\n"
	if err := os.WriteFile(filepath.Join(site, "content", "_index.md"), []byte(settings), 0o644); err != nil {
		return err
	}
	bin := filepath.Join(tmp, "helpcenter")
	if err := sh("go", "build", "-o", bin, "./cmd/helpcenter"); err != nil {
		return err
	}

	t0 := time.Now()
	if err := sh(bin, "build", "--source", site, "--dest", filepath.Join(tmp, "public")); err != nil {
		return err
	}
	buildTime := time.Since(t0)
	os.RemoveAll(filepath.Join(tmp, "public"))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	t0 = time.Now()
	cmd := exec.Command(bin, "serve", "--source", site, "--addr", addr, "--no-api")
	logFile, err := os.Create(filepath.Join(tmp, "serve.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd.Stderr = logFile
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("serve said nothing: %w", err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if !strings.Contains(line, "serving") {
		return fmt.Errorf("serve: %s", line)
	}
	if _, err := waitFor(base+"/en/", nil, time.Minute); err != nil {
		return err
	}
	startup := time.Since(t0)

	articles, err := filepath.Glob(filepath.Join(site, "content", "en", "*", "*", "*.md"))
	if err != nil {
		return err
	}
	var times []time.Duration
	for i := 0; i < edits; i++ {
		file := ""
		for _, a := range articles[i*97%len(articles):] {
			if filepath.Base(a) != "_index.md" {
				file = a
				break
			}
		}
		url := base + "/en/articles/" + strings.TrimSuffix(filepath.Base(file), ".md") + "/"
		src, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		token := fmt.Sprintf("benchmarkedit%dx%d", i, time.Now().UnixNano())
		next := append(append([]byte(nil), src...), []byte("\n\nEdited: "+token+".\n")...)
		tmpFile := filepath.Join(filepath.Dir(file), "."+filepath.Base(file)+".swp")
		if err := os.WriteFile(tmpFile, next, 0o644); err != nil {
			return err
		}
		start := time.Now()
		if err := os.Rename(tmpFile, file); err != nil {
			return err
		}
		if _, err := waitFor(url, []byte(token), 30*time.Second); err != nil {
			return err
		}
		d := time.Since(start)
		times = append(times, d)
		fmt.Printf("edit %d: %s answered with the new text after %v\n", i+1, strings.TrimPrefix(url, base), d.Round(100*time.Microsecond))
		time.Sleep(1500 * time.Millisecond) // let feeds and the search index catch up, as between real saves
	}
	// One front-matter edit: a new title shows in the article's section
	// list (the graph is rebuilt and the pages showing the title rendered).
	file := articles[len(articles)/2]
	if filepath.Base(file) == "_index.md" {
		file = articles[len(articles)/2+1]
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	title := fmt.Sprintf("Retitled %d", time.Now().UnixNano())
	next := bytes.Replace(src, []byte("title: "), []byte("title: "+title+" "), 1)
	tmpFile := filepath.Join(filepath.Dir(file), "."+filepath.Base(file)+".swp")
	if err := os.WriteFile(tmpFile, next, 0o644); err != nil {
		return err
	}
	start := time.Now()
	if err := os.Rename(tmpFile, file); err != nil {
		return err
	}
	if _, err := waitFor(base+"/en/articles/"+strings.TrimSuffix(filepath.Base(file), ".md")+"/", []byte(title), 30*time.Second); err != nil {
		return err
	}
	titleEdit := time.Since(start)
	fmt.Printf("title edit: answered with the new title after %v\n", titleEdit.Round(100*time.Microsecond))
	time.Sleep(2 * time.Second)
	rss, hwm := memory(cmd.Process.Pid)
	if log, err := os.ReadFile(logFile.Name()); err == nil {
		for _, l := range strings.Split(string(log), "\n") {
			if strings.Contains(l, " in ") && strings.Contains(l, "content/") {
				fmt.Println("serve:", l)
			}
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	fmt.Printf("articles=%d build=%v serve-startup=%v (build+%v) edit-median=%v edit-max=%v serve-rss=%dMiB serve-peak-rss=%dMiB\n",
		n, buildTime.Round(time.Millisecond), startup.Round(time.Millisecond), (startup - buildTime).Round(time.Millisecond),
		times[len(times)/2].Round(100*time.Microsecond), times[len(times)-1].Round(100*time.Microsecond), rss>>10, hwm>>10)
	return nil
}

// waitFor polls url every millisecond until it answers 200 (holding want,
// if given) and returns how long that took.
func waitFor(url string, want []byte, limit time.Duration) (time.Duration, error) {
	start := time.Now()
	client := &http.Client{Timeout: 5 * time.Second}
	for time.Since(start) < limit {
		resp, err := client.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && (want == nil || bytes.Contains(body, want)) {
				return time.Since(start), nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return 0, fmt.Errorf("%s did not answer as expected within %v", url, limit)
}

// memory returns VmRSS and VmHWM of a process in KiB.
func memory(pid int) (rss, hwm int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "VmRSS:" {
			fmt.Sscan(f[1], &rss)
		}
		if len(f) >= 2 && f[0] == "VmHWM:" {
			fmt.Sscan(f[1], &hwm)
		}
	}
	return rss, hwm
}

func sh(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}
