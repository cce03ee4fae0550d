package compat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Version is a browser version as the front matter states it: "47",
// "38.5", "9.1.2". Write it quoted. An unquoted integer (chrome: 47) is
// accepted; an unquoted decimal is refused when decoding, because YAML,
// TOML and JSON read it as a number and 9.10 would silently become 9.1.
// Validate checks that the text is a version.
type Version string

// maxVersionParts and maxPartDigits bound what ParseVersion accepts: real
// versions have at most four parts (71.0.3578.99) of a few digits.
const (
	maxVersionParts = 4
	maxPartDigits   = 9
)

// ParseVersion splits a version such as "38.5" into its numeric parts. It
// accepts one to four dot-separated parts of ASCII digits, nothing else: no
// spaces, signs, letters ("47a", "beta") or empty parts ("9.", ".1").
func ParseVersion(s string) ([]int, error) {
	if s == "" {
		return nil, errors.New("empty version")
	}
	fields := strings.Split(s, ".")
	if len(fields) > maxVersionParts {
		return nil, fmt.Errorf("version %q has %d parts; use at most %d, such as \"71.0.3578.99\"", s, len(fields), maxVersionParts)
	}
	parts := make([]int, len(fields))
	for i, f := range fields {
		if f == "" || len(f) > maxPartDigits || strings.Trim(f, "0123456789") != "" {
			return nil, fmt.Errorf("version %q is not a number such as \"47\" or \"9.1\"", s)
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("version %q is not a number such as \"47\" or \"9.1\"", s)
		}
		parts[i] = n
	}
	return parts, nil
}

// compareParts orders two parsed versions, missing parts counting as 0:
// 9 == 9.0, 9.1 < 9.10.
func compareParts(a, b []int) int {
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// canonical writes parsed parts without trailing zero parts ("47.0" →
// "47"), so that equal versions compare equal as text.
func canonical(parts []int) string {
	n := len(parts)
	for n > 1 && parts[n-1] == 0 {
		n--
	}
	s := make([]string, n)
	for i := range n {
		s[i] = strconv.Itoa(parts[i])
	}
	return strings.Join(s, ".")
}

// errUnquoted explains the one decoding error a writer is likely to meet.
func errUnquoted(raw string) error {
	return fmt.Errorf("version %s must be quoted, as \"%s\": an unquoted %s is read as a decimal number, so 9.10 would become 9.1", raw, raw, raw)
}

// UnmarshalYAML accepts a string or an integer (gopkg.in/yaml.v3).
func (v *Version) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return errors.New("a version must be a quoted string such as \"47\"")
	}
	switch n.ShortTag() {
	case "!!str", "!!int":
		*v = Version(n.Value)
		return nil
	case "!!float":
		return errUnquoted(n.Value)
	case "!!null":
		*v = "" // Validate names the field
		return nil
	}
	return fmt.Errorf("version %s must be a quoted string such as \"47\"", n.Value)
}

// UnmarshalJSON accepts a string or an integer.
func (v *Version) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*v = Version(s)
		return nil
	}
	if string(data) == "null" {
		*v = "" // Validate names the field
		return nil
	}
	var num json.Number
	if err := json.Unmarshal(data, &num); err != nil || len(data) == 0 {
		return fmt.Errorf("version %s must be a quoted string such as \"47\"", data)
	}
	if _, err := num.Int64(); err != nil {
		return errUnquoted(string(data))
	}
	*v = Version(num.String())
	return nil
}

// UnmarshalTOML accepts a string or an integer (github.com/BurntSushi/toml).
func (v *Version) UnmarshalTOML(data any) error {
	switch x := data.(type) {
	case string:
		*v = Version(x)
		return nil
	case int64:
		*v = Version(strconv.FormatInt(x, 10))
		return nil
	case float64:
		return errUnquoted(strconv.FormatFloat(x, 'f', -1, 64))
	}
	return fmt.Errorf("version %v must be a quoted string such as \"47\"", data)
}
