package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/store"
)

// TestWebhookSurvivesKill9: `ikrar serve` is killed with SIGKILL while a
// webhook delivery is in flight; the restarted server delivers it again,
// under the same webhook-id, and nothing is delivered twice after success.
func TestWebhookSurvivesKill9(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "roster.csv")
	writeMailRoster(t, first, 3)
	mustCLI(t, "roster", "import", "--data", dir, first)

	var mu sync.Mutex
	var ids []string
	hang := make(chan struct{})
	inFlight := make(chan struct{}, 1)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		ids = append(ids, r.Header.Get("webhook-id"))
		n := len(ids)
		mu.Unlock()
		if n == 1 { // the first attempt hangs until its sender is killed
			inFlight <- struct{}{}
			<-hang
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(func() { close(hang); rcv.Close() })

	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{DSN: filepath.Join(dir, "ikrar.db")})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateWebhook(ctx, "test", &store.WebhookSubscription{URL: rcv.URL + "/hook", Secret: reach.NewWebhookSecret(),
		Events: store.EventRosterImported}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	lease := []string{"--mail-lease", "2s"}
	srv := startServer(t, dir, lease...)
	second := filepath.Join(dir, "more.csv")
	os.WriteFile(second, []byte("nip;nama;jabatan;unit_kerja\n198703122010121901;Pegawai Tambahan;Staf;Dinas Uji Webhook\n"), 0o600)
	mustCLI(t, "roster", "import", "--data", dir, "--confirm-new-units", second)
	select {
	case <-inFlight:
	case <-time.After(30 * time.Second):
		t.Fatal("the webhook was not attempted")
	}
	srv.kill() // SIGKILL while the receiver holds the attempt
	srv = startServer(t, dir, lease...)
	defer srv.stop()
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		n := len(ids)
		mu.Unlock()
		if n >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // a third delivery would arrive now
	mu.Lock()
	defer mu.Unlock()
	if len(ids) != 2 || ids[0] == "" || ids[0] != ids[1] {
		t.Fatalf("deliveries %v: want the interrupted one again, once, with the same webhook-id", ids)
	}
}
