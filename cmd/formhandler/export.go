package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/cli"
)

// exportCommand writes every case to stdout as JSON or CSV (safe to open
// in a spreadsheet); it works while serve runs.
var exportCommand = cli.Command{Name: "export", Run: runExport}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("formhandler export", stderr)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	format := fs.String("format", "json", "json|csv")
	spam := fs.Bool("spam", false, "include submissions caught by the honeypot")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *format != "json" && *format != "csv" {
		return cli.Usagef("--format %q: use json or csv", *format)
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
