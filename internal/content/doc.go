// Package content reads a help center's content/ folder: it finds the
// files, tells their kind from where they lie (site settings, locale home,
// category, section, article), splits and strictly decodes their front
// matter (YAML, TOML or JSON through github.com/adrg/frontmatter) and hands
// back typed structs with the Markdown body.
//
// Every problem becomes an *Error with path, line and column and a hint
// for the writer; Load collects all of them in one List rather than
// stopping at the first. Unknown keys are errors, so a typo such as
// "tittle" never passes silently.
//
// The package knows nothing of URLs, Markdown or templates: the site graph
// (package site) is built from its Tree.
package content
