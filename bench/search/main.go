// Command search-bench builds the search index of a gen-corpus folder and
// reports build time, index size by kind of file and, with -out, the time
// to write the files. bench/search/run drives it; see there.
//
// It reads the Markdown crudely (front matter title, "#" lines as headings,
// markup characters stripped), which is enough for a corpus whose cost lies
// in its volume of words; the real pipeline gives Index rendered plain text.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/assets"
	"github.com/inexchange/helpcenter/internal/search"
)

func main() {
	corpus := flag.String("corpus", "", "gen-corpus output folder (holds <locale>/…)")
	locale := flag.String("locale", "en", "locale folder to index")
	out := flag.String("out", "", "write the index files here (public/search/<locale>/ equivalent)")
	runs := flag.Int("runs", 3, "build this many times and report the fastest")
	script := flag.String("script", "", "minify these comma-separated scripts (static/js/search-core.js,static/js/search-ui.js) as the site build does and report their size")
	minified := flag.String("minified", "", "write the minified scripts into this folder, each under its own name")
	flag.Parse()
	if *corpus == "" {
		fmt.Fprintln(os.Stderr, "usage: search-bench -corpus DIR [-locale en] [-out DIR] [-runs 3]")
		os.Exit(2)
	}
	docs, err := load(filepath.Join(*corpus, *locale), *locale)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	textBytes := 0
	for _, d := range docs {
		textBytes += len(d.Text)
	}
	var files map[string][]byte
	best := time.Duration(1<<63 - 1)
	var ms runtime.MemStats
	for range *runs {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		before := ms.TotalAlloc
		start := time.Now()
		files, err = search.Index(*locale, docs, [][]string{{"credentials", "password", "login"}})
		el := time.Since(start)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		runtime.ReadMemStats(&ms)
		if el < best {
			best = el
		}
		fmt.Printf("build: %d articles, %.1f MB text, %v, %.0f MB allocated\n",
			len(docs), float64(textBytes)/1e6, el.Round(time.Millisecond), float64(ms.TotalAlloc-before)/1e6)
	}
	total := 0
	kinds := map[string][2]int{}
	for name, b := range files {
		total += len(b)
		k, _, _ := strings.Cut(name, "/")
		c := kinds[k]
		kinds[k] = [2]int{c[0] + 1, c[1] + len(b)}
	}
	fmt.Printf("fastest build: %v\n", best.Round(time.Millisecond))
	fmt.Printf("index: %d files, %.2f MB in all (Pagefind: 80 MB)\n", len(files), float64(total)/1e6)
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Printf("  %-14s %6d files %9.1f KB\n", k, kinds[k][0], float64(kinds[k][1])/1e3)
	}
	if *script != "" {
		var min bytes.Buffer
		srcBytes := 0
		m := assets.Minifier()
		for _, name := range strings.Split(*script, ",") {
			src, err := os.ReadFile(name)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			srcBytes += len(src)
			before := min.Len()
			if err := m.Minify("application/javascript", &min, bytes.NewReader(src)); err != nil {
				fmt.Fprintf(os.Stderr, "minifying %s: %v\n", name, err)
				os.Exit(1)
			}
			fmt.Printf("script %s: %d bytes, minified %d bytes\n", filepath.Base(name), len(src), min.Len()-before)
			if *minified != "" {
				if err := os.WriteFile(filepath.Join(*minified, filepath.Base(name)), min.Bytes()[before:], 0o644); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
			}
		}
		fmt.Printf("script: %.1f KB, minified %.1f KB\n", float64(srcBytes)/1024, float64(min.Len())/1024)
	}
	if *out != "" {
		// One goroutine, like nothing else running: the kernel's cost of
		// creating the files, which the site build pays in parallel.
		start := time.Now()
		for name, b := range files {
			p := filepath.Join(*out, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		fmt.Printf("write: %d files in %v\n", len(files), time.Since(start).Round(time.Millisecond))
	}
}

// load reads root/<category>/<section>/<slug>.md into Docs.
func load(root, locale string) ([]search.Doc, error) {
	titles := map[string]string{}
	var docs []search.Doc
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		title, description, headings, text, err := readMarkdown(p)
		if err != nil {
			return err
		}
		if parts[len(parts)-1] == "_index.md" {
			titles[strings.Join(parts[:len(parts)-1], "/")] = title
			return nil
		}
		if len(parts) != 3 {
			return nil
		}
		slug := strings.TrimSuffix(parts[2], ".md")
		docs = append(docs, search.Doc{
			URL: "/" + locale + "/articles/" + slug + "/", Title: title, Description: description,
			Section: parts[0] + "/" + parts[1], SectionURL: "/" + locale + "/sections/" + parts[1] + "/",
			Category: parts[0], CategoryURL: "/" + locale + "/categories/" + parts[0] + "/",
			Headings: headings, Text: text,
		})
		return nil
	})
	for i := range docs {
		if t, ok := titles[docs[i].Section]; ok {
			docs[i].Section = t
		}
		if t, ok := titles[docs[i].Category]; ok {
			docs[i].Category = t
		}
	}
	return docs, err
}

// readMarkdown returns the title, description, headings and rough plain
// text of a file.
func readMarkdown(p string) (title, description string, headings []string, text string, err error) {
	f, err := os.Open(p)
	if err != nil {
		return "", "", nil, "", err
	}
	defer f.Close()
	var b strings.Builder
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	inFM := false
	for n := 0; sc.Scan(); n++ {
		line := sc.Text()
		if n == 0 && line == "---" {
			inFM = true
			continue
		}
		if inFM {
			if line == "---" {
				inFM = false
			} else if v, ok := strings.CutPrefix(line, "title:"); ok {
				title = strings.Trim(strings.TrimSpace(v), `"`)
			} else if v, ok := strings.CutPrefix(line, "description:"); ok {
				description = strings.Trim(strings.TrimSpace(v), `"`)
			}
			continue
		}
		if h, ok := strings.CutPrefix(line, "#"); ok {
			h = strings.TrimSpace(strings.TrimLeft(h, "#"))
			headings = append(headings, h)
		}
		line = strings.Map(func(r rune) rune {
			switch r {
			case '#', '*', '`', '|', '>', '[', ']', '(', ')', '_':
				return ' '
			}
			return r
		}, line)
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return title, description, headings, b.String(), sc.Err()
}
