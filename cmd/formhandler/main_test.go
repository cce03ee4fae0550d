package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inexchange/helpcenter/internal/caseform"
	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/cli"
)

func seed(t *testing.T, subjects ...string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "cases.db")
	s, err := cases.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, subj := range subjects {
		c := &cases.Case{Locale: "en", Fields: caseform.Values{caseform.Name: "=HYPERLINK(\"http://evil\")", caseform.Email: "a@example.se",
			caseform.Subject: subj, caseform.Description: "line 1\nline 2", caseform.Category: "other"}}
		if _, _, err := s.CreateCase(context.Background(), c, []string{cases.KindSupportMail}); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestExport(t *testing.T) {
	db := seed(t, "first", "+SUM(A1)")
	t.Run("json", func(t *testing.T) {
		var out bytes.Buffer
		if err := program.Exec(context.Background(), []string{"export", "--db", db}, &out, &out); err != nil {
			t.Fatal(err)
		}
		var got []map[string]any
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("%v:\n%s", err, out.String())
		}
		if len(got) != 2 || got[0]["subject"] != "first" || got[0]["id"] == "" || got[0]["created"] == nil || got[1]["description"] != "line 1\nline 2" {
			t.Errorf("export = %v", got)
		}
	})
	t.Run("csv defuses formulas", func(t *testing.T) {
		var out bytes.Buffer
		if err := program.Exec(context.Background(), []string{"export", "--db", db, "--format", "csv"}, &out, &out); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&out).ReadAll()
		if err != nil || len(rows) != 3 {
			t.Fatalf("rows %v, %v", rows, err)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		if rows[1][col["name"]] != "'=HYPERLINK(\"http://evil\")" || rows[2][col["subject"]] != "'+SUM(A1)" || rows[1][col["subject"]] != "first" {
			t.Errorf("csv rows %q", rows[1:])
		}
	})
}

