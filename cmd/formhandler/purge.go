package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/inexchange/helpcenter/internal/cli"
)

// purgeCommand deletes the cases that have not changed for --older-than
// days (a closed case: since it was closed), with their conversations,
// files and jobs, and the sessions of addresses left without a case; and
// the counts of missed searches older than that.
var purgeCommand = cli.Command{Name: "purge", Run: runPurge}

func runPurge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("formhandler purge", stderr)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	days := fs.Int("older-than", 0, "delete cases not changed for this many `days` (created, commented on or given a status)")
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
	fmt.Fprintf(stdout, "deleted %d case(s) not changed for %d days, with their conversations and files, and %d missed-search count(s) older than that\n", n, *days, m)
	return nil
}
