package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/inexchange/helpcenter/internal/pipeline"
)

func runBuild(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	var f siteFlags
	f.register(fs)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	softMemoryLimit()
	res, err := pipeline.Build(f.options())
	if err != nil {
		return report(stderr, err)
	}
	warnings(stderr, res.Warnings)
	articles := 0
	for _, l := range res.Site.Locales {
		articles += len(l.Articles)
	}
	fmt.Fprintf(stdout, "built %d articles in %d locales (%s): %d pages, %d files into %s in %v",
		articles, len(res.Site.Locales), joinLocales(res), res.Pages, res.Files, f.dest, res.Took.Round(1e6))
	if n := len(res.Warnings); n > 0 {
		fmt.Fprintf(stdout, ", %d %s", n, plural(n, "warning", "warnings"))
	}
	fmt.Fprintln(stdout)
	return nil
}

// buildMemoryLimit is build's soft memory limit unless GOMEMLIMIT says
// otherwise: the garbage collector works harder as the heap nears it, so
// a 100,000-article site builds in well under 2 GB. Small sites never
// reach it.
const buildMemoryLimit = 1400 << 20

func softMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(buildMemoryLimit)
	}
}

func runCheck(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var f siteFlags
	f.register(fs)
	if err := parse(fs, args, stderr); err != nil {
		return err
	}
	softMemoryLimit()
	res, err := pipeline.Check(f.options())
	if err != nil {
		return report(stderr, err)
	}
	warnings(stderr, res.Warnings)
	fmt.Fprintf(stdout, "checked %d pages in %d locales: no errors, %d %s\n", res.Pages, len(res.Site.Locales), len(res.Warnings), plural(len(res.Warnings), "warning", "warnings"))
	return nil
}
