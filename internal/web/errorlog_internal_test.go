package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	ikrar "github.com/ikrar/ikrar"
)

type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// net/http's own complaints belong in the service's log, in order with
// its other lines, not on the process's bare standard error.
func TestNetHTTPLinesReachTheLog(t *testing.T) {
	var logs lockedLog
	s, err := New(Deps{Assets: ikrar.Assets, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.Config.ShutdownTimeout = 5 * time.Second
	// A handler that answers twice: net/http itself says so.
	s.echo.GET("/twice", func(c echo.Context) error {
		w := c.Response().Writer
		w.WriteHeader(http.StatusNoContent)
		w.WriteHeader(http.StatusInternalServerError)
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, "127.0.0.1:0", func(a string) { addrc <- a }) }()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/twice", nil)
	req.Header.Set("Accept-Encoding", "identity")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !strings.Contains(logs.String(), `level=WARN msg="http: superfluous response.WriteHeader call`) {
		t.Fatalf("net/http's line did not reach the log:\n%s", logs.String())
	}
}
