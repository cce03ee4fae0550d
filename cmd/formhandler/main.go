// Command formhandler receives support cases and article feedback from
// the help center, stores them durably and delivers them to the support
// team (SMTP, a signed webhook, Zendesk). See internal/cases for how it
// works and README.md for running it behind Netlify's /api/* proxy.
package main

import "github.com/inexchange/helpcenter/internal/cli"

const usage = `formhandler: support cases and article feedback for the help center

Usage:
  formhandler serve   --db PATH --addr HOST:PORT --allowed-origin ORIGIN [flags]
  formhandler export  --db PATH [--format json|csv] [--spam]   all cases to stdout
  formhandler outbox  --db PATH [--state pending|dead|done|all] delivery jobs
  formhandler retry   --db PATH (--dead | JOB_ID...)            deliver again
  formhandler purge   --db PATH --older-than DAYS               delete cases not changed for DAYS, old search counts
  formhandler searches --db PATH [--since 30d] [--limit 20]     queries that found nothing
  formhandler case    status|reply|show ID --db PATH [...]      a case's status, replies, conversation

--db is a SQLite file or a postgres:// URL. Every flag can also be set as
an environment variable: --smtp-host → FORMHANDLER_SMTP_HOST.
Flags go before or after the arguments. Exit status: 0 ok, 1 failure,
2 usage errors. Run "formhandler <command> --help" for its flags.
`

func main() { program.Main() }

// program is the formhandler command: one file per subcommand.
var program = &cli.Program{
	Name:     "formhandler",
	Usage:    usage,
	Commands: []cli.Command{serveCommand, exportCommand, outboxCommand, retryCommand, purgeCommand, searchesCommand, caseCommand},
}
