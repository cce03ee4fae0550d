// Command helpcenter builds, checks and previews a help center.
//
//	helpcenter build   build content/, layouts/, static/ into public/
//	helpcenter serve   preview with live reload
//	helpcenter check   validate everything without writing
//	helpcenter new     create an article from a template
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `helpcenter builds a customer help center from Markdown.

Usage:
  helpcenter build [flags]          build the site into --dest (default public/)
  helpcenter serve [flags]          preview at --addr, rebuilding and reloading as you save
  helpcenter check [flags]          report every content error without writing output
  helpcenter new <locale>/<category>/<section>/<slug>
                                    create an article from a template

Common flags:
  --source DIR      site root holding content/, layouts/, static/ (default .)
  --dest DIR        output folder (default public)
  --base-url URL    absolute site URL (default $URL, then base_url in content/_index.md)
  --drafts          include articles marked draft: true
  --future          include articles scheduled for later or expired

Exit status: 0 ok, 1 content errors, 2 usage errors.
Run 'helpcenter <command> --help' for a command's flags.
`

// usageError marks errors in how the command was called (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// commands maps a subcommand to its Run function.
var commands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) error{
	"build": runBuild,
	"check": runCheck,
	"new":   runNew,
	"serve": runServe,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "helpcenter: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "helpcenter %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(stderr, "%v\n", err)
		return 1
	}
}
