package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
)

func testFlags() (*flag.FlagSet, *string, *bool) {
	fs := NewFlagSet("t", io.Discard)
	title := fs.String("title", "", "")
	drafts := fs.Bool("drafts", false, "")
	return fs, title, drafts
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args   []string
		title  string
		drafts bool
		rest   []string
	}{
		{[]string{"en/a/b/c", "--title", "My article"}, "My article", false, []string{"en/a/b/c"}},
		{[]string{"--title", "My article", "en/a/b/c"}, "My article", false, []string{"en/a/b/c"}},
		{[]string{"en/a/b/c", "-title=X", "--drafts", "more"}, "X", true, []string{"en/a/b/c", "more"}},
		{[]string{"--drafts", "en/a/b/c"}, "", true, []string{"en/a/b/c"}},
		{[]string{"--drafts=false", "x"}, "", false, []string{"x"}},
		// A boolean flag takes no value: the next word is an argument.
		{[]string{"x", "--drafts", "y"}, "", true, []string{"x", "y"}},
		// After "--" everything is an argument, flags included.
		{[]string{"a", "--", "--title", "b"}, "", false, []string{"a", "--title", "b"}},
		// A lone "-" is an argument (stdin, by convention).
		{[]string{"-", "--title", "T"}, "T", false, []string{"-"}},
		// The value of a flag may look like a flag or an argument.
		{[]string{"--title", "--drafts", "z"}, "--drafts", false, []string{"z"}},
		{nil, "", false, []string{}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			fs, title, drafts := testFlags()
			if err := Parse(fs, tt.args); err != nil {
				t.Fatal(err)
			}
			if *title != tt.title || *drafts != tt.drafts {
				t.Errorf("title %q drafts %v, want %q %v", *title, *drafts, tt.title, tt.drafts)
			}
			if got := fs.Args(); !reflect.DeepEqual(got, tt.rest) && !(len(got) == 0 && len(tt.rest) == 0) {
				t.Errorf("arguments %q, want %q", got, tt.rest)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, args := range [][]string{{"x", "--nope"}, {"--drafts=maybe"}, {"x", "--title"}} {
		fs, _, _ := testFlags()
		err := Parse(fs, args)
		if !IsUsage(err) {
			t.Errorf("%q: err = %v, want a usage error", args, err)
		}
	}
	fs, _, _ := testFlags()
	if err := Parse(fs, []string{"x", "--help"}); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help after an argument: err = %v, want flag.ErrHelp", err)
	}
}

func TestFromEnv(t *testing.T) {
	fs, title, drafts := testFlags()
	t.Setenv("T_TITLE", "from env")
	t.Setenv("T_DRAFTS", "true")
	if err := FromEnv(fs, "T_"); err != nil {
		t.Fatal(err)
	}
	if err := Parse(fs, []string{"--title", "from the command line"}); err != nil {
		t.Fatal(err)
	}
	if *title != "from the command line" || !*drafts {
		t.Errorf("title %q drafts %v: the command line wins, the environment fills in", *title, *drafts)
	}
	fs, _, _ = testFlags()
	t.Setenv("T_DRAFTS", "maybe")
	if err := FromEnv(fs, "T_"); !IsUsage(err) || !strings.Contains(err.Error(), "T_DRAFTS") {
		t.Errorf("bad environment value: err = %v, want a usage error naming T_DRAFTS", err)
	}
}

func TestProgramRun(t *testing.T) {
	p := &Program{Name: "prog", Usage: "Usage: prog do\n", Commands: []Command{{
		Name: "do",
		Run: func(_ context.Context, args []string, stdout, stderr io.Writer) error {
			fs := NewFlagSet("prog do", stderr)
			fail := fs.Bool("fail", false, "fail the work")
			if err := Parse(fs, args); err != nil {
				return err
			}
			if fs.NArg() > 0 {
				return Usagef("unexpected argument %q", fs.Arg(0))
			}
			if *fail {
				return errors.New("the work failed")
			}
			_, err := io.WriteString(stdout, "done\n")
			return err
		},
	}}}
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string // substrings; "" checks emptiness
	}{
		{nil, 2, "Usage: prog do", "prog: no command given"},
		{[]string{"--help"}, 0, "Usage: prog do", ""},
		{[]string{"help"}, 0, "Usage: prog do", ""},
		{[]string{"undo"}, 2, "", "prog: unknown command \"undo\"\n\nUsage: prog do"},
		{[]string{"do"}, 0, "done", ""},
		{[]string{"do", "--fail"}, 1, "", "prog do: the work failed\n"},
		{[]string{"do", "x"}, 2, "", "prog do: unexpected argument \"x\"\nRun 'prog do --help' for its flags."},
		{[]string{"do", "--nope"}, 2, "", "prog do: flag provided but not defined: -nope"},
		{[]string{"do", "-h"}, 0, "", "-fail"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := p.Run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			for _, c := range []struct{ name, got, want string }{{"stdout", stdout.String(), tt.stdout}, {"stderr", stderr.String(), tt.stderr}} {
				if c.want == "" && c.got != "" || !strings.Contains(c.got, c.want) {
					t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
				}
			}
		})
	}
}