func TestOperatorCommands(t *testing.T) {
	db := seed(t, "one")
	var out bytes.Buffer
	if err := program.Exec(context.Background(), []string{"outbox", "--db", db, "--state", "all", "--json"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	var jobs []cases.Job
	if err := json.Unmarshal(out.Bytes(), &jobs); err != nil || len(jobs) != 1 || jobs[0].State != cases.JobPending {
		t.Fatalf("outbox = %s, %v", out.String(), err)
	}
	out.Reset()
	if err := program.Exec(context.Background(), []string{"retry", "--db", db, "1"}, &out, &out); err != nil || !strings.Contains(out.String(), "1 job") {
		t.Errorf("retry: %v %s", err, out.String())
	}
	out.Reset()
	if err := program.Exec(context.Background(), []string{"purge", "--db", db, "--older-than", "30"}, &out, &out); err != nil || !strings.Contains(out.String(), "deleted 0") {
		t.Errorf("purge: %v %s", err, out.String())
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"no command", nil, nil},
		{"unknown command", []string{"frobnicate"}, nil},
		{"serve without db", []string{"serve"}, nil},
		{"bad export format", []string{"export", "--db", "x.db", "--format", "xml"}, nil},
		{"bad rate limit from env", []string{"serve", "--db", "x.db"}, map[string]string{"FORMHANDLER_RATE_LIMIT": "maybe"}},
		{"retry without ids", []string{"retry", "--db", "x.db"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out bytes.Buffer
			err := program.Exec(context.Background(), tt.args, &out, &out)
			if !cli.IsUsage(err) {
				t.Errorf("err = %v, want a usage error", err)
			}
			if code := program.Run(context.Background(), tt.args, &out, &out); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
		})
	}
}

func TestEnvironmentFlags(t *testing.T) {
	db := seed(t, "from env")
	t.Setenv("FORMHANDLER_DB", db)
	t.Setenv("FORMHANDLER_FORMAT", "csv")
	var out bytes.Buffer
	if err := program.Exec(context.Background(), []string{"export"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "id,name,") || !strings.Contains(out.String(), "from env") {
		t.Errorf("export from env: %s", out.String())
	}
}

// TestFlagsAfterArguments: retry's job ids may come before the flags.
func TestFlagsAfterArguments(t *testing.T) {
	db := seed(t, "one")
	var out bytes.Buffer
	if err := program.Exec(context.Background(), []string{"retry", "1", "--db", db}, &out, &out); err != nil || !strings.Contains(out.String(), "1 job") {
		t.Errorf("retry 1 --db …: %v %s", err, out.String())
	}
}

// TestCaseCommands: an operator without a ticketing system sets a status
// and replies; the requester's page data and a queued reply mail follow.
func TestCaseCommands(t *testing.T) {
	db := seed(t, "needs an answer")
	s, err := cases.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	_ = s.EachCase(context.Background(), false, func(c *cases.Case) error { id = c.ID; return nil })
	s.Close()
	reply := filepath.Join(t.TempDir(), "reply.txt")
	if err := os.WriteFile(reply, []byte("Which invoice number?\r\n\r\nRegards, support\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := program.Exec(context.Background(), args, &out, &out); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out.String())
		}
		return out.String()
	}
	if out := run("case", "status", id, "open", "--db", db); !strings.Contains(out, "new → open") {
		t.Errorf("case status: %s", out)
	}
	if out := run("case", "status", id, "OPEN", "--db", db); !strings.Contains(out, "already") {
		t.Errorf("the same status again: %s", out)
	}
	if out := run("case", "reply", id, "--file", reply, "--status", "pending", "--author", "Eva", "--db", db); !strings.Contains(out, "(status pending)") || !strings.Contains(out, "a@example.se") {
		t.Errorf("case reply: %s", out)
	}
	var shown struct {
		Case         cases.Case
		Conversation []cases.Event
	}
	if err := json.Unmarshal([]byte(run("case", "show", id, "--db", db, "--json")), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.Case.Status != cases.StatusPending || len(shown.Conversation) != 2 || shown.Conversation[1].Body != "Which invoice number?\n\nRegards, support" ||
		shown.Conversation[1].AuthorName != "Eva" || shown.Conversation[1].Author != cases.AuthorSupport {
		t.Errorf("case show: %+v", shown)
	}
	if out := run("case", "show", id, "--db", db); !strings.Contains(out, "status\tpending") && !strings.Contains(out, "pending") {
		t.Errorf("case show as text: %s", out)
	}
	var out bytes.Buffer
	_ = program.Exec(context.Background(), []string{"outbox", "--db", db, "--state", "pending", "--json"}, &out, &out)
	var jobs []cases.Job
	_ = json.Unmarshal(out.Bytes(), &jobs)
	found := false
	for _, j := range jobs {
		found = found || j.Kind == cases.KindNotify && j.EventID == shown.Conversation[1].ID
	}
	if !found {
		t.Errorf("no reply mail queued: %s", out.String())
	}
	for _, args := range [][]string{
		{"case"}, {"case", "frobnicate"}, {"case", "status", id, "--db", db}, {"case", "status", id, "resolved", "--db", db},
		{"case", "reply", id, "--db", db}, {"case", "reply", id, "--file", reply, "--status", "done", "--db", db}, {"case", "show", "--db", db},
	} {
		var out bytes.Buffer
		if err := program.Exec(context.Background(), args, &out, &out); !cli.IsUsage(err) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
	empty := filepath.Join(t.TempDir(), "empty.txt")
	_ = os.WriteFile(empty, []byte(" \n"), 0o644)
	for _, args := range [][]string{{"case", "show", "HC-NOPE", "--db", db}, {"case", "reply", id, "--file", empty, "--db", db}} {
		var out bytes.Buffer
		if err := program.Exec(context.Background(), args, &out, &out); err == nil || cli.IsUsage(err) {
			t.Errorf("%v: err = %v, want a plain failure", args, err)
		}
	}
}
