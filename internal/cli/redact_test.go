package cli

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/store/storetest"
)

// syncBuffer is written by the server's goroutines and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeLogsNoDSNPassword runs `ikrar serve` on PostgreSQL with a
// password in the DSN (the test server trusts local connections, so any
// password works) and checks that neither log format prints it.
func TestServeLogsNoDSNPassword(t *testing.T) {
	storetest.Require(t, storetest.Postgres)
	const password = "Rahasia-DSN-4471"
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			u, err := url.Parse(storetest.NewSchema(t))
			if err != nil {
				t.Fatal(err)
			}
			u.User = url.UserPassword(u.User.Username(), password)
			env := map[string]string{"IKRAR_DATA": t.TempDir(), "IKRAR_BASE_URL": "http://ikrar.test", "IKRAR_ADDR": "127.0.0.1:0",
				"IKRAR_DB_DRIVER": "postgres", "IKRAR_DB": u.String(), "IKRAR_LOG_FORMAT": format}
			var out, errb syncBuffer
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int, 1)
			go func() {
				done <- Run(ctx, []string{"serve"}, Env{Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
			}()
			deadline := time.After(60 * time.Second)
		wait:
			for !strings.Contains(out.String(), "listening") {
				select {
				case code := <-done:
					t.Fatalf("serve exited with %d:\n%s", code, errb.String())
				case <-deadline:
					break wait
				case <-time.After(20 * time.Millisecond):
				}
			}
			cancel()
			<-done
			logs := errb.String() + out.String()
			if !strings.Contains(logs, "listening") {
				t.Fatalf("serve never listened:\n%s", logs)
			}
			if strings.Contains(logs, password) {
				t.Fatalf("the DSN password reached the log:\n%s", logs)
			}
			if !strings.Contains(logs, u.Host) {
				t.Fatalf("the log no longer names the database host:\n%s", logs)
			}
		})
	}
}
