package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
	"github.com/inexchange/helpcenter/internal/cases"
)

func openDB(db string) (cases.Store, error) {
	if db == "" {
		return nil, usageError{"--db is required (a SQLite file path or a postgres:// URL)"}
	}
	return cases.Open(db)
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("formhandler export", flag.ContinueOnError)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	format := fs.String("format", "json", "json|csv")
	spam := fs.Bool("spam", false, "include submissions caught by the honeypot")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *format != "json" && *format != "csv" {
		return usageError{fmt.Sprintf("export: --format %q: use json or csv", *format)}
	}
	store, err := openDB(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	if *format == "csv" {
		return exportCSV(ctx, store, *spam, stdout)
	}
	return exportJSON(ctx, store, *spam, stdout)
}

// exportFields are the case fields in export order.
func exportFields() []string { return caseform.TextFields() }

func exportJSON(ctx context.Context, store cases.Store, spam bool, w io.Writer) error {
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	n := 0
	err := store.EachCase(ctx, spam, func(c *cases.Case) error {
		var b strings.Builder
		if n > 0 {
			b.WriteString(",")
		}
		n++
		b.WriteString("\n{")
		kv := func(k string, v any) {
			kj, _ := json.Marshal(k)
			vj, _ := json.Marshal(v)
			if k != "id" {
				b.WriteString(",")
			}
			b.Write(kj)
			b.WriteString(":")
			b.Write(vj)
		}
		kv("id", c.ID)
		for _, f := range exportFields() {
			kv(f, c.Fields[f])
		}
		kv("attachments", attachmentsOrEmpty(c.Attachments))
		if spam {
			kv("spam", c.Spam)
		}
		kv("created", c.Created.Format(time.RFC3339Nano))
		b.WriteString("}")
		_, err := io.WriteString(w, b.String())
		return err
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	_, err = io.WriteString(w, "\n]\n")
	return err
}

func attachmentsOrEmpty(a []cases.Attachment) []cases.Attachment {
	if a == nil {
		return []cases.Attachment{}
	}
	return a
}

// csvSafe defuses spreadsheet formulas: a cell starting with = + - @ or a
// tab/CR gets a leading apostrophe, as OWASP recommends.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func exportCSV(ctx context.Context, store cases.Store, spam bool, w io.Writer) error {
	cw := csv.NewWriter(w)
	header := append([]string{"id"}, exportFields()...)
	header = append(header, "attachments", "spam", "created")
	if err := cw.Write(header); err != nil {
		return err
	}
	err := store.EachCase(ctx, spam, func(c *cases.Case) error {
		row := []string{csvSafe(c.ID)}
		for _, f := range exportFields() {
			row = append(row, csvSafe(c.Fields[f]))
		}
		var names []string
		for _, a := range c.Attachments {
			names = append(names, a.Name)
		}
		row = append(row, csvSafe(strings.Join(names, "; ")), strconv.FormatBool(c.Spam), c.Created.Format(time.RFC3339Nano))
		return cw.Write(row)
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	cw.Flush()
	return cw.Error()
}

func runOutbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("formhandler outbox", flag.ContinueOnError)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	state := fs.String("state", "pending", "pending|dead|done|all")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	switch *state {
	case "all":
		*state = ""
	case cases.JobPending, cases.JobDead, cases.JobDone:
	default:
		return usageError{fmt.Sprintf("outbox: --state %q: use pending, dead, done or all", *state)}
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

func runRetry(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("formhandler retry", flag.ContinueOnError)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	dead := fs.Bool("dead", false, "retry every dead job")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	var ids []int64
	for _, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return usageError{fmt.Sprintf("retry: job id %q is not a number (see formhandler outbox)", a)}
		}
		ids = append(ids, id)
	}
	if *dead == (len(ids) > 0) {
		return usageError{"retry: give either --dead or job ids"}
	}
	store, err := openDB(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.RetryJobs(ctx, time.Now(), ids)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d job(s) queued for delivery; a running formhandler sends them within a second\n", n)
	return nil
}

func runPurge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("formhandler purge", flag.ContinueOnError)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	days := fs.Int("older-than", 0, "delete cases older than this many `days`")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *days <= 0 {
		return usageError{"purge: --older-than DAYS is required and must be positive"}
	}
	store, err := openDB(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.DeleteCasesBefore(ctx, time.Now().AddDate(0, 0, -*days))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "deleted %d case(s) older than %d days\n", n, *days)
	return nil
}
