// Package zendesk reads a Zendesk Guide help center through the Help
// Center API and keeps what it read in a folder, as the API sent it, so
// that converting it (package zendesk/convert) needs no network and can
// be repeated.
//
// The folder ("the export") holds:
//
//	locales.json                                   GET /api/v2/help_center/locales.json
//	<locale>/categories/page-N.json                GET /api/v2/help_center/<locale>/categories.json
//	<locale>/sections/page-N.json                  GET /api/v2/help_center/<locale>/sections.json
//	<locale>/articles/page-N.json                  GET /api/v2/help_center/<locale>/articles.json
//	articles/<article id>/attachments/page-N.json  GET /api/v2/help_center/articles/<id>/attachments.json
//	article_attachments/<id>/<name>                each file an article lists or shows (/hc/article_attachments/<id>/<name>)
//	fetch.json                                     what was fetched, from where, and whether it finished
//
// Each locale's listing holds that locale's translation of every item
// (its title, body, draft state and URL), so one article's translations
// are the articles with the same id in the locales' listings.
//
// Fetcher follows both of the API's pagination styles (offset: next_page;
// cursor: meta.has_more and links.next), waits out 429 responses for as
// long as Retry-After says (every worker at once, since the limit is the
// account's), retries 5xx responses and broken connections with
// exponential backoff, and resumes an interrupted fetch from the pages
// and files already saved. The API token is sent only to the help
// center's own host and never written to disk.
package zendesk

import (
	"encoding/json"
	"time"
)

// Locales is the body of GET /api/v2/help_center/locales.json.
type Locales struct {
	Locales       []string `json:"locales"`
	DefaultLocale string   `json:"default_locale"`
}

// Category is a Help Center category in one locale.
type Category struct {
	ID           int64     `json:"id"`
	URL          string    `json:"url"`
	HTMLURL      string    `json:"html_url"`
	Position     int       `json:"position"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Name         string    `json:"name"`
	Description  string    `json:"description"`
	Locale       string    `json:"locale"`
	SourceLocale string    `json:"source_locale"`
	Outdated     bool      `json:"outdated"`
}

// Section is a Help Center section in one locale. ParentSectionID is set
// for sections nested in another section (Guide Enterprise).
type Section struct {
	ID              int64     `json:"id"`
	URL             string    `json:"url"`
	HTMLURL         string    `json:"html_url"`
	CategoryID      int64     `json:"category_id"`
	ParentSectionID *int64    `json:"parent_section_id"`
	Position        int       `json:"position"`
	Sorting         string    `json:"sorting"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Name            string    `json:"name"`
	Description     string    `json:"description"`
	Locale          string    `json:"locale"`
	SourceLocale    string    `json:"source_locale"`
	Outdated        bool      `json:"outdated"`
	ThemeTemplate   string    `json:"theme_template"`
}

// Article is a Help Center article in one locale: its translation in that
// locale (title, body, draft) with the article's shared properties.
type Article struct {
	ID                int64      `json:"id"`
	URL               string     `json:"url"`
	HTMLURL           string     `json:"html_url"`
	AuthorID          int64      `json:"author_id"`
	CommentsDisabled  bool       `json:"comments_disabled"`
	Draft             bool       `json:"draft"`
	Promoted          bool       `json:"promoted"`
	Position          int        `json:"position"`
	VoteSum           int        `json:"vote_sum"`
	VoteCount         int        `json:"vote_count"`
	SectionID         int64      `json:"section_id"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	EditedAt          *time.Time `json:"edited_at"`
	Name              string     `json:"name"`
	Title             string     `json:"title"`
	SourceLocale      string     `json:"source_locale"`
	Locale            string     `json:"locale"`
	Outdated          bool       `json:"outdated"`
	OutdatedLocales   []string   `json:"outdated_locales"`
	UserSegmentID     *int64     `json:"user_segment_id"`
	UserSegmentIDs    []int64    `json:"user_segment_ids"`
	PermissionGroupID int64      `json:"permission_group_id"`
	ContentTagIDs     []string   `json:"content_tag_ids"`
	LabelNames        []string   `json:"label_names"`
	Body              string     `json:"body"`
}

// Restricted reports whether the article is visible only to some users
// (a user segment other than everyone).
func (a *Article) Restricted() bool { return a.UserSegmentID != nil || len(a.UserSegmentIDs) > 0 }

// Attachment is one file of an article (GET …/articles/<id>/attachments.json).
type Attachment struct {
	ID          int64     `json:"id"`
	URL         string    `json:"url"`
	ArticleID   int64     `json:"article_id"`
	FileName    string    `json:"file_name"`
	ContentURL  string    `json:"content_url"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	Inline      bool      `json:"inline"`
	Locale      string    `json:"locale"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Page is one page of a list response: the items under the list's own
// key ("articles", "sections", …) and the pointers to the next page in
// either pagination style.
type Page struct {
	// Offset pagination.
	NextPage     *string `json:"next_page"`
	PreviousPage *string `json:"previous_page"`
	Count        int     `json:"count"`
	PageNumber   int     `json:"page"`
	PerPage      int     `json:"per_page"`
	PageCount    int     `json:"page_count"`
	// Cursor pagination.
	Meta  *CursorMeta  `json:"meta"`
	Links *CursorLinks `json:"links"`
}

// CursorMeta is the meta object of a cursor-paginated response.
type CursorMeta struct {
	HasMore      bool   `json:"has_more"`
	AfterCursor  string `json:"after_cursor"`
	BeforeCursor string `json:"before_cursor"`
}

// CursorLinks is the links object of a cursor-paginated response.
type CursorLinks struct {
	First string `json:"first"`
	Last  string `json:"last"`
	Prev  string `json:"prev"`
	Next  string `json:"next"`
}

// Next returns the URL of the next page, or "" on the last page.
func (p *Page) Next() string {
	if p.Meta != nil || p.Links != nil {
		if p.Meta != nil && p.Meta.HasMore && p.Links != nil {
			return p.Links.Next
		}
		return ""
	}
	if p.NextPage != nil {
		return *p.NextPage
	}
	return ""
}

// parsePage reads the pagination of a list body and the raw items under
// key.
func parsePage(body []byte, key string) (*Page, []json.RawMessage, error) {
	var p Page
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, nil, err
	}
	var items map[string]json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		return nil, nil, err
	}
	var list []json.RawMessage
	if raw, ok := items[key]; ok && string(raw) != "null" {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, nil, err
		}
	}
	return &p, list, nil
}
