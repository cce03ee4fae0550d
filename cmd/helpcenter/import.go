package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/cli"
	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/pipeline"
	"github.com/inexchange/helpcenter/internal/zendesk"
	"github.com/inexchange/helpcenter/internal/zendesk/convert"
)

// importCommand moves a help center in from another product; Zendesk
// Guide is the one it knows: helpcenter import zendesk ….
var importCommand = cli.Command{Name: "import", Run: runImport}

const importUsage = `Usage:
  helpcenter import zendesk --url https://SUB.zendesk.com --email E --token-env VAR --out DIR
        fetch the help center through its API into DIR (run it again to resume or update)
  helpcenter import zendesk --from DIR [--source SITE] [--locale-map en-us=en,sv=sv] [--force]
        convert DIR into SITE/content/, then check the site as 'helpcenter check' does

Fetch flags:
  --url URL         the help center's Zendesk address
  --email E         a Guide admin's email (without it, only what anonymous readers see)
  --token-env VAR   environment variable holding an API token (default ZENDESK_TOKEN)
  --out DIR         folder for the API's responses and the files
  --locales L,L     only these Zendesk locales (default all)
Convert flags:
  --from DIR        a folder written by --out
  --source SITE     site root; content/ below it is written (default .)
  --locale-map M    Zendesk locale=site locale pairs (default: codes kept)
  --force           overwrite files edited by hand since the last import

Exit status: 0 the imported site builds, 1 something needs you (each one
is named), 2 usage errors.
`

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, importUsage)
		if len(args) == 0 {
			return cli.Usagef("name the help center to import from: helpcenter import zendesk …")
		}
		return flag.ErrHelp
	}
	if args[0] != "zendesk" {
		return cli.Usagef("unknown source %q: helpcenter imports from zendesk", args[0])
	}
	fs := cli.NewFlagSet("helpcenter import zendesk", stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), importUsage) }
	var (
		fetchURL = fs.String("url", "", "")
		email    = fs.String("email", "", "")
		tokenEnv = fs.String("token-env", "ZENDESK_TOKEN", "")
		out      = fs.String("out", "", "")
		locales  = fs.String("locales", "", "")
		from     = fs.String("from", "", "")
		source   = fs.String("source", ".", "")
		localeM  = fs.String("locale-map", "", "")
		force    = fs.Bool("force", false, "")
	)
	if err := cli.Parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	fetching, converting := set["url"] || set["out"], set["from"]
	switch {
	case fetching && converting:
		return cli.Usagef("fetch (--url, --out) and convert (--from) are two runs: fetch first, then convert the folder")
	case fetching:
		for _, f := range []string{"source", "locale-map", "force"} {
			if set[f] {
				return cli.Usagef("--%s belongs to the convert run (--from DIR)", f)
			}
		}
		if *fetchURL == "" || *out == "" {
			return cli.Usagef("a fetch needs --url https://SUB.zendesk.com and --out DIR")
		}
		return fetchZendesk(ctx, *fetchURL, *email, *tokenEnv, *out, *locales, stdout, stderr)
	case converting:
		for _, f := range []string{"email", "token-env", "locales"} {
			if set[f] {
				return cli.Usagef("--%s belongs to the fetch run (--url, --out)", f)
			}
		}
		m, err := convert.ParseLocaleMap(*localeM)
		if err != nil {
			return cli.Usagef("%w", err)
		}
		return convertZendesk(*from, *source, m, *force, stdout, stderr)
	}
	return cli.Usagef("give --url and --out to fetch, or --from to convert a fetched folder")
}

