// Command ikrar is the neutrality-pledge service: one binary for the web
// server and every administrative command.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/ikrar/ikrar/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Env{Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}
