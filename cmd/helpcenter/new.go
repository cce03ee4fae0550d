package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/cli"
	"github.com/inexchange/helpcenter/internal/content"
)

// newCommand creates a draft article from a template:
// helpcenter new <locale>/<category>/<section>/<slug> [--title T] [--layout L].
var newCommand = cli.Command{Name: "new", Run: runNew}

func runNew(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fset := cli.NewFlagSet("helpcenter new", stderr)
	source := fset.String("source", ".", "site root holding content/")
	title := fset.String("title", "", "the article's title (default: from the slug)")
	layout := fset.String("layout", "", "a typed layout: "+strings.Join(content.TypedLayouts(), ", "))
	if err := cli.Parse(fset, args); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		return cli.Usagef("give the article's path: helpcenter new <locale>/<category>/<section>/<slug>")
	}
	rel := strings.TrimSuffix(strings.Trim(filepath.ToSlash(fset.Arg(0)), "/"), ".md")
	rel = strings.TrimPrefix(rel, "content/")
	parts := strings.Split(rel, "/")
	if len(parts) != 4 || slices.ContainsFunc(parts, func(p string) bool { return p == "" || p == "." || p == ".." }) {
		return cli.Usagef("%q: expected <locale>/<category>/<section>/<slug>, e.g. en/cases/submitting/attach-files", fset.Arg(0))
	}
	if s := content.Slugify(parts[3]); s != parts[3] {
		return cli.Usagef("slug %q: use lowercase letters, digits and hyphens, e.g. %q", parts[3], s)
	}
	dir := filepath.Join(*source, content.Dir, parts[0], parts[1], parts[2])
	for _, idx := range []string{filepath.Join(*source, content.Dir, parts[0], parts[1], "_index.md"), filepath.Join(dir, "_index.md")} {
		if _, err := os.Stat(idx); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s does not exist: create the category and section first (an _index.md with a title)", idx)
		}
	}
	path := filepath.Join(dir, parts[3]+".md")
	if *title == "" {
		w := strings.ReplaceAll(parts[3], "-", " ")
		*title = strings.ToUpper(w[:1]) + w[1:]
	}
	today := time.Now().Format("2006-01-02")
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %q\ndescription: \"\"\ndate: %s\nupdated: %s\ndraft: true\nlabels: []\n", *title, today, today)
	if *layout != "" {
		if !slices.Contains(content.TypedLayouts(), *layout) {
			return cli.Usagef("unknown layout %q: known layouts are %s", *layout, strings.Join(content.TypedLayouts(), ", "))
		}
		fmt.Fprintf(&b, "layout: %s\n", *layout)
	}
	b.WriteString("---\n\nWrite the answer first, in one or two sentences.\n\n## Before you start\n\n## Steps\n\n1. \n")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists: choose another slug", path)
		}
		return fmt.Errorf("creating %s: %w", path, err)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "created %s (a draft: preview it with helpcenter serve --drafts, then remove draft: true)\n", path)
	return nil
}