func fetchZendesk(ctx context.Context, rawURL, email, tokenEnv, out, locales string, stdout, stderr io.Writer) error {
	token := ""
	if email != "" {
		token = strings.TrimSpace(os.Getenv(tokenEnv))
		if token == "" {
			return cli.Usagef("--email needs an API token in $%s (Admin Center > Apps and integrations > Zendesk API > Add API token), or pick the variable with --token-env", tokenEnv)
		}
	} else {
		fmt.Fprintln(stderr, "helpcenter import zendesk: no --email: fetching what anonymous readers see (no drafts, no articles limited to signed-in users)")
	}
	f := &zendesk.Fetcher{URL: rawURL, Email: email, Token: token, Out: out, Progress: stderr, Terminal: isTerminal(stderr)}
	for _, l := range strings.Split(locales, ",") {
		if l = strings.TrimSpace(l); l != "" {
			f.Locales = append(f.Locales, zendesk.NormalizeLocale(l))
		}
	}
	res, err := f.Run(ctx)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted: what was fetched is kept; run the same command again to carry on")
		}
		return err
	}
	for _, m := range res.Missing {
		fmt.Fprintf(stderr, "warning: %s (article %d) could not be downloaded: %s\n", m.URL, m.Article, m.Error)
	}
	articles, sections, categories := 0, 0, 0
	for k, n := range res.Items {
		switch {
		case strings.HasSuffix(k, "/articles"):
			articles += n
		case strings.HasSuffix(k, "/sections"):
			sections += n
		case strings.HasSuffix(k, "/categories"):
			categories += n
		}
	}
	verb := "fetched"
	if res.Resumed {
		verb = "finished the fetch of"
	}
	fmt.Fprintf(stdout, "%s %d articles, %d sections and %d categories in %d locales (%s), %d files (%d downloaded, %s) into %s in %v: %d requests",
		verb, articles, sections, categories, len(res.Locales), strings.Join(res.Locales, ", "), res.Files, res.Downloaded, zendesk.SizeText(res.Bytes), out, res.Took.Round(time.Second), res.Requests)
	if res.RateLimited > 0 {
		fmt.Fprintf(stdout, ", %d waits for Zendesk's rate limit", res.RateLimited)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "next: helpcenter import zendesk --from %s --source SITE --locale-map %s\n", out, suggestLocaleMap(res.Locales))
	return nil
}

// suggestLocaleMap proposes site locales for Zendesk's: the language
// alone when only one of the help center's locales has it.
func suggestLocaleMap(locales []string) string {
	count := map[string]int{}
	for _, l := range locales {
		lang, _, _ := strings.Cut(l, "-")
		count[lang]++
	}
	var pairs []string
	for _, l := range locales {
		lang, _, _ := strings.Cut(l, "-")
		site := l
		if count[lang] == 1 {
			site = lang
		}
		pairs = append(pairs, l+"="+site)
	}
	return strings.Join(pairs, ",")
}

func convertZendesk(from, source string, localeMap map[string]string, force bool, stdout, stderr io.Writer) error {
	if st, err := os.Stat(from); err != nil || !st.IsDir() {
		return cli.Usagef("--from %s: not a folder (give the --out folder of a fetch)", from)
	}
	rep, err := convert.Run(convert.Options{From: from, Site: source, LocaleMap: localeMap, Force: force})
	if err != nil {
		return err
	}
	rep.Write(stdout)

	fmt.Fprintf(stdout, "\nchecking the site as helpcenter check does (--source %s):\n", source)
	res, cerr := pipeline.Check(pipeline.Options{Source: source})
	var list content.List
	errorsFound := 0
	switch {
	case errors.As(cerr, &list):
		for _, e := range list.Sorted() {
			fmt.Fprintln(stdout, e.Error())
		}
		errorsFound = len(list.Errors())
	case cerr != nil:
		return fmt.Errorf("checking %s: %w", filepath.Join(source, content.Dir), cerr)
	default:
		warnings(stdout, res.Warnings)
		fmt.Fprintf(stdout, "checked %d pages in %d locales: no errors, %d %s\n", res.Pages, len(res.Site.Locales), len(res.Warnings), plural(len(res.Warnings), "warning", "warnings"))
	}
	var needs []string
	if n := rep.Needing(); n > 0 {
		needs = append(needs, fmt.Sprintf("%d %s of the import (\"needs you\" above)", n, plural(n, "thing", "things")))
	}
	if errorsFound > 0 {
		needs = append(needs, fmt.Sprintf("%d %s of helpcenter check", errorsFound, plural(errorsFound, "error", "errors")))
	}
	if len(needs) > 0 {
		return fmt.Errorf("the imported site needs you: %s", strings.Join(needs, " and "))
	}
	fmt.Fprintln(stdout, "the imported site builds: preview it with helpcenter serve --source", source)
	return nil
}

// isTerminal reports whether w is a terminal, where progress is
// rewritten in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
