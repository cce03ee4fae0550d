package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/cli"
)

// searchesCommand lists the queries readers searched for on the help
// center that found nothing (or few articles), most often missed first:
// what writers should add an article, a word or a synonym for.
var searchesCommand = cli.Command{Name: "searches", Run: runSearches}

func runSearches(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("formhandler searches", stderr)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	sinceFlag := fs.String("since", "30d", "the `period`: 30d (days), 12w (weeks), 720h, or a date such as 2026-11-01")
	limit := fs.Int("limit", 20, "list at most this many queries (0: all)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	now := time.Now().UTC()
	since, err := parseSince(*sinceFlag, now)
	if err != nil {
		return cli.Usagef("--since %q: %v", *sinceFlag, err)
	}
	if *limit < 0 {
		return cli.Usagef("--limit %d: give a positive number, or 0 for all", *limit)
	}
	store, err := openDB(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	list, err := store.MissedSearches(ctx, since, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []cases.MissedSearch{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	fmt.Fprintf(stdout, "Searches that found nothing (or at most %d articles) since %s, most missed first:\n", cases.FewResults, since.Format("2006-01-02"))
	if len(list) == 0 {
		fmt.Fprintln(stdout, "none counted")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "NOTHING\tFEW\tLOCALE\tLAST\t\tQUERY")
	for _, m := range list {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t\t%s\n", m.Nothing, m.Few, m.Locale, m.Last.Format("2006-01-02"), strconv.Quote(m.Query))
	}
	return tw.Flush()
}

var periodRe = regexp.MustCompile(`^([0-9]+)([dw])$`)

// parseSince reads --since: a number of days or weeks back from now ("30d",
// "12w"), a Go duration ("720h"), or a date ("2026-11-01", UTC).
func parseSince(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if m := periodRe.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n <= 0 {
			return time.Time{}, fmt.Errorf("give a positive number of days or weeks")
		}
		if m[2] == "w" {
			n *= 7
		}
		return now.AddDate(0, 0, -n), nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, fmt.Errorf("give a positive period")
		}
		return now.Add(-d), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("write a period such as 30d, 12w or 720h, or a date such as 2026-11-01")
}
