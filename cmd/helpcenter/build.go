package main

import (
	"context"
	"fmt"
	"io"

	"github.com/inexchange/helpcenter/internal/cli"
	"github.com/inexchange/helpcenter/internal/pipeline"
)

// buildCommand builds the site into --dest, replacing it only when the
// whole build succeeded.
var buildCommand = cli.Command{Name: "build", Run: runBuild}

func runBuild(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("helpcenter build", stderr)
	var f siteFlags
	if err := f.parse(fs, args); err != nil {
		return err
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
