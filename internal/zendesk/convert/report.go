package convert

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// Level says how much a Note matters.
type Level int

// The levels of notes.
const (
	Info    Level = iota // for the record: drafts, outdated translations
	Warning              // something was changed or left out: check the page
	Action               // the writer must act before the site is right
)

func (l Level) String() string { return [...]string{"note", "warning", "needs you"}[l] }

// Note is one thing the import could not carry over as it was.
type Note struct {
	Level   Level
	OldURL  string // the page on the old help center, or ""
	File    string // the file written, "content/…", or ""
	Message string
}

// Report says what an import did.
type Report struct {
	// Counts per site locale and kind: "article", "draft", "section",
	// "category", "home", "file".
	Counts map[string]map[string]int
	Notes  []Note
	// Files written new, updated, left as they were, kept despite a
	// change (hand edits), and removed (their page is gone from Zendesk).
	Written, Updated, Unchanged, Kept, Removed int

	mu sync.Mutex
}

func newReport() *Report {
	return &Report{Counts: map[string]map[string]int{}}
}

func (r *Report) add(level Level, oldURL, file, format string, args ...any) {
	r.mu.Lock()
	r.Notes = append(r.Notes, Note{Level: level, OldURL: oldURL, File: file, Message: fmt.Sprintf(format, args...)})
	r.mu.Unlock()
}

func (r *Report) note(oldURL, file, format string, args ...any) {
	r.add(Info, oldURL, file, format, args...)
}
func (r *Report) warn(oldURL, file, format string, args ...any) {
	r.add(Warning, oldURL, file, format, args...)
}
func (r *Report) action(oldURL, file, format string, args ...any) {
	r.add(Action, oldURL, file, format, args...)
}

func (r *Report) count(locale, kind string, draft bool) {
	if r.Counts[locale] == nil {
		r.Counts[locale] = map[string]int{}
	}
	r.Counts[locale][kind]++
	if draft {
		r.Counts[locale]["draft"]++
	}
}

// NeedsWriter reports whether any note needs the writer.
func (r *Report) NeedsWriter() bool { return r.Needing() > 0 }

// Needing counts the notes that need the writer.
func (r *Report) Needing() int {
	n := 0
	for _, note := range r.Notes {
		if note.Level == Action {
			n++
		}
	}
	return n
}

// Sorted returns the notes by level (most important first), file and URL.
func (r *Report) Sorted() []Note {
	out := append([]Note(nil), r.Notes...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Level != b.Level {
			return a.Level > b.Level
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.OldURL < b.OldURL
	})
	return out
}

// Write prints the report: the counts per locale, then every note with
// its old URL and new file.
func (r *Report) Write(w io.Writer) {
	var locales []string
	for l := range r.Counts {
		locales = append(locales, l)
	}
	sort.Strings(locales)
	fmt.Fprintln(w, "imported from Zendesk:")
	for _, l := range locales {
		c := r.Counts[l]
		line := fmt.Sprintf("  %-6s %4d articles", l, c["article"])
		if c["draft"] > 0 {
			line += fmt.Sprintf(" (%d drafts)", c["draft"])
		}
		line += fmt.Sprintf(", %d sections, %d categories, %d files", c["section"], c["category"], c["file"])
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "files: %d written, %d updated, %d unchanged, %d kept (edited by hand), %d removed\n", r.Written, r.Updated, r.Unchanged, r.Kept, r.Removed)
	notes := r.Sorted()
	counts := map[Level]int{}
	for _, n := range notes {
		counts[n.Level]++
	}
	if len(notes) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%d needing you, %d warnings, %d notes:\n", counts[Action], counts[Warning], counts[Info])
	for _, n := range notes {
		var where []string
		if n.File != "" {
			where = append(where, n.File)
		}
		if n.OldURL != "" {
			where = append(where, "from "+n.OldURL)
		}
		loc := strings.Join(where, " ")
		if loc != "" {
			loc += ": "
		}
		fmt.Fprintf(w, "  %s: %s%s\n", n.Level, loc, n.Message)
	}
}
