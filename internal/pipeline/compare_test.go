package pipeline

import (
	"reflect"
	"testing"
	"time"
)

// TestComparisonsCoverEveryField holds the comparison tables to their
// types: each field of a compared type is in its table exactly once, as
// compared or exempt with a reason, and a change to a compared field
// alone makes its check report a difference. Add a field to render.Page,
// site.Article, site.Locale … and this test names the table in
// compare.go that must place it.
func TestComparisonsCoverEveryField(t *testing.T) {
	coverage(t, "siteChecks", siteChecks)
	coverage(t, "localeChecks", localeChecks)
	coverage(t, "categoryChecks", categoryChecks)
	coverage(t, "sectionChecks", sectionChecks)
	coverage(t, "pageChecks", pageChecks)
	coverage(t, "cardChecks", cardChecks)
	coverage(t, "articleChecks", articleChecks)
	coverage(t, "labelLinkChecks", labelLinkChecks)
	coverage(t, "labelPageChecks", labelPageChecks)
	coverage(t, "refChecks", refChecks)
	coverage(t, "linkChecks", linkChecks)
}

func coverage[T any](t *testing.T, table string, cs checks[T]) {
	t.Helper()
	typ := reflect.TypeFor[T]()
	listed := map[string]bool{}
	for _, c := range cs {
		if listed[c.name] {
			t.Errorf("%s lists %s.%s twice", table, typ, c.name)
		}
		listed[c.name] = true
		f, ok := typ.FieldByName(c.name)
		if !ok || len(f.Index) != 1 {
			t.Errorf("%s lists %s.%s, which %s does not have", table, typ, c.name, typ)
			continue
		}
		if c.same == nil {
			if c.exempt == "" {
				t.Errorf("%s exempts %s.%s without saying why", table, typ, c.name)
			}
			continue
		}
		if !f.IsExported() {
			t.Errorf("%s compares the unexported %s.%s", table, typ, c.name)
			continue
		}
		var a, b T
		if !c.same(&a, &b) {
			t.Errorf("%s: two zero %s differ in %s", table, typ, c.name)
		}
		if !alter(reflect.ValueOf(&b).Elem().Field(f.Index[0])) {
			t.Errorf("%s: the test cannot change a %s (%s.%s): teach alter() the type", table, f.Type, typ, c.name)
			continue
		}
		if c.same(&a, &b) {
			t.Errorf("%s: a change to %s.%s goes unseen by its check", table, typ, c.name)
		}
		if cs.same(&a, &b) {
			t.Errorf("%s: a change to %s.%s goes unseen by the table", table, typ, c.name)
		}
	}
	for i := range typ.NumField() {
		if n := typ.Field(i).Name; !listed[n] {
			t.Errorf("%s.%s is neither compared nor exempt: add it to %s in compare.go (or exempt it, saying why a change needs no comparison)", typ, n, table)
		}
	}
}

// alter sets v, a zero value, to something else, and reports whether it
// knew how.
func alter(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		v.SetString("changed")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		if s.Index(0).Kind() == reflect.Pointer {
			s.Index(0).Set(reflect.New(v.Type().Elem().Elem()))
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		if !alter(k) {
			return false
		}
		m.SetMapIndex(k, reflect.New(v.Type().Elem()).Elem())
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(1, 0)))
			return true
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && alter(v.Field(i)) {
				return true
			}
		}
		return false
	default:
		return false
	}
	return true
}
