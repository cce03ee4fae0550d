package zendesktest

import (
	"bytes"
	"embed"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/inexchange/helpcenter/internal/zendesk"
)

//go:embed sample/*.html
var sampleBodies embed.FS

func body(locale string, id int64) string {
	b, err := sampleBodies.ReadFile(fmt.Sprintf("sample/%s-%d.html", locale, id))
	if err != nil {
		panic(err)
	}
	return string(b)
}

func ptr[T any](v T) *T { return &v }

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// PNG returns a small valid PNG image of the given size and shade.
func PNG(w, h int, shade uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{shade, uint8(x * 255 / max(w, 1)), uint8(y * 255 / max(h, 1)), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PDF returns a minimal PDF document.
func PDF(title string) []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% " + title + "\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

// Sample is a small help center in English (en-us, the default) and
// Swedish (sv): three categories, five sections (one nested in another),
// six articles — one promoted, one limited to a user segment, one draft
// translation — with images, a PDF and a video among their attachments.
func Sample() *HelpCenter {
	created := at("2023-02-01T09:00:00Z")
	updated := at("2026-03-01T10:00:00Z")
	hc := &HelpCenter{Locales: []string{"en-us", "sv"}, DefaultLocale: "en-us", Files: map[int64][]byte{}, FileNames: map[int64]string{}}
	cat := func(id int64, locale, name, desc string, pos int) {
		hc.Categories = append(hc.Categories, zendesk.Category{ID: id, Name: name, Description: desc, Position: pos, Locale: locale, SourceLocale: "en-us", CreatedAt: created, UpdatedAt: updated})
	}
	cat(200001, "en-us", "Getting started", "Your account, signing in and the basics.", 0)
	cat(200001, "sv", "Kom igång", "Ditt konto, inloggning och grunderna.", 0)
	cat(200002, "en-us", "Invoices", "Sending and receiving invoices.", 1)
	cat(200002, "sv", "Fakturor", "Skicka och ta emot fakturor.", 1)
	cat(200003, "en-us", "Troubleshooting", "", 2)

	sec := func(id, category int64, parent *int64, locale, name, desc string, pos int) {
		hc.Sections = append(hc.Sections, zendesk.Section{ID: id, CategoryID: category, ParentSectionID: parent, Name: name, Description: desc, Position: pos, Locale: locale, SourceLocale: "en-us", Sorting: "manual", CreatedAt: created, UpdatedAt: updated})
	}
	sec(300001, 200001, nil, "en-us", "Your account", "Passwords and profile.", 0)
	sec(300001, 200001, nil, "sv", "Ditt konto", "Lösenord och profil.", 0)
	sec(300002, 200001, ptr[int64](300001), "en-us", "Signing in", "", 1)
	sec(300002, 200001, ptr[int64](300001), "sv", "Logga in", "", 1)
	sec(300003, 200002, nil, "en-us", "Sending invoices", "", 0)
	sec(300003, 200002, nil, "sv", "Skicka fakturor", "", 0)
	sec(300004, 200002, nil, "en-us", "Partners", "", 1)
	sec(300005, 200003, nil, "en-us", "Error messages", "", 0)

	art := func(a zendesk.Article) {
		if a.CreatedAt.IsZero() {
			a.CreatedAt = created
		}
		if a.UpdatedAt.IsZero() {
			a.UpdatedAt = updated
		}
		if a.EditedAt == nil {
			a.EditedAt = ptr(a.UpdatedAt.Add(-time.Hour))
		}
		if a.SourceLocale == "" {
			a.SourceLocale = "en-us"
		}
		if a.LabelNames == nil {
			a.LabelNames = []string{}
		}
		a.Body = body(a.Locale, a.ID)
		a.AuthorID, a.PermissionGroupID = 1000001, 7000001
		hc.Articles = append(hc.Articles, a)
	}
	art(zendesk.Article{ID: 400001, SectionID: 300001, Locale: "en-us", Title: "How do I reset my password?", Position: 0, LabelNames: []string{"password", "sign in"}})
	art(zendesk.Article{ID: 400001, SectionID: 300001, Locale: "sv", Title: "Hur återställer jag mitt lösenord?", Position: 0, LabelNames: []string{"lösenord"}})
	art(zendesk.Article{ID: 400002, SectionID: 300002, Locale: "en-us", Title: "Signing in with single sign-on (SSO)", Position: 0, LabelNames: []string{"sign in", "sso"}})
	art(zendesk.Article{ID: 400002, SectionID: 300002, Locale: "sv", Title: "Logga in med enkel inloggning (SSO)", Position: 0})
	art(zendesk.Article{ID: 400003, SectionID: 300003, Locale: "en-us", Title: "Supported file formats", Position: 1, LabelNames: []string{"formats"}})
	art(zendesk.Article{ID: 400004, SectionID: 300003, Locale: "en-us", Title: "Sending an invoice", Position: 0, Promoted: true, LabelNames: []string{"invoices"}})
	art(zendesk.Article{ID: 400004, SectionID: 300003, Locale: "sv", Title: "Skicka en faktura", Position: 0, Promoted: true, Draft: true})
	art(zendesk.Article{ID: 400005, SectionID: 300004, Locale: "en-us", Title: "Partner pricing", Position: 0, UserSegmentID: ptr[int64](8000001)})
	art(zendesk.Article{ID: 400006, SectionID: 300005, Locale: "en-us", Title: "Error codes", Position: 0, CreatedAt: at("2024-05-02T08:30:00Z"), UpdatedAt: at("2026-01-15T12:00:00Z")})

	attach := func(id, article int64, name, ctype, locale string, inline bool, data []byte) {
		hc.Attachments = append(hc.Attachments, zendesk.Attachment{ID: id, ArticleID: article, FileName: name, ContentType: ctype, Inline: inline, Locale: locale, CreatedAt: created, UpdatedAt: created})
		hc.Files[id] = data
	}
	attach(500001, 400001, "reset-password.png", "image/png", "en-us", true, PNG(64, 40, 10))
	attach(500002, 400001, "aterstall-losenord.png", "image/png", "sv", true, PNG(64, 40, 200))
	attach(500003, 400003, "format-guide.pdf", "application/pdf", "", false, PDF("Format guide"))
	attach(500004, 400006, "log.mp4", "video/mp4", "en-us", true, []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"))
	attach(500005, 400003, "formats.csv", "text/csv", "", false, []byte("format,send,receive\nPeppol BIS Billing 3.0,yes,yes\n"))
	// Shown by a URL without a file name, as newer help centers write
	// them: one listed (named by the list), one no list has (named by
	// the download's Content-Disposition).
	attach(500006, 400003, "format-menu.png", "image/png", "en-us", true, PNG(80, 50, 90))
	hc.Files[500007] = PNG(72, 48, 150)
	hc.FileNames[500007] = "sso-installningar.png"
	return hc
}
