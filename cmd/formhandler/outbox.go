package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/cli"
)

// outboxCommand lists the delivery jobs in a state, as a table or JSON.
var outboxCommand = cli.Command{Name: "outbox", Run: runOutbox}

func runOutbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("formhandler outbox", stderr)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	state := fs.String("state", "pending", "pending|dead|done|all")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch *state {
	case "all":
		*state = ""
	case cases.JobPending, cases.JobDead, cases.JobDone:
	default:
		return cli.Usagef("--state %q: use pending, dead, done or all", *state)
	}
	store, err := openDB(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	jobs, err := store.Jobs(ctx, *state)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if jobs == nil {
			jobs = []cases.Job{}
		}
		return enc.Encode(jobs)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tCASE\tKIND\tSTATE\tATTEMPTS\tNEXT\tLAST ERROR")
	for _, j := range jobs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%.80s\n", j.ID, j.CaseID, j.Kind, j.State, j.Attempts, j.NextAt.Format(time.RFC3339), j.LastError)
	}
	return tw.Flush()
}
