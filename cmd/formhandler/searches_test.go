package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/cli"
)

func TestSearches(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cases.db")
	s, err := cases.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	for _, m := range []struct {
		ago    int
		locale string
		q      string
		few    bool
	}{{1, "en", "invoice stuck", false}, {2, "en", "invoice stuck", false}, {3, "sv", "faktura fast", false},
		{3, "en", "old browser", true}, {45, "en", "long ago", false}} {
		if err := s.AddMissedSearch(ctx, now.AddDate(0, 0, -m.ago), m.locale, m.q, m.few); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	t.Run("table", func(t *testing.T) {
		var out bytes.Buffer
		if err := program.Exec(ctx, []string{"searches", "--db", db, "--since", "30d"}, &out, &out); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		lines := strings.Split(strings.TrimSpace(got), "\n")
		if len(lines) != 5 || !strings.Contains(lines[2], `"invoice stuck"`) || !strings.Contains(lines[3], `"faktura fast"`) || !strings.Contains(lines[4], `"old browser"`) || strings.Contains(got, "long ago") {
			t.Errorf("searches --since 30d:\n%s", got)
		}
		if f := strings.Fields(lines[2]); f[0] != "2" || f[1] != "0" || f[2] != "en" {
			t.Errorf("counts of invoice stuck = %q, want 2 0 en", f)
		}
	})
	t.Run("json with a limit", func(t *testing.T) {
		var out bytes.Buffer
		if err := program.Exec(ctx, []string{"searches", "--db", db, "--since", "12w", "--limit", "1", "--json"}, &out, &out); err != nil {
			t.Fatal(err)
		}
		var got []cases.MissedSearch
		if err := json.Unmarshal(out.Bytes(), &got); err != nil || len(got) != 1 || got[0].Query != "invoice stuck" {
			t.Errorf("json = %s (%v)", out.String(), err)
		}
	})
	t.Run("nothing counted", func(t *testing.T) {
		var out bytes.Buffer
		empty := seed(t)
		if err := program.Exec(ctx, []string{"searches", "--db", empty}, &out, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "none counted") {
			t.Errorf("searches on a database without counts:\n%s", out.String())
		}
	})
	for _, bad := range []string{"30", "-3d", "0d", "yesterday", "2026-13-01"} {
		t.Run("bad --since "+bad, func(t *testing.T) {
			var out bytes.Buffer
			err := program.Exec(ctx, []string{"searches", "--db", db, "--since", bad}, &out, &out)
			if !cli.IsUsage(err) {
				t.Errorf("--since %q: err = %v, want a usage error", bad, err)
			}
		})
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"30d":        now.AddDate(0, 0, -30),
		"2w":         now.AddDate(0, 0, -14),
		"36h":        now.Add(-36 * time.Hour),
		"2026-11-01": time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got, err := parseSince(in, now); err != nil || !got.Equal(want) {
			t.Errorf("parseSince(%q) = %v, %v, want %v", in, got, err, want)
		}
	}
}
