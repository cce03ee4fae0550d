package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/inexchange/helpcenter/internal/cli"
)

// retryCommand queues dead jobs, or the jobs named, for delivery again.
var retryCommand = cli.Command{Name: "retry", Run: runRetry}

func runRetry(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("formhandler retry", stderr)
	db := fs.String("db", "", "SQLite file or postgres:// URL")
	dead := fs.Bool("dead", false, "retry every dead job")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var ids []int64
	for _, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return cli.Usagef("job id %q is not a number (see formhandler outbox)", a)
		}
		ids = append(ids, id)
	}
	if *dead == (len(ids) > 0) {
		return cli.Usagef("give either --dead or job ids")
	}
	store, err := openDB(*db)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := store.RetryJobs(ctx, time.Now(), ids)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d job(s) queued for delivery; a running formhandler sends them within a second\n", n)
	return nil
}
