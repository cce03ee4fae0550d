package main

import (
	"context"
	"fmt"
	"io"

	"github.com/inexchange/helpcenter/internal/cli"
	"github.com/inexchange/helpcenter/internal/pipeline"
)

// checkCommand runs the whole build, templates included, and writes
// nothing: every content error and warning of the site, one per line.
var checkCommand = cli.Command{Name: "check", Run: runCheck}

func runCheck(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("helpcenter check", stderr)
	var f siteFlags
	if err := f.parse(fs, args); err != nil {
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
