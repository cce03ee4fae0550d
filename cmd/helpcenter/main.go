// Command helpcenter builds, checks and previews a help center.
//
//	helpcenter build   build content/, layouts/, static/ into public/
//	helpcenter serve   preview with live reload
//	helpcenter check   validate everything without writing
//	helpcenter new     create an article from a template
//	helpcenter import  move a help center in from Zendesk Guide
package main

import "github.com/inexchange/helpcenter/internal/cli"

const usage = `helpcenter builds a customer help center from Markdown.

Usage:
  helpcenter build [flags]          build the site into --dest (default public/)
  helpcenter serve [flags]          preview at --addr, rebuilding and reloading as you save
  helpcenter check [flags]          report every content error without writing output
  helpcenter new <locale>/<category>/<section>/<slug> [--title T] [--layout L]
                                    create an article from a template
  helpcenter import zendesk [flags] fetch a Zendesk Guide help center, then convert it

Common flags:
  --source DIR      site root holding content/, layouts/, static/ (default .)
  --dest DIR        output folder (default public)
  --base-url URL    absolute site URL (default $URL, then base_url in content/_index.md)
  --drafts          include articles marked draft: true
  --future          include articles scheduled for later or expired
  --cache-dir DIR   processed images kept between builds (default .cache/helpcenter in the site root)

Flags go before or after the arguments. Exit status: 0 ok, 1 content
errors, 2 usage errors. Run 'helpcenter <command> --help' for its flags.
`

func main() { program.Main() }

// program is the helpcenter command: one file per subcommand.
var program = &cli.Program{
	Name:     "helpcenter",
	Usage:    usage,
	Commands: []cli.Command{buildCommand, checkCommand, newCommand, serveCommand, importCommand},
}
