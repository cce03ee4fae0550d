// Package cli is what the two binaries, helpcenter and formhandler, share
// on the command line: one dispatch of subcommands (a Program of
// Commands), one usage-error type (exit status 2) and flag parsing that
// accepts flags before and after the arguments, as the README writes them
// (helpcenter new en/invoices/sending/my-article --title "My article").
//
// Each subcommand lives in a file of its own in its binary's package and
// is a Command: a name and a Run function that parses its own flags with
// Parse.
//
// Exit statuses: 0 success (and asking for help), 1 a failure of the work
// itself (content errors, a database that cannot be opened), 2 a mistake
// in the command line.
package cli

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

// UsageError is a mistake in how a command was called: exit status 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a *UsageError with a formatted message (%w wraps).
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// IsUsage reports whether err is, or wraps, a *UsageError.
func IsUsage(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}

// Command is one subcommand of a Program.
type Command struct {
	// Name is the word that selects the command: "build".
	Name string
	// Run does the work with the arguments after the name. It parses its
	// flags with Parse and returns a *UsageError for a mistake in them,
	// flag.ErrHelp when help was asked for (already printed to stderr).
	Run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// Program is a binary made of subcommands.
type Program struct {
	// Name is the binary's name, the prefix of its error messages.
	Name string
	// Usage is the text printed for no arguments, -h, --help and help.
	Usage    string
	Commands []Command
}

// Main runs the program with the process's arguments until it finishes or
// SIGINT or SIGTERM cancels its context, and exits with its status.
func (p *Program) Main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := p.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Run runs the command args name, prints its error, if any, to stderr as
// "<program> <command>: <message>" (an error that printed its details
// first, such as a list of content errors, still ends with that line) and
// returns the exit status.
func (p *Program) Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := p.Exec(ctx, args, stdout, stderr)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	cmd := p.command(args)
	prefix := p.Name
	if cmd != nil {
		prefix += " " + cmd.Name
	}
	fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
	if !IsUsage(err) {
		return 1
	}
	switch {
	case cmd != nil:
		fmt.Fprintf(stderr, "Run '%s %s --help' for its flags.\n", p.Name, cmd.Name)
	case len(args) > 0:
		fmt.Fprintf(stderr, "\n%s", p.Usage)
	}
	return 2
}

// Exec runs the command args name and returns its error: a *UsageError
// when args name none (after printing Usage to stdout when args are
// empty), nil after printing Usage for -h, --help and help.
func (p *Program) Exec(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, p.Usage)
		if len(args) == 0 {
			return Usagef("no command given")
		}
		return nil
	}
	cmd := p.command(args)
	if cmd == nil {
		return Usagef("unknown command %q", args[0])
	}
	return cmd.Run(ctx, args[1:], stdout, stderr)
}

// command returns the command args name, or nil.
func (p *Program) command(args []string) *Command {
	if len(args) == 0 {
		return nil
	}
	for i := range p.Commands {
		if p.Commands[i].Name == args[0] {
			return &p.Commands[i]
		}
	}
	return nil
}

// NewFlagSet returns an empty flag set for a command that prints its help
// and parse errors to stderr.
func NewFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// Parse parses args with fs, flags before, between and after the
// arguments (Go's flag package stops at the first argument); "--" ends
// the flags. A bad flag comes back as a *UsageError, -h and --help as
// flag.ErrHelp. fs.Args() holds the arguments afterwards, in order.
func Parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(Interspersed(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &UsageError{Err: err}
	}
	return nil
}

// Interspersed reorders args so that every flag fs knows comes before the
// arguments, with "--" between them: a flag's value is the next argument
// unless the flag is boolean or written -flag=value. Unknown flags stay
// flags, and a last flag without its value ends the list, so that fs
// reports them.
func Interspersed(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil || isBool(f) {
			continue
		}
		if i+1 == len(args) {
			return flags // the value is missing: let fs say so
		}
		i++
		flags = append(flags, args[i])
	}
	return append(append(flags, "--"), rest...)
}

// isBool reports whether a flag takes no value, as the flag package
// decides it.
func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// FromEnv sets every flag of fs that has an environment variable: prefix
// plus the flag's name in capitals with - as _ (FORMHANDLER_SMTP_HOST for
// --smtp-host). Call it before Parse: the command line wins.
func FromEnv(fs *flag.FlagSet, prefix string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		name := prefix + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok && err == nil {
			if e := fs.Set(f.Name, v); e != nil {
				err = Usagef("environment %s=%q: %v", name, v, e)
			}
		}
	})
	return err
}
