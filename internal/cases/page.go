package cases

import (
	"bytes"
	"html/template"
	"net/http"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// page is the data of the handler's own HTML pages: the confirmation, the
// feedback thank-you, the invalid-case form and error pages. They are
// plain, valid HTML in the reader's language, for browsers without
// JavaScript, and link back to the site (same origin behind the proxy).
type page struct {
	msgs    Messages
	Locale  string
	Title   string
	Message string
	// CaseID is set on the confirmation page.
	CaseID string
	// Article is the article to link back to, if known.
	Article  string
	Feedback bool
	// Action, Fields, Values and Errors render the form again.
	Action    string
	Fields    []caseform.Field
	Values    caseform.Values
	Errors    []pageError
	fieldErrs caseform.Errors
}

type pageError struct {
	Field, Label, Message string
}

// T localizes key for the page's locale.
func (p *page) T(key string, args ...any) string { return p.msgs.T(p.Locale, key, args...) }

// ErrorFor returns the message for an invalid field, "" if it is valid.
func (p *page) ErrorFor(name string) string {
	for _, e := range p.Errors {
		if e.Field == name {
			return e.Message
		}
	}
	return ""
}

// Required marks a required field (for the template).
func (p *page) Required(f caseform.Field) bool { return f.Required }

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Locale}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
{{- if .CaseID}}
<p>{{.T "cases.done.number" .CaseID}}</p>
<p>{{.T "cases.done.email"}}</p>
{{- end}}
{{- if .Message}}
<p>{{.Message}}</p>
{{- end}}
{{- if .Errors}}
<div role="alert" id="errors">
<p>{{.T "cases.error.list"}}</p>
<ul>
{{- range .Errors}}
<li><a href="#field-{{.Field}}">{{.Label}}: {{.Message}}</a></li>
{{- end}}
</ul>
</div>
<form method="post" action="{{.Action}}" enctype="multipart/form-data" accept-charset="utf-8">
{{- range .Fields}}{{$f := .}}{{$err := $.ErrorFor .Name}}{{$v := index $.Values .Name}}
{{- if eq .Input "hidden"}}
<input type="hidden" name="{{.Name}}" value="{{$v}}">
{{- else}}
<p>
<label for="field-{{.Name}}">{{$.T .LabelKey}}{{if .Required}} *{{end}}</label><br>
{{- if eq .Input "textarea"}}
<textarea id="field-{{.Name}}" name="{{.Name}}" rows="8" cols="60" maxlength="{{.MaxLen}}"{{if .Required}} required{{end}}{{if $err}} aria-invalid="true" aria-describedby="error-{{.Name}}"{{end}}>{{$v}}</textarea>
{{- else if eq .Input "select"}}
<select id="field-{{.Name}}" name="{{.Name}}"{{if .Required}} required{{end}}{{if $err}} aria-invalid="true" aria-describedby="error-{{.Name}}"{{end}}>
<option value="">{{$.T "cases.form.choose"}}</option>
{{- range .Options}}
<option value="{{.}}"{{if eq . $v}} selected{{end}}>{{$.T ($f.OptionKey .)}}</option>
{{- end}}
</select>
{{- else if eq .Input "file"}}
<input type="file" id="field-{{.Name}}" name="{{.Name}}" multiple accept="{{.AcceptAttr}}"{{if $err}} aria-invalid="true" aria-describedby="error-{{.Name}}"{{end}}>
{{- else}}
<input type="{{.Input}}" id="field-{{.Name}}" name="{{.Name}}" value="{{$v}}" maxlength="{{.MaxLen}}"{{if .Autocomplete}} autocomplete="{{.Autocomplete}}"{{end}}{{if .Required}} required{{end}}{{if $err}} aria-invalid="true" aria-describedby="error-{{.Name}}"{{end}}>
{{- end}}
{{- if $err}}<br><strong id="error-{{.Name}}">{{$err}}</strong>{{end}}
</p>
{{- end}}
{{- end}}
<p><button type="submit">{{.T "cases.form.submit"}}</button></p>
</form>
{{- end}}
<ul>
{{- if .Article}}
<li><a href="{{.Article}}">{{.T "cases.done.back_article"}}</a></li>
{{- end}}
<li><a href="/{{.Locale}}/">{{.T "cases.done.back"}}</a></li>
</ul>
</main>
</body>
</html>
`))

func (s *Server) render(w http.ResponseWriter, code int, p *page) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		s.log.Error("render page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}
