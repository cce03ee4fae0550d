package content

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error is one problem with one content file, located at Path:Line:Col
// (1-based; 0 when unknown). Hint tells the writer what to do about it.
type Error struct {
	Path string // slash-separated, relative to the site root, e.g. "content/en/a/b/c.md"
	Line int
	Col  int
	Err  error
	Hint string
	// Warning marks a problem that does not fail the build.
	Warning bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	if e.Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(e.Err.Error())
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Sentinel errors that content errors wrap, for errors.Is: each names
// what failed.
var (
	ErrUnknownKey     = errors.New("unknown key")
	ErrMissingKey     = errors.New("missing required key")
	ErrFrontMatter    = errors.New("malformed front matter")
	ErrBrokenLink     = errors.New("broken link")
	ErrBrokenAnchor   = errors.New("broken anchor")
	ErrDuplicateSlug  = errors.New("duplicate slug")
	ErrAliasClash     = errors.New("alias clashes")
	ErrUnknownLayout  = errors.New("unknown layout")
	ErrLayout         = errors.New("layout data")
	ErrTranslation    = errors.New("translation")
	ErrStructure      = errors.New("misplaced file")
	ErrInvalidValue   = errors.New("invalid value")
	ErrStale          = errors.New("stale")
	ErrRequirements   = errors.New("requirements")
	ErrTemplate       = errors.New("template")
	ErrUnpublishedRef = errors.New("link to unpublished article")
	ErrMissingFile    = errors.New("missing file")
	ErrAltText        = errors.New("missing alt text")
	ErrRemoteImage    = errors.New("image from another host")
	ErrFile           = errors.New("unusable file")
	ErrRead           = errors.New("unreadable file")    // a file or folder that could not be read
	ErrMarkdown       = errors.New("rendering Markdown") // a body goldmark could not render
	ErrAsset          = errors.New("static asset")       // a file of static/ that could not be added
	ErrSearchIndex    = errors.New("search index")       // a locale's search index could not be built
)

// Errorf builds an *Error with a formatted message that wraps kind (for
// errors.Is) without repeating it in the text.
func Errorf(path string, line, col int, kind error, hint, format string, args ...any) *Error {
	return &Error{Path: path, Line: line, Col: col, Err: &kindError{msg: fmt.Sprintf(format, args...), kind: kind}, Hint: hint}
}

// Wrap builds an *Error for the failure err, classified by kind: its
// message is err's, and errors.Is and errors.As find kind as well as
// what err wraps (fs.ErrNotExist, …).
func Wrap(path string, line, col int, kind error, hint string, err error) *Error {
	return &Error{Path: path, Line: line, Col: col, Err: &kindError{msg: err.Error(), kind: kind, cause: err}, Hint: hint}
}

// kindError is a message classified by one of the sentinel errors, and
// the error it came from, if any.
type kindError struct {
	msg   string
	kind  error
	cause error
}

func (e *kindError) Error() string { return e.msg }

func (e *kindError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// List collects the problems of one run. Its Error lists every error, one
// per line, sorted by position so that output is stable.
type List []*Error

func (l List) Error() string {
	var b strings.Builder
	for i, e := range l.Sorted() {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Sorted returns the list ordered by path, line and column.
func (l List) Sorted() List {
	s := append(List(nil), l...)
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Err.Error() < b.Err.Error()
	})
	return s
}

// Errors returns the entries that fail the build.
func (l List) Errors() List {
	var out List
	for _, e := range l {
		if !e.Warning {
			out = append(out, e)
		}
	}
	return out
}

// Warnings returns the entries that do not fail the build.
func (l List) Warnings() List {
	var out List
	for _, e := range l {
		if e.Warning {
			out = append(out, e)
		}
	}
	return out
}

// Unwrap lets errors.Is and errors.As look at every entry.
func (l List) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}
