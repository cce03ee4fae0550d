package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/inexchange/helpcenter/internal/cli"
	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/pipeline"
)

// buildMemoryLimit is the soft memory limit of build and check unless
// GOMEMLIMIT says otherwise: the garbage collector works harder as the
// heap nears it, so a 100,000-article site builds in well under 2 GB.
// Small sites never reach it.
const buildMemoryLimit = 1400 << 20

func softMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(buildMemoryLimit)
	}
}

// siteFlags are the flags every site command shares.
type siteFlags struct {
	source, dest, baseURL, cacheDir string
	drafts, future                  bool
}

func (f *siteFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.source, "source", ".", "site root holding content/, layouts/, static/")
	fs.StringVar(&f.dest, "dest", "public", "output folder")
	fs.StringVar(&f.baseURL, "base-url", "", "absolute site URL (default $URL, then base_url in content/_index.md)")
	fs.BoolVar(&f.drafts, "drafts", false, "include articles marked draft: true")
	fs.BoolVar(&f.future, "future", false, "include articles scheduled for later or already expired")
	fs.StringVar(&f.cacheDir, "cache-dir", "", "processed images kept between builds (default "+pipeline.DefaultCacheDir+" in the site root)")
}

// parse registers the site flags on fs (which may hold a command's own
// flags too) and parses args, which may hold flags only.
func (f *siteFlags) parse(fs *flag.FlagSet, args []string) error {
	f.register(fs)
	if err := cli.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func (f *siteFlags) options() pipeline.Options {
	base := f.baseURL
	if base == "" {
		base = os.Getenv("URL")
	}
	return pipeline.Options{Source: f.source, Dest: f.dest, BaseURL: base, Drafts: f.drafts, Future: f.future, CacheDir: f.cacheDir}
}

// report prints the problems of a run: every error and warning, one per
// line, then a count.
func report(w io.Writer, err error) error {
	var list content.List
	if errors.As(err, &list) {
		for _, e := range list.Sorted() {
			fmt.Fprintln(w, e.Error())
		}
		n := len(list.Errors())
		return fmt.Errorf("%d %s; nothing was written", n, plural(n, "error", "errors"))
	}
	return err
}

func warnings(w io.Writer, list content.List) {
	for _, e := range list.Sorted() {
		fmt.Fprintln(w, e.Error())
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func joinLocales(r *pipeline.Result) string {
	var s []string
	for _, l := range r.Site.Locales {
		s = append(s, l.Code)
	}
	return strings.Join(s, ", ")
}
