package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/inexchange/helpcenter/internal/caseform"
	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/cli"
)

// caseCommand is what an operator without a ticketing system does to a
// case: set its status, reply to the requester, or read it.
var caseCommand = cli.Command{Name: "case", Run: runCase}

const caseUsage = `Usage:
  formhandler case status ID STATUS --db PATH           set a case's status (new, open, pending, hold, solved, closed)
  formhandler case reply ID --file F --db PATH [flags]  reply to the requester with the text in F (- for stdin)
  formhandler case show ID --db PATH [--json]           a case and its conversation

The requester sees the change on the case's page; a reply is mailed to
them with a link back by a running "formhandler serve" (--smtp-host).
`

func runCase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, caseUsage)
		if len(args) == 0 {
			return cli.Usagef("give status, reply or show")
		}
		return nil
	}
	switch args[0] {
	case "status":
		return runCaseStatus(ctx, args[1:], stdout, stderr)
	case "reply":
		return runCaseReply(ctx, args[1:], stdout, stderr)
	case "show":
		return runCaseShow(ctx, args[1:], stdout, stderr)
	}
	return cli.Usagef("unknown case command %q: use status, reply or show", args[0])
}

// openCase opens the store and reads the case named by id.
func openCase(ctx context.Context, db, id string) (cases.Store, *cases.Case, error) {
	store, err := openDB(db)
	if err != nil {
		return nil, nil, err
	}
	c, err := store.Case(ctx, id)
	if errors.Is(err, cases.ErrNotFound) {
		store.Close()
		return nil, nil, fmt.Errorf("there is no case %q (formhandler export lists them)", id)
	}
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, c, nil
}

func runCaseStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("formhandler case status", stderr)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return cli.Usagef("give the case number and the status: formhandler case status HC-… pending")
	}
	id, status := fs.Arg(0), strings.ToLower(fs.Arg(1))
	if !cases.ValidStatus(status) {
		return cli.Usagef("status %q: use one of %s", fs.Arg(1), strings.Join(cases.Statuses, ", "))
	}
	store, c, err := openCase(ctx, *db, id)
	if err != nil {
		return err
	}
	defer store.Close()
	if c.Status == status {
		fmt.Fprintf(stdout, "case %s is %s already\n", c.ID, status)
		return nil
	}
	ev := &cases.Event{CaseID: c.ID, Kind: cases.EventStatus, Author: cases.AuthorSupport, Status: status, Source: cases.SourceCLI}
	if _, err := store.AddEvent(ctx, ev, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "case %s: %s → %s\n", c.ID, c.Status, status)
	return nil
}

func runCaseReply(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("formhandler case reply", stderr)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	file := fs.String("file", "", "`file` with the reply's text, - for stdin (required)")
	status := fs.String("status", "", "also set this `status`, e.g. pending when the reply asks something")
	author := fs.String("author", "", "the `name` the requester sees with the reply (default: Support)")
	notify := fs.Bool("notify", true, "mail the requester the reply (a running serve with --smtp-host sends it)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *file == "" {
		return cli.Usagef("give the case number and --file: formhandler case reply HC-… --file reply.txt")
	}
	if *status != "" && !cases.ValidStatus(strings.ToLower(*status)) {
		return cli.Usagef("--status %q: use one of %s", *status, strings.Join(cases.Statuses, ", "))
	}
	var text []byte
	var err error
	if *file == "-" {
		text, err = io.ReadAll(os.Stdin)
	} else {
		text, err = os.ReadFile(*file)
	}
	if err != nil {
		return fmt.Errorf("read the reply: %w", err)
	}
	body := strings.TrimSpace(strings.ReplaceAll(string(text), "\r\n", "\n"))
	if key := caseform.ValidateField(caseform.Description, body); key != "" {
		switch key {
		case caseform.ErrRequired:
			return fmt.Errorf("%s: the reply is empty", *file)
		case caseform.ErrTooLong:
			f, _ := caseform.Lookup(caseform.Description)
			return fmt.Errorf("%s: the reply is longer than %d characters", *file, f.MaxLen)
		}
		return fmt.Errorf("%s: the reply holds control characters that cannot be shown", *file)
	}
	store, c, err := openCase(ctx, *db, fs.Arg(0))
	if err != nil {
		return err
	}
	defer store.Close()
	var kinds []string
	if *notify {
		kinds = []string{cases.KindNotify}
	}
	ev := &cases.Event{CaseID: c.ID, Kind: cases.EventComment, Author: cases.AuthorSupport, AuthorName: *author, Body: body,
		Status: strings.ToLower(*status), Source: cases.SourceCLI}
	if _, err := store.AddEvent(ctx, ev, kinds); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reply %d added to case %s", ev.ID, c.ID)
	if ev.Status != "" {
		fmt.Fprintf(stdout, " (status %s)", ev.Status)
	}
	if *notify {
		fmt.Fprintf(stdout, "; a running formhandler serve mails it to %s", c.Fields[caseform.Email])
	}
	fmt.Fprintln(stdout)
	return nil
}

func runCaseShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("formhandler case show", stderr)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return cli.Usagef("give the case number: formhandler case show HC-…")
	}
	store, c, err := openCase(ctx, *db, fs.Arg(0))
	if err != nil {
		return err
	}
	defer store.Close()
	events, err := store.Conversation(ctx, c.ID)
	if err != nil {
		return err
	}
	if *asJSON {
		if events == nil {
			events = []cases.Event{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"case": c, "conversation": events})
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "case\t%s\nsubject\t%s\nrequester\t%s <%s>\nstatus\t%s\ncreated\t%s\nupdated\t%s\n", c.ID, c.Fields[caseform.Subject],
		c.Fields[caseform.Name], c.Fields[caseform.Email], c.Status, c.Created.Format(time.RFC3339), c.Updated.Format(time.RFC3339))
	if c.TicketID != "" {
		fmt.Fprintf(tw, "ticket\t%s\n", c.TicketID)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%s\n", c.Fields[caseform.Description])
	for _, e := range events {
		who := e.Author
		if e.AuthorName != "" {
			who += " (" + e.AuthorName + ")"
		}
		if e.Kind == cases.EventStatus {
			fmt.Fprintf(stdout, "\n--- %s, %s: status %s\n", e.Created.Format(time.RFC3339), who, e.Status)
			continue
		}
		fmt.Fprintf(stdout, "\n--- %s, %s:\n%s\n", e.Created.Format(time.RFC3339), who, e.Body)
		for _, a := range e.Attachments {
			fmt.Fprintf(stdout, "[file: %s, %s, %d bytes]\n", a.Name, a.ContentType, a.Size)
		}
	}
	return nil
}
