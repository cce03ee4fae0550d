package main

import (
	"flag"
	"strings"

	"github.com/inexchange/helpcenter/internal/cases"
	"github.com/inexchange/helpcenter/internal/cli"
)

// parseFlags applies FORMHANDLER_* environment variables as defaults and
// then the command line, which wins; flags may come before or after the
// arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := cli.FromEnv(fs, "FORMHANDLER_"); err != nil {
		return err
	}
	return cli.Parse(fs, args)
}

// listFlag is a flag that may be repeated or given comma-separated.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

func openDB(db string) (cases.Store, error) {
	if db == "" {
		return nil, cli.Usagef("--db is required (a SQLite file path or a postgres:// URL)")
	}
	return cases.Open(db)
}
