// Command formhandler receives support cases and article feedback from
// the help center, stores them durably and delivers them to the support
// team (SMTP, a signed webhook, Zendesk). See internal/cases for how it
// works and README.md for running it behind Netlify's /api/* proxy.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

const usage = `formhandler: support cases and article feedback for the help center

Usage:
  formhandler serve   --db PATH --addr HOST:PORT --allowed-origin ORIGIN [flags]
  formhandler export  --db PATH [--format json|csv] [--spam]   all cases to stdout
  formhandler outbox  --db PATH [--state pending|dead|done|all] delivery jobs
  formhandler retry   --db PATH (--dead | JOB_ID...)            deliver again
  formhandler purge   --db PATH --older-than DAYS               delete old cases

--db is a SQLite file or a postgres:// URL. Every flag can also be set as
an environment variable: --smtp-host → FORMHANDLER_SMTP_HOST.
Run "formhandler <command> --help" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.As(err, new(usageError)):
		fmt.Fprintln(os.Stderr, "formhandler:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "formhandler:", err)
		os.Exit(1)
	}
}

// usageError is a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return usageError{"no command given"}
		}
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "export":
		return runExport(ctx, rest, stdout, stderr)
	case "outbox":
		return runOutbox(ctx, rest, stdout, stderr)
	case "retry":
		return runRetry(ctx, rest, stdout, stderr)
	case "purge":
		return runPurge(ctx, rest, stdout, stderr)
	}
	return usageError{fmt.Sprintf("unknown command %q; run formhandler --help", cmd)}
}

// parseFlags applies FORMHANDLER_* environment variables as defaults and
// then the command line, which wins.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := "FORMHANDLER_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = usageError{fmt.Sprintf("environment %s=%q: %v", name, v, err)}
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
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
