package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// twoInstances serves the app twice over one PostgreSQL database, the way
// two ikrar instances run behind a load balancer: same database, same
// signing key (the data folder holding it is shared).
func twoInstances(t *testing.T) (a, b *env) {
	t.Helper()
	storetest.Require(t, storetest.Postgres)
	a = newEnvOn(t, storetest.Postgres)
	b = openEnv(t, store.Options{Driver: a.cfg.DBDriver, DSN: a.cfg.DB}, a.dir)
	return a, b
}

// url is path on instance e. A client's cookies go to both instances:
// cookies are per host, not per port, as behind a load balancer.
func (e *env) url(path string) string { return e.srv.URL + path }

func TestTwoInstancesShareState(t *testing.T) {
	a, b := twoInstances(t)
	person := a.asn("198703122010121002")

	t.Run("CSRF token from one instance is accepted by the other", func(t *testing.T) {
		c := a.client()
		_, page := a.get(c, "/sign/"+person.Token)
		resp, err := c.PostForm(b.url("/sign/"+person.Token), signForm(csrfOf(t, page), "Budi Santosa"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("sign on B with A's form: status %d", resp.StatusCode)
		}
		if n, _ := b.st.CountSignatures(context.Background(), 0); n != 1 {
			t.Fatalf("%d signatures, want 1", n)
		}
	})

	t.Run("certificate is the same from both and verifies on both", func(t *testing.T) {
		c := a.client()
		fromB := b.download(c, "/sign/"+person.Token+"/certificate.pdf")
		fromA := a.download(c, "/sign/"+person.Token+"/certificate.pdf")
		if !bytes.Equal(fromA, fromB) {
			t.Fatal("the two instances serve different certificates for one signature")
		}
		for _, e := range []*env{a, b} {
			if status, body := e.upload(fromA); status != http.StatusOK || !strings.Contains(body, "Budi Santosa") {
				t.Fatalf("verify on %s: status %d", e.srv.URL, status)
			}
		}
	})

	t.Run("a session opened on one instance works on the other", func(t *testing.T) {
		c := a.staffLogin("admin", store.RoleAdmin)
		resp, err := c.Get(b.url("/dashboard"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("dashboard on B with A's session: status %d", resp.StatusCode)
		}
		// Logging out on B ends the session on A too.
		_, page := b.get(c, "/dashboard")
		status, _, _ := b.post(c, "/logout", url.Values{"_csrf": {csrfOf(t, page)}})
		if status != http.StatusSeeOther {
			t.Fatalf("logout on B: status %d", status)
		}
		status, _ = a.get(c, "/dashboard")
		if status == http.StatusOK {
			t.Fatal("session still open on A after logout on B")
		}
	})

	t.Run("guessing is limited across instances", func(t *testing.T) {
		other := a.asn("198512302010012003")
		c := a.client()
		_, page := a.get(c, "/sign")
		csrf := csrfOf(t, page)
		// Five wrong codes, alternating between the instances, use up the
		// NIP's attempts on both.
		for i := range 5 {
			e := []*env{a, b}[i%2]
			status, _, _ := e.post(c, "/sign", url.Values{"_csrf": {csrf}, "nip": {other.NIP}, "code": {"SALAH00" + string(rune('0'+i))}})
			if status != http.StatusUnauthorized {
				t.Fatalf("wrong code %d on %s: status %d", i, e.srv.URL, status)
			}
		}
		for _, e := range []*env{a, b} {
			status, body, _ := e.post(c, "/sign", url.Values{"_csrf": {csrf}, "nip": {other.NIP}, "code": {other.AccessCode}})
			if status != http.StatusTooManyRequests || !strings.Contains(body, "Terlalu banyak percobaan") {
				t.Fatalf("right code on %s after 5 failures: status %d, want 429", e.srv.URL, status)
			}
		}
	})
}

// TestRosterPreviewAndCommitOnDifferentInstances: the load balancer may
// send the admin's confirmation to another instance (with its own data
// folder) than the one that showed the preview.
func TestRosterPreviewAndCommitOnDifferentInstances(t *testing.T) {
	storetest.Require(t, storetest.Postgres)
	a := newEnvOn(t, storetest.Postgres)
	b := openEnv(t, store.Options{Driver: a.cfg.DBDriver, DSN: a.cfg.DB}, t.TempDir())
	admin := a.adminLogin("admin", store.RoleAdmin)
	file := "nip,nama,jabatan,unit_kerja\n198904152015032004,Rina Lestari,Analis Data,Dinas Kesehatan\n"
	status, body := a.adminUpload(admin, "baru.csv", file, false)
	m := adminTokenRe.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("preview on A: status %d", status)
	}
	csrf := b.adminCSRF(admin, "/admin/roster")
	status, _, _ = b.post(admin, "/admin/roster/commit", url.Values{"_csrf": {csrf}, "token": {m[1]}, "name": {"baru.csv"}})
	if status != http.StatusSeeOther {
		t.Fatalf("commit on B: status %d", status)
	}
	if _, err := b.st.ASNByNIP(context.Background(), "198904152015032004"); err != nil {
		t.Fatalf("commit on B did not import: %v", err)
	}
	// The token is spent on both instances.
	status, _, _ = a.post(admin, "/admin/roster/commit", url.Values{"_csrf": {csrf}, "token": {m[1]}})
	if status != http.StatusNotFound {
		t.Fatalf("second commit on A: status %d, want 404", status)
	}
}
