package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/inexchange/helpcenter/internal/cli"
)

// purgeCommand deletes the cases, and the counts of missed searches,
// older than --older-than days.
var purgeCommand = cli.Command{Name: "purge", Run: runPurge}

func runPurge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("formhandler purge", stderr)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	days := fs.Int("older-than", 0, "delete cases older than this many `days`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *days <= 0 {
		return cli.Usagef("--older-than DAYS is required and must be positive")
	}
	store, err := openDB(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	cut := time.Now().AddDate(0, 0, -*days)
	n, err := store.DeleteCasesBefore(ctx, cut)
	if err != nil {
		return err
	}
	m, err := store.DeleteMissedSearchesBefore(ctx, cut)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "deleted %d case(s) and %d missed-search count(s) older than %d days\n", n, m, *days)
	return nil
}
