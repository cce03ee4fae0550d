// Package hours implements the phone-hours typed article: the `hours:` front
// matter of an article with `layout: phone-hours`, its validation, the data its
// template renders, and the "open now" computation that the reader's browser
// runs.
//
// The pieces fit together like this:
//
//   - [Hours] is the front-matter type. The content loader decodes it strictly
//     from YAML, TOML or JSON and calls [Hours.Validate], which reports every
//     problem as a [*FieldError] naming the field (hours.weekly.monday, …).
//   - [NewView] turns valid Hours and the build time into a [*View]: the weekly
//     table Monday to Sunday, upcoming exceptions, the "new hours from" notice,
//     schema.org openingHoursSpecification JSON-LD, and [ScriptData] for the
//     script. The layouts/partials/phone-hours.html partial renders a View;
//     it needs `.Hours` on the page data to be that *View.
//   - [ScriptData] is shipped to the browser in a <script type="application/json">
//     block. It holds the weekly intervals and exceptions in minutes and the
//     help center's UTC offset transitions (computed here with the embedded
//     time zone database), so static/js/hours.js can tell "open now" in the
//     help center's zone in every browser, IE 11 included, without Intl time
//     zone support.
//   - [Status] is the same computation in Go, over the same ScriptData. The
//     tests run a table of instants around daylight-saving changes through
//     Status and write it to testdata/status.json, which the Node test
//     (testdata/hours.test.js) runs through hours.js, so both implementations
//     are held to one table.
package hours
