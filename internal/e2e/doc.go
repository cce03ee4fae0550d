// Package e2e is the end-to-end quality suite of the help center. It has no
// code of its own outside its tests: `go test ./internal/e2e/` builds the
// repository's sample site once with the real pipeline (internal/pipeline),
// serves it on loopback the way Netlify does, and checks it from the
// outside, as a reader's browser and the validators see it.
//
// How the pieces fit (all in _test.go files):
//
//   - main_test.go builds the sample site (and, for the tests that need it,
//     a variant: a copy with both system-requirements articles raised to
//     Chrome 60 and a short English-only article) with a fixed clock, and
//     starts a server per site with the form handler (internal/cases) in
//     process under /api/, on its own SQLite file, rate limits off.
//   - server_test.go is that server: package hosting's model of Netlify
//     (netlify.toml with the generated _redirects and _headers: folder
//     index.html and the trailing-slash redirect, aliases, the language
//     choice at /, the localized 404 pages, shadowing, the headers, the
//     /api/* proxy to the form handler), the one helpcenter serve uses,
//     plus the CDN's gzip; http_test.go holds its answers to issue 3's
//     Content-Security-Policy and issue 16's cache policy.
//   - browser_test.go starts one headless Debian chromium through chromedp
//     for the whole run. Each test opens a tab, which records every request
//     (a request to any host but the test servers is a failure), console
//     errors, uncaught exceptions and Content-Security-Policy violations
//     (each one fails the test), and offers the steps the tests use:
//     navigate, click and wait, evaluate, keys, emulated User-Agent, screen,
//     time zone, language, colour scheme and JavaScript off.
//   - The audits: axe_test.go injects axe-core (node_modules/axe-core)
//     through the DevTools protocol, so the page's CSP does not apply to
//     it, on every page kind in both languages in light, dark and 320 px
//     wide; vnu_test.go runs the Nu Html Checker (node_modules/vnu-jar,
//     with java) over every HTML file and the form handler's own pages;
//     http_test.go scans every page for inline code.
//   - The reader's flows: reader_test.go (navigation, language switch, skip
//     link, Tab with visible focus, table of contents, the article aside),
//     hours_test.go (the open-now line at fixed instants around the DST
//     changes, against hours.Status), compat_test.go (the browser banner),
//     search_test.go, forms_test.go (the case form and feedback, with and
//     without JavaScript), yourcases_test.go (the requester's side: sign-in
//     by a link mailed to a real SMTP server in the test, the list, a
//     case, a comment with a file reaching a fake Zendesk, whose signed
//     webhook brings the agent's reply and status back; in both languages,
//     with and without JavaScript; cross-origin posts refused) and
//     weight_test.go (an article page with everything it loads under
//     50 KB).
//
// What the suite needs on the machine: Debian's chromium
// (apt-get install -y chromium), a Java runtime for the Nu Html Checker
// (apt-get install -y default-jre-headless) and the pinned npm packages of
// package.json at the repository root (npm ci). A missing piece fails the
// tests that need it, with the command that installs it.
package e2e
