package convert_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/inexchange/helpcenter/internal/content"
	"github.com/inexchange/helpcenter/internal/pipeline"
	"github.com/inexchange/helpcenter/internal/zendesk"
	"github.com/inexchange/helpcenter/internal/zendesk/convert"
	"github.com/inexchange/helpcenter/internal/zendesk/zendesktest"
)

// export fetches the sample help center from the fake into a folder.
func export(t *testing.T) (string, *zendesktest.Server) {
	t.Helper()
	s := zendesktest.New(zendesktest.Sample())
	t.Cleanup(s.Close)
	out := t.TempDir()
	if _, err := (&zendesk.Fetcher{URL: s.URL, Out: out}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return out, s
}

func read(t *testing.T, site, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(site, "content", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func notes(r *convert.Report) string {
	var b strings.Builder
	r.Write(&b)
	return b.String()
}

func TestConvertSample(t *testing.T) {
	from, s := export(t)
	site := t.TempDir()
	rep, err := convert.Run(convert.Options{From: from, Site: site, LocaleMap: map[string]string{"en-us": "en"}})
	if err != nil {
		t.Fatal(err)
	}
	reset := read(t, site, "en/getting-started/your-account/how-do-i-reset-my-password/index.md")
	for _, want := range []string{
		"title: How do I reset my password?\n",
		`date: "2023-02-01T09:00:00Z"`,
		"labels: [password, sign in]",
		"translation_key: zendesk-400001\n",
		"  - /hc/en-us/articles/400001\n  - /hc/en-us/articles/400001-*\n  - /hc/articles/400001\n  - /hc/articles/400001-*\n",
		// A link with a Zendesk heading id in another article: its new id.
		"[sign-in page](../../signing-in/signing-in-with-single-sign-on-sso/index.md#before-you-start)",
		// Same page, by Zendesk id.
		"[Reset your password](#reset-your-password)",
		// Locale-less link without slug, with an anchor, to another category.
		"[Sending an invoice](../../../invoices/sending-invoices/sending-an-invoice.md#send-it)",
		"![The Forgot password link below the sign-in button](reset-password.png)",
		"> [!WARNING]\n> The link works once.",
		"**Send**.  \n   We send you a link", // a <br> stays a hard line break
		"   - Check your spam folder",        // the nested list
	} {
		if !strings.Contains(reset, want) {
			t.Errorf("reset-your-password: missing %q in\n%s", want, reset)
		}
	}
	sv := read(t, site, "sv/getting-started/your-account/how-do-i-reset-my-password/index.md")
	for _, want := range []string{"slug: hur-aterstaller-jag-mitt-losenord", "translation_key: zendesk-400001\n", "  - /hc/sv/articles/400001\n  - /hc/sv/articles/400001-*\nparams:", "> [!NOTE]\n> Länken fungerar en gång.", "](aterstall-losenord.png)"} {
		if !strings.Contains(sv, want) {
			t.Errorf("sv reset: missing %q in\n%s", want, sv)
		}
	}
	if strings.Contains(sv, "/hc/articles/400001") {
		t.Error("the locale-less old URL belongs to the default locale only")
	}
	errs := read(t, site, "en/troubleshooting/error-messages/error-codes/index.md")
	for _, want := range []string{"`E100`\n: The buyer's address is missing.", "E = mc², H₂O", "~~struck~~", "[configure SSO](../../../getting-started/signing-in/signing-in-with-single-sign-on-sso/index.md#configure-your-identity-provider)", "[Video: log.mp4](log.mp4)", "```\n   2026-03-01"} {
		if !strings.Contains(errs, want) {
			t.Errorf("error-codes: missing %q in\n%s", want, errs)
		}
	}
	sso := read(t, site, "en/getting-started/signing-in/signing-in-with-single-sign-on-sso/index.md")
	for _, want := range []string{"```xml\n<EntityDescriptor", "| Entity ID      |", "[Setting up SSO](https://www.youtube.com/watch?v=dQw4w9WgXcQ)", "[Your account](../../your-account/_index.md)"} {
		if !strings.Contains(sso, want) {
			t.Errorf("sso: missing %q in\n%s", want, sso)
		}
	}
	send := read(t, site, "en/invoices/sending-invoices/sending-an-invoice.md")
	for _, want := range []string{"> [!TIP]\n> you can schedule", "[Invoices](../_index.md)", "[help center](../../_index.md)", "(" + s.URL + "/hc/en-us/articles/999999-Adding-a-buyer)"} {
		if !strings.Contains(send, want) {
			t.Errorf("sending: missing %q in\n%s", want, send)
		}
	}
	formats := read(t, site, "en/invoices/sending-invoices/supported-file-formats/index.md")
	if !strings.Contains(formats, "## Attachments\n\n- [formats.csv](formats.csv)") || !strings.Contains(formats, "[format guide (PDF)](format-guide.pdf)") {
		t.Errorf("formats: attachments\n%s", formats)
	}
	if b, err := os.ReadFile(filepath.Join(site, "content/en/invoices/sending-invoices/supported-file-formats/format-guide.pdf")); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("the PDF beside its article: %v", err)
	}
	home := read(t, site, "en/_index.md")
	if !strings.Contains(home, "promoted:\n  - invoices/sending-invoices/sending-an-invoice.md") || !strings.Contains(home, "  - /hc\n  - /hc/en-us\n") {
		t.Errorf("en home:\n%s", home)
	}
	if svHome := read(t, site, "sv/_index.md"); strings.Contains(svHome, "promoted") || !strings.Contains(svHome, "title: Hjälpcenter") {
		t.Errorf("sv home (its promoted article is a draft):\n%s", svHome)
	}
	if sec := read(t, site, "en/getting-started/signing-in/_index.md"); !strings.Contains(sec, "weight: 1") || !strings.Contains(sec, "  - /hc/en-us/sections/300002-*\n") {
		t.Errorf("nested section:\n%s", sec)
	}
	if p := read(t, site, "en/invoices/partners/partner-pricing.md"); !strings.Contains(p, "draft: true") {
		t.Errorf("user-segment article is not a draft:\n%s", p)
	}
	if st := read(t, site, "_index.md"); !strings.Contains(st, "locales: [en, sv]") {
		t.Errorf("settings:\n%s", st)
	}
	out := notes(rep)
	for _, want := range []string{
		"content/en/getting-started/signing-in/_index.md from " + s.URL + "/hc/en-us/sections/300002-Signing-in: section \"Signing in\" was inside section \"Your account\"",
		"partner-pricing.md from " + s.URL + "/hc/en-us/articles/400005-Partner-pricing: article \"Partner pricing\" is visible only to a user segment",
		"replaced <iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\"> with a link",
		"table 1 has merged cells",
		"colour (2)",
		"articles/999999-Adding-a-buyer: that article is not in the export",
		"en        6 articles (1 drafts), 5 sections, 3 categories, 5 files",
		"sv        3 articles (1 drafts), 3 sections, 2 categories, 2 files",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if rep.NeedsWriter() {
		t.Errorf("nothing in the sample needs the writer:\n%s", out)
	}
}

// TestConvertBuilds checks that the imported site, bundles with their
// images and downloads included, passes every check of the build.
func TestConvertBuilds(t *testing.T) {
	from, _ := export(t)
	site := t.TempDir()
	rep, err := convert.Run(convert.Options{From: from, Site: site, LocaleMap: map[string]string{"en-us": "en"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.NeedsWriter() {
		t.Errorf("nothing in the sample needs the writer:\n%s", notes(rep))
	}
	res, err := pipeline.Check(pipeline.Options{Source: site})
	var list content.List
	if errors.As(err, &list) {
		for _, e := range list {
			t.Error(e)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	// Translations are linked by translation_key, also to a draft.
	send := read(t, site, "en/invoices/sending-invoices/sending-an-invoice.md")
	if !strings.Contains(send, "translation_key: zendesk-400004\n") || !strings.Contains(read(t, site, "sv/invoices/sending-invoices/sending-an-invoice.md"), "translation_key: zendesk-400004\n") {
		t.Errorf("400004 versions lack their translation_key")
	}
	if strings.Contains(read(t, site, "en/invoices/partners/partner-pricing.md"), "translation_key") {
		t.Error("an article in one locale got a translation_key")
	}
	en := res.Site.Articles["en/getting-started/your-account/how-do-i-reset-my-password/index.md"]
	if en == nil || len(en.Translations) != 1 || en.Translations[0].Locale.Code != "sv" {
		t.Errorf("reset-password translations: %+v", en)
	}
	want := map[string]string{
		"/hc/en-us/articles/400001":   "/en/articles/how-do-i-reset-my-password/",
		"/hc/articles/400001":         "/en/articles/how-do-i-reset-my-password/",
		"/hc/sv/articles/400002":      "/sv/articles/logga-in-med-enkel-inloggning-sso/",
		"/hc/en-us/sections/300002":   "/en/sections/signing-in/",
		"/hc/sv/sections/300002-*":    "/sv/sections/logga-in/",
		"/hc/en-us/categories/200002": "/en/categories/invoices/",
		"/hc/sv/categories/200002-*":  "/sv/categories/fakturor/",
		"/hc":                         "/en/",
		"/hc/sv":                      "/sv/",
	}
	got := map[string]string{}
	for _, a := range res.Site.Aliases {
		got[a.From] = a.To
	}
	for from, to := range want {
		if got[from] != to {
			t.Errorf("alias %s → %q, want %q", from, got[from], to)
		}
	}
}

func TestConvertRerunKeepsHandEdits(t *testing.T) {
	from, _ := export(t)
	site := t.TempDir()
	opts := convert.Options{From: from, Site: site, LocaleMap: map[string]string{"en-us": "en"}}
	first, err := convert.Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	again, err := convert.Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if again.Written != 0 || again.Updated != 0 || again.Unchanged != first.Written {
		t.Errorf("second run: %d written, %d updated, %d unchanged (first wrote %d)", again.Written, again.Updated, again.Unchanged, first.Written)
	}
	// A writer edits one article; Zendesk changes it and another one.
	edited := filepath.Join(site, "content/en/invoices/sending-invoices/sending-an-invoice.md")
	if err := os.WriteFile(edited, []byte(strings.Replace(read(t, site, "en/invoices/sending-invoices/sending-an-invoice.md"), "three steps", "3 steps", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(from, "en-us/articles/page-1.json")
	b, _ := os.ReadFile(page)
	b = []byte(strings.ReplaceAll(strings.ReplaceAll(string(b), "Send an invoice in three steps.", "Send an invoice in four steps."), "A password needs at least 12 characters.", "A password needs at least 14 characters."))
	if err := os.WriteFile(page, b, 0o644); err != nil {
		t.Fatal(err)
	}
	third, err := convert.Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if third.Updated != 1 || third.Kept != 1 {
		t.Errorf("third run: %d updated, %d kept, want 1 and 1\n%s", third.Updated, third.Kept, notes(third))
	}
	if !strings.Contains(read(t, site, "en/invoices/sending-invoices/sending-an-invoice.md"), "3 steps") {
		t.Error("the hand edit was overwritten")
	}
	if !strings.Contains(read(t, site, "en/getting-started/your-account/how-do-i-reset-my-password/index.md"), "14 characters") {
		t.Error("Zendesk's change was not applied")
	}
	if !strings.Contains(notes(third), "content/en/invoices/sending-invoices/sending-an-invoice.md: kept: the file was edited by hand") {
		t.Errorf("the report does not say so:\n%s", notes(third))
	}
	// --force overwrites it.
	opts.Force = true
	if _, err := convert.Run(opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(read(t, site, "en/invoices/sending-invoices/sending-an-invoice.md"), "four steps") {
		t.Error("--force did not overwrite the hand edit")
	}
	// An article deleted in Zendesk: its file goes.
	opts.Force = false
	for _, name := range []string{"en-us/articles/page-1.json"} {
		p := filepath.Join(from, name)
		b, _ := os.ReadFile(p)
		b = []byte(strings.Replace(string(b), `"section_id":300005`, `"section_id":999`, 1))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	last, err := convert.Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if last.Removed == 0 {
		t.Errorf("nothing removed:\n%s", notes(last))
	}
}

func TestConvertUnsafeHTML(t *testing.T) {
	from, _ := export(t)
	site := t.TempDir()
	if err := os.MkdirAll(filepath.Join(site, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(site, "content/_index.md"), []byte("---\ntitle: Acme help\nlocales: [en]\nunsafe_html: true\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := convert.Run(convert.Options{From: from, Site: site, LocaleMap: map[string]string{"en-us": "en"}})
	if err != nil {
		t.Fatal(err)
	}
	sso := read(t, site, "en/getting-started/signing-in/signing-in-with-single-sign-on-sso/index.md")
	if !strings.Contains(sso, `<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"`) {
		t.Errorf("iframe not kept:\n%s", sso)
	}
	formats := read(t, site, "en/invoices/sending-invoices/supported-file-formats/index.md")
	if !strings.Contains(formats, `<th rowspan="2">Format</th>`) || !strings.Contains(formats, `<span style="color: #e03e2d">Until 31 December 2026</span>`) {
		t.Errorf("merged table not kept as HTML:\n%s", formats)
	}
	out := notes(rep)
	if !strings.Contains(out, "add sv to locales: in content/_index.md") || !rep.NeedsWriter() {
		t.Errorf("a settings file without the sv locale needs the writer:\n%s", out)
	}
	if st := read(t, site, "_index.md"); !strings.Contains(st, "Acme help") {
		t.Error("the site's own settings were overwritten")
	}
}

func TestParseLocaleMap(t *testing.T) {
	m, err := convert.ParseLocaleMap("en-us=en, sv=sv")
	if err != nil || m["en-us"] != "en" || m["sv"] != "sv" {
		t.Errorf("got %v, %v", m, err)
	}
	for _, bad := range []string{"en-us", "en-us=EN US", "=en"} {
		if _, err := convert.ParseLocaleMap(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestGeneratedExport: a generated help center, saved as a fetch saves it
// (the benchmarks' fixture), reads back as the fetch of the same help
// center does, and imports into a site that builds.
func TestGeneratedExport(t *testing.T) {
	hc := zendesktest.Generate(zendesktest.Options{Articles: 60, ImageWidth: 64, ImageHeight: 40})
	s := zendesktest.New(hc)
	t.Cleanup(s.Close)
	fetched := t.TempDir()
	if _, err := (&zendesk.Fetcher{URL: s.URL, Out: fetched}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	written := t.TempDir()
	if err := hc.WriteExport(written, s.URL); err != nil {
		t.Fatal(err)
	}
	a, err := zendesk.ReadExport(fetched)
	if err != nil {
		t.Fatal(err)
	}
	b, err := zendesk.ReadExport(written)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range hc.Locales {
		if len(a.Articles[l]) != len(b.Articles[l]) || len(a.Sections[l]) != len(b.Sections[l]) || len(a.Categories[l]) != len(b.Categories[l]) {
			t.Errorf("%s: fetched %d/%d/%d, written %d/%d/%d articles/sections/categories", l, len(a.Articles[l]), len(a.Sections[l]), len(a.Categories[l]), len(b.Articles[l]), len(b.Sections[l]), len(b.Categories[l]))
		}
		for i := range a.Articles[l] {
			if i < len(b.Articles[l]) && (a.Articles[l][i].Body != b.Articles[l][i].Body || a.Articles[l][i].HTMLURL != b.Articles[l][i].HTMLURL) {
				t.Errorf("%s article %d differs between the fetch and the written export", l, a.Articles[l][i].ID)
			}
		}
	}
	for id := range hc.Files {
		u := "/hc/article_attachments/" + strconv.FormatInt(id, 10)
		if a.AttachmentFile(u) != b.AttachmentFile(u) || a.AttachmentFile(u) == "" {
			t.Errorf("attachment %d: fetched as %q, written as %q", id, a.AttachmentFile(u), b.AttachmentFile(u))
		}
	}
	site := t.TempDir()
	rep, err := convert.Run(convert.Options{From: written, Site: site, LocaleMap: map[string]string{"en-us": "en"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.NeedsWriter() {
		t.Errorf("the generated help center needs the writer:\n%s", notes(rep))
	}
	if _, err := pipeline.Check(pipeline.Options{Source: site}); err != nil {
		t.Fatal(err)
	}
}
