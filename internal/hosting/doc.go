// Package hosting is the one model of how Netlify serves the published
// site. helpcenter serve answers the preview with it, the end-to-end tests
// serve the built site with it, and helpcenter check reports with it what
// in the rules would not do what it says. .ci/run holds it to Netlify's
// own code: TestNetlifyParity runs Netlify's published parsers
// (@netlify/config, @netlify/redirect-parser, @netlify/headers-parser) and
// redirect matcher (netlify-redirector) over netlify.toml and a built
// site's _redirects and _headers and compares their rules and answers
// with this package's.
//
// # The rules
//
// [Parse] reads netlify.toml's [[redirects]] and [[headers]] and the
// published _redirects and _headers as Netlify's parsers do (field
// aliases, status "301!" for force, "Language=sv,en" lists, a header name
// repeated under one path in _headers joined with ", ", exact repeats
// dropped but the last), into [Rules]: the files' rules before
// netlify.toml's, the order Netlify applies them in. Rules Netlify's
// parsers reject are reported with their file and line (and left out, as
// Netlify deploys without them).
//
// # Redirects
//
// [Rules.Resolve] answers a request:
//
//   - The first rule that matches decides. A rule matches the decoded path
//     case-sensitively with the trailing slash optional; :name matches one
//     segment, * matches anything (also nothing, with the slash before
//     it), query parameters the rule names must be present (a literal
//     value must be equal; :name captures it; the last of repeated
//     parameters counts), and all its conditions must hold: Language
//     against the first language of Accept-Language whatever its quality
//     value, or the nf_lang cookie ("sv" takes "sv-SE"); Country against
//     the nf_country cookie, else (the preview has no GeoIP) the region
//     of that first language; Cookie against the cookie names sent.
//     A rule with a Role condition answers 404 here, as Netlify answers
//     a visitor without the role (the model has no Netlify Identity); a
//     condition Netlify does not know never matches. A rule that
//     redirects a path to itself is ignored.
//   - A rule that is not forced yields to a published file at the path
//     (shadowing): the file answers, not the next rule.
//   - The answer: 3xx (301 when the rule gives no status) redirects to
//     the target with :splat and :names filled in, passing the request's
//     query string on unless the target has its own; 200 and other
//     statuses to a path answer with that published file and the rule's
//     status (200 rewrites, 404 pages), or the site's 404 when it is not
//     published; 200 to a URL proxies.
//   - Without a rule: the file at the path, a folder's index.html for a
//     path ending in "/", name.html for an extensionless path, a 301 to
//     the folder's slash for a folder asked without it, else the site's
//     404.html with 404. _redirects and _headers are never served.
//
// # Headers
//
// [Rules.HeadersFor] gives the headers the rules add for a path (matched
// as sent, percent-encoded, by @netlify/headers-parser's expression:
// case-insensitive, trailing slash optional, :name one segment, a lone *
// anything). Every matching rule applies. A header set again under the
// same path pattern replaces that pattern's value (a later netlify.toml
// rule over _headers); set by rules with different patterns, the values
// are joined with ", ", which for a header with one meaning (Cache-Control,
// Content-Security-Policy, Strict-Transport-Security) is a different
// header than either rule wrote. Netlify's default Cache-Control
// ([DefaultCacheControl], revalidate) applies where no rule sets one.
// Proxied responses keep the proxied server's headers.
//
// [Rules.Check] finds those joins for the paths a deploy serves, and the
// redirect rules that never apply.
//
// [Server] is an http.Handler over Resolve for a set of published files;
// the caller writes file contents and handles proxies ([ProxyTo] hands
// them to an in-process handler, as serve and the tests do with the form
// handler behind /api/*).
package hosting
