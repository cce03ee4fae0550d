// Package e2e is the end-to-end quality suite of the help center. It has no
// code of its own outside its tests: `go test ./internal/e2e/` builds the
// repository's sample site once with the real pipeline (internal/build),
// serves it on loopback the way Netlify does, and checks it from the
// outside.
//
// How the pieces fit:
//
//   - The site server (server_test.go) serves the built public/ folder like
//     Netlify: static files, directory index.html, the generated _redirects
//     (aliases, the language choice at /, the localized 404 pages) with
//     Netlify's shadowing rules, gzip, and the headers of netlify.toml (the
//     Content-Security-Policy without 'unsafe-inline' among them). The form
//     handler (internal/cases) runs in-process under /api/, as Netlify's
//     proxy puts it, with its own SQLite file.
//   - One headless Debian chromium (browser_test.go), started through
//     chromedp, serves every test; each test opens a tab, which records
//     every request (a request to any host but the test servers fails the
//     test), console errors, uncaught exceptions and Content-Security-Policy
//     violations (any of them fails the test).
//   - The audits: axe-core (node_modules/axe-core, injected through the
//     DevTools protocol, so the page's CSP does not apply to it) on every
//     page kind in both languages, and the Nu Html Checker
//     (node_modules/vnu-jar, run with java) over every HTML file.
//   - The reader's flows: navigation, language switch, keyboard and focus,
//     table of contents, phone hours with a fixed clock, the compatibility
//     banner, search, the case form and feedback with and without
//     JavaScript, and the page weight of an article.
//
// What the suite needs on the machine: Debian's chromium
// (apt-get install -y chromium), a Java runtime for the Nu Html Checker
// (apt-get install -y default-jre-headless) and the pinned npm packages of
// package.json at the repository root (npm ci). A missing piece fails the
// tests that need it, with the command that installs it.
package e2e
