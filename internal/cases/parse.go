package cases

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/inexchange/helpcenter/internal/caseform"
)

// errBadBody is returned for a body that cannot be parsed.
var errBadBody = errors.New("malformed request body")

// errFieldTooLong is returned for a multipart text field over
// maxFieldBytes.
var errFieldTooLong = errors.New("text field too long")

// maxFieldBytes bounds one text value, well above any field's MaxLen.
const maxFieldBytes = 64 << 10

// submission is a parsed request body.
type submission struct {
	values caseform.Values
	files  []Attachment
	// fileErr is the error key of the first rejected file, if any.
	fileErr string
}

// parseSubmission reads a case or feedback body of media type ct (one of
// the accepted types, with its parameters). Attachments are read only from
// multipart bodies, each checked by caseform.CheckAttachment. The body
// must already be limited with http.MaxBytesReader; a *http.MaxBytesError
// is returned wrapped, so errors.As finds it.
func parseSubmission(r *http.Request, ct string, params map[string]string) (*submission, error) {
	sub := &submission{values: caseform.Values{}}
	switch ct {
	case "application/x-www-form-urlencoded":
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, wrapBodyErr(err)
		}
		form, err := url.ParseQuery(string(data))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errBadBody, err)
		}
		for k, v := range form {
			if len(v) > 0 {
				sub.values[k] = v[0]
			}
		}
	case "application/json":
		var raw map[string]any
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		if err := dec.Decode(&raw); err != nil {
			return nil, wrapBodyErr(err)
		}
		for k, v := range raw {
			switch v := v.(type) {
			case string:
				sub.values[k] = v
			case bool:
				sub.values[k] = map[bool]string{true: "yes", false: "no"}[v]
			case json.Number:
				sub.values[k] = v.String()
			case nil:
			default:
				return nil, fmt.Errorf("%w: field %q must be a string", errBadBody, k)
			}
		}
	case "multipart/form-data":
		if params["boundary"] == "" {
			return nil, fmt.Errorf("%w: multipart body without boundary", errBadBody)
		}
		if err := parseMultipart(r, sub); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: unsupported content type %q", errBadBody, ct)
	}
	return sub, nil
}

func parseMultipart(r *http.Request, sub *submission) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return fmt.Errorf("%w: %v", errBadBody, err)
	}
	attach, _ := caseform.Lookup(caseform.Attachments)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return wrapBodyErr(err)
		}
		name := part.FormName()
		if part.FileName() == "" && name != caseform.Attachments {
			data, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return wrapBodyErr(err)
			}
			if len(data) > maxFieldBytes {
				return fmt.Errorf("%w: %q is over %d bytes", errFieldTooLong, name, maxFieldBytes)
			}
			if _, dup := sub.values[name]; !dup {
				sub.values[name] = string(data)
			}
			continue
		}
		if name != caseform.Attachments {
			continue // a file under another name: ignore it
		}
		data, err := io.ReadAll(io.LimitReader(part, attach.MaxFileSize+1))
		if err != nil {
			return wrapBodyErr(err)
		}
		if part.FileName() == "" && len(data) == 0 {
			continue // the browser's empty file input
		}
		head := data[:min(len(data), 512)]
		ctype, errKey := caseform.CheckAttachment(len(sub.files), int64(len(data)), head)
		if errKey != "" {
			if sub.fileErr == "" {
				sub.fileErr = errKey
			}
			continue
		}
		fname := part.FileName()
		if len(fname) > 200 {
			fname = fname[:200]
		}
		sub.files = append(sub.files, Attachment{Name: strings.ToValidUTF8(fname, "_"), ContentType: ctype, Size: int64(len(data)), Data: data})
	}
}

// wrapBodyErr marks a read or parse error as a malformed body, keeping a
// *http.MaxBytesError findable.
func wrapBodyErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fmt.Errorf("read body: %w", err)
	}
	return fmt.Errorf("%w: %v", errBadBody, err)
}
