// Command smtpsink is an SMTP server that accepts every message and
// counts it, for bench/formhandler/run.sh: the form handler under load
// delivers its mail (support mail, confirmations, sign-in links) to it.
//
//	smtpsink -addr 127.0.0.1:2525
//
// On SIGTERM it prints how many messages it took.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/emersion/go-smtp"
)

var messages atomic.Int64

type session struct{}

func (session) Reset()                               {}
func (session) Logout() error                        { return nil }
func (session) Mail(string, *smtp.MailOptions) error { return nil }
func (session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (session) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	messages.Add(1)
	return nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:2525", "listen `address`")
	flag.Parse()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return session{}, nil }))
	srv.Addr, srv.Domain, srv.AllowInsecureAuth = *addr, "localhost", true
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-stop
		fmt.Printf("smtpsink: %d messages\n", messages.Load())
		srv.Close()
		os.Exit(0)
	}()
	if err := srv.ListenAndServe(); err != nil {
		log.Fatal(err)
	}
}
