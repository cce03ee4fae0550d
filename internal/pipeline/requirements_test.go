package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inexchange/helpcenter/internal/content"
)

// Locales whose system-requirements articles disagree fail the build, each
// difference reported at the differing article.
func TestRequirementsDisagree(t *testing.T) {
	root := copySite(t, false)
	en := filepath.Join(root, "content/en/getting-started/before-you-start/system-requirements.md")
	src, err := os.ReadFile(en)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(en, []byte(strings.Replace(string(src), `firefox: "38.5"`, `firefox: "40"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(Options{Source: root, Now: testNow})
	var list content.List
	if !errors.As(err, &list) {
		t.Fatalf("Load = %v, want a content.List", err)
	}
	errs := list.Errors()
	if len(errs) != 1 || !errors.Is(errs[0], content.ErrRequirements) {
		t.Fatalf("errors = %v, want one requirements error", errs)
	}
	e := errs[0]
	if e.Path != "content/sv/getting-started/before-you-start/system-requirements.md" || e.Line == 0 ||
		!strings.Contains(e.Error(), "browsers.supported.firefox") || !strings.Contains(e.Error(), `"40" in content/en/`) {
		t.Errorf("error = %v, want it at the sv article naming the field and both values", e)
	}
}
