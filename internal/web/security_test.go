package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
	"github.com/ikrar/ikrar/internal/web"
)

// countingBody streams n bytes (prefix, then filler) and counts how many
// the HTTP client took from it.
type countingBody struct {
	prefix []byte
	n, off int64
	read   *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	if b.off >= b.n {
		return 0, io.EOF
	}
	k := int64(len(p))
	if k > b.n-b.off {
		k = b.n - b.off
	}
	for i := range p[:k] {
		if pos := b.off + int64(i); pos < int64(len(b.prefix)) {
			p[i] = b.prefix[pos]
		} else {
			p[i] = 'A'
		}
	}
	b.off += k
	b.read.Add(k)
	return int(k), nil
}

// routePath fills a route pattern's parameters with real values.
func routePath(e *env, pattern string) string {
	a := e.asn(adminNIPBudi)
	r := strings.NewReplacer(":token", a.Token, ":id", "1", ":code", adminDeptKes)
	return r.Replace(pattern)
}

// TestBodiesCappedBeforeRead streams 100 MB to every POST route, as an
// anonymous visitor and as an admin, announced (Content-Length) and not
// (chunked), as a form and as a multipart upload. Each answer must come
// after at most the route's cap (plus what the sockets buffer), and
// nothing may reach the temp folder.
func TestBodiesCappedBeforeRead(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 100 MB bodies")
	}
	e, admin := adminEnv(t)
	tmp := filepath.Join(t.TempDir(), "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp) // where multipart spooling would write (os.TempDir)
	if os.TempDir() != tmp {
		t.Fatalf("os.TempDir() = %s", os.TempDir())
	}
	anon := e.client()
	anonCSRF := e.adminCSRF(anon, "/verify")
	adminCSRF := e.adminCSRF(admin, "/admin/roster")
	const total = 100 << 20
	// Socket buffers on both sides can hold a few MB the server never read.
	const slack = 16 << 20
	var posts []string
	for _, r := range e.app.Routes() {
		if m, p, _ := strings.Cut(r, " "); m == http.MethodPost {
			posts = append(posts, p)
		}
	}
	if len(posts) < 10 {
		t.Fatalf("only %d POST routes found: %v", len(posts), posts)
	}
	for _, pattern := range posts {
		for _, who := range []string{"anonymous", "admin"} {
			for _, kind := range []string{"form", "multipart"} {
				for _, announced := range []bool{true, false} {
					name := fmt.Sprintf("%s %s %s announced=%v", pattern, who, kind, announced)
					t.Run(name, func(t *testing.T) {
						c, csrf := anon, anonCSRF
						if who == "admin" {
							c, csrf = admin, adminCSRF
						}
						var prefix, ctype string
						if kind == "form" {
							prefix, ctype = "_csrf="+csrf+"&nip=", "application/x-www-form-urlencoded"
						} else {
							prefix = "--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n" +
								"--b\r\nContent-Disposition: form-data; name=\"pdf\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
							ctype = "multipart/form-data; boundary=b"
						}
						var read atomic.Int64
						body := &countingBody{prefix: []byte(prefix), n: total, read: &read}
						req, err := http.NewRequest(http.MethodPost, e.srv.URL+routePath(e, pattern), body)
						if err != nil {
							t.Fatal(err)
						}
						req.ContentLength = -1
						if announced {
							req.ContentLength = total
						}
						req.Header.Set("Content-Type", ctype)
						// Watch the temp folder while the request runs: spooled
						// parts are removed after a failed parse, so looking only
						// afterwards would miss them.
						stop, spooled := make(chan struct{}), make(chan string, 1)
						go func() {
							defer close(spooled)
							for {
								select {
								case <-stop:
									return
								default:
								}
								if left, _ := os.ReadDir(tmp); len(left) > 0 {
									spooled <- left[0].Name()
									return
								}
								runtime.Gosched()
							}
						}()
						resp, err := c.Do(req)
						close(stop)
						if name, ok := <-spooled; ok {
							t.Errorf("the request spooled %s to the temp folder", name)
						}
						if err == nil {
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							if resp.StatusCode != http.StatusRequestEntityTooLarge {
								t.Errorf("status %d, want 413", resp.StatusCode)
							}
						} // else: the server closed the connection mid-body, which refuses it too
						limit := int64(256 << 10)
						if pattern == "/verify" {
							limit = 2 << 20
						}
						over := int64(slack)
						if who == "admin" && (pattern == "/admin/roster/preview" || pattern == "/admin/roster/units/preview") {
							// Past a 64 MB cap the client's socket buffers and a
							// loaded machine let it push tens of MB more before
							// it reads the answer; what matters is that the
							// 100 MB body was not read to its end.
							limit, over = 64<<20, 32<<20
						}
						if n := read.Load(); n > limit+over {
							t.Errorf("the client sent %d MB before the answer; the cap is %d KB", n>>20, limit>>10)
						}
						if left, _ := os.ReadDir(tmp); len(left) > 0 {
							t.Errorf("temp folder holds %d entries, e.g. %s", len(left), left[0].Name())
						}
					})
				}
			}
		}
	}
}

// limitEnv serves the app behind a trusted proxy at 127.0.0.1, so a test
// chooses the client address with X-Forwarded-For.
func limitEnv(t *testing.T) *env {
	t.Helper()
	base := newEnv(t)
	return openEnvWith(t, store.Options{Driver: base.cfg.DBDriver, DSN: base.cfg.DB}, base.dir, func(c *config.Config, _ *web.Deps) {
		c.TrustedProxiesList = "127.0.0.1"
	})
}

// postFrom posts a form as if from addr (through the trusted proxy).
func (e *env) postFrom(c *http.Client, addr, path string, form url.Values) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *env) getFrom(c *http.Client, addr, path string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRateLimitsPerPurposeAndTarget(t *testing.T) {
	t.Parallel() // long: runs beside the others once the serial tests are done
	lim := web.DefaultLimits()
	const office = "203.0.113.50"

	t.Run("wrong certificate codes do not block signing links", func(t *testing.T) {
		e := limitEnv(t)
		c := e.client()
		for i := range lim.CodePerAddress {
			if status, _ := e.getFrom(c, office, fmt.Sprintf("/verify/IKR-AAAA-AAAA-AAAA-%04d", i)); status != http.StatusNotFound {
				t.Fatalf("wrong code %d: status %d", i, status)
			}
		}
		status, body := e.getFrom(c, office, "/verify/IKR-AAAA-AAAA-AAAA-ZZZZ")
		if status != http.StatusTooManyRequests || !strings.Contains(body, "15 menit") {
			t.Fatalf("code guess over the limit: status %d, want 429 naming 15 minutes", status)
		}
		if status, _ := e.getFrom(c, office, "/sign/"+e.asn(adminNIPBudi).Token); status != http.StatusOK {
			t.Fatalf("signing link from the same address after code guesses: status %d", status)
		}
	})

	t.Run("a kantor behind one address signs in despite many typos", func(t *testing.T) {
		e := limitEnv(t)
		c := e.client()
		_, page := e.get(c, "/sign")
		csrf := csrfOf(t, page)
		// 250 colleagues each mistype their code once from the office NAT.
		for i := range 250 {
			status, _ := e.postFrom(c, office, "/sign", url.Values{"_csrf": {csrf}, "nip": {fmt.Sprintf("19870312201012%04d", i)}, "code": {"SALAHKOD"}})
			if status != http.StatusUnauthorized {
				t.Fatalf("typo %d: status %d, want 401", i, status)
			}
		}
		a := e.asn(adminNIPZoe)
		status, _ := e.postFrom(c, office, "/sign", url.Values{"_csrf": {csrf}, "nip": {a.NIP}, "code": {a.AccessCode}})
		if status != http.StatusSeeOther {
			t.Fatalf("right code after 250 colleagues' typos: status %d, want 303", status)
		}
		// One NIP stays strict.
		b := e.asn(adminNIPKartini)
		for range lim.SignPerNIP {
			e.postFrom(c, office, "/sign", url.Values{"_csrf": {csrf}, "nip": {b.NIP}, "code": {"SALAHKOD"}})
		}
		status, body := e.postFrom(c, "198.51.100.9", "/sign", url.Values{"_csrf": {csrf}, "nip": {b.NIP}, "code": {b.AccessCode}})
		if status != http.StatusTooManyRequests || !strings.Contains(body, "15 menit") {
			t.Fatalf("NIP after %d wrong codes, from elsewhere: status %d, want 429 naming 15 minutes", lim.SignPerNIP, status)
		}
	})

	t.Run("a stranger cannot lock the admin out", func(t *testing.T) {
		e := limitEnv(t)
		adminC := e.staffLogin("admin", store.RoleAdmin) // this browser has logged in before
		stranger := e.client()
		_, page := e.get(stranger, "/login")
		csrf := csrfOf(t, page)
		wrong := url.Values{"_csrf": {csrf}, "username": {"admin"}, "password": {"tebakan-salah-1"}}
		for range lim.LoginPerAccountAddress {
			e.postFrom(stranger, "198.51.100.7", "/login", wrong)
		}
		status, body := e.postFrom(stranger, "198.51.100.7", "/login", wrong)
		if status != http.StatusTooManyRequests || !strings.Contains(body, "15 menit") {
			t.Fatalf("stranger over the per-address limit: status %d", status)
		}
		// From another address the account is still open to a new browser.
		fresh := e.client()
		_, page = e.get(fresh, "/login")
		right := url.Values{"_csrf": {csrfOf(t, page)}, "username": {"admin"}, "password": {staffPassword}}
		if status, _ := e.postFrom(fresh, "192.0.2.10", "/login", right); status != http.StatusSeeOther {
			t.Fatalf("admin from another address: status %d, want 303", status)
		}
		// A stranger spraying from many addresses uses up the account's
		// everywhere-limit: new browsers wait, the admin's own does not.
		for i := range lim.LoginPerAccount {
			e.postFrom(stranger, fmt.Sprintf("198.18.%d.%d", i/200, i%200+1), "/login", wrong)
		}
		other := e.client()
		_, page = e.get(other, "/login")
		if status, _ := e.postFrom(other, "192.0.2.11", "/login", url.Values{"_csrf": {csrfOf(t, page)}, "username": {"admin"}, "password": {staffPassword}}); status != http.StatusTooManyRequests {
			t.Fatalf("new browser after a spray: status %d, want 429", status)
		}
		_, page = e.get(adminC, "/login")
		right.Set("_csrf", csrfOf(t, page))
		if status, _ := e.postFrom(adminC, "192.0.2.12", "/login", right); status != http.StatusSeeOther {
			t.Fatalf("the admin's own browser after a spray: status %d, want 303", status)
		}
	})

	t.Run("rotating the left-most X-Forwarded-For does not dodge a limit", func(t *testing.T) {
		e := limitEnv(t)
		c := e.client()
		_, page := e.get(c, "/login")
		wrong := url.Values{"_csrf": {csrfOf(t, page)}, "username": {"admin"}, "password": {"tebakan-salah-1"}}
		// The proxy appends the real client (10.9.8.7, a private address on
		// the office LAN); everything left of it is the client's invention.
		for i := range lim.LoginPerAccountAddress {
			e.postFrom(c, fmt.Sprintf("192.0.2.%d, 10.9.8.7", i+1), "/login", wrong)
		}
		if status, _ := e.postFrom(c, "192.0.2.99, 10.9.8.7", "/login", wrong); status != http.StatusTooManyRequests {
			t.Fatalf("rotated left-most hop: status %d, want 429", status)
		}
		if status, _ := e.postFrom(c, "10.9.8.6", "/login", wrong); status != http.StatusUnauthorized {
			t.Fatalf("another client address: status %d, want 401", status)
		}
	})
}

func TestLoginNextIsSameSitePath(t *testing.T) {
	e := newEnv(t)
	if _, err := e.st.UserByUsername(context.Background(), "admin"); err != nil {
		e.staffLogin("admin", store.RoleAdmin)
	}
	tests := []struct{ next, want string }{
		{"/admin/users", "/admin/users"},
		{"/dashboard?tab=1", "/dashboard?tab=1"},
		{"/\t/evil.example/path", "/dashboard"},
		{"/\n/evil.example", "/dashboard"},
		{"//evil.example", "/dashboard"},
		{"/\\evil.example", "/dashboard"},
		{"/a//evil.example", "/dashboard"},
		{"/\u200b/evil.example", "/dashboard"},
		{"https://evil.example/", "/dashboard"},
		{"/ /evil.example", "/dashboard"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.next), func(t *testing.T) {
			c := e.client()
			_, page := e.get(c, "/login?next="+url.QueryEscape(tt.next))
			status, _, resp := e.post(c, "/login", url.Values{"_csrf": {csrfOf(t, page)}, "username": {"admin"}, "password": {staffPassword}, "next": {tt.next}})
			if loc := resp.Header.Get("Location"); status != http.StatusSeeOther || loc != tt.want {
				t.Fatalf("status %d location %q, want %q", status, loc, tt.want)
			}
		})
	}
}

func TestFailedLoginsGoToTheSecurityLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		e := newEnvOn(t, b)
		e.staffLogin("admin", store.RoleAdmin)
		before := e.adminAuditEvents()
		c := e.client()
		_, page := e.get(c, "/login")
		long := strings.Repeat("x", 250_000)
		// Each form is under the 256 KB body cap.
		status, _, _ := e.post(c, "/login", url.Values{"_csrf": {csrfOf(t, page)}, "username": {long}, "password": {"salah-salah-salah"}})
		if status != http.StatusUnauthorized {
			t.Fatalf("failed login: status %d", status)
		}
		if after := e.adminAuditEvents(); after != before {
			t.Fatalf("a failed login added %d audit events", after-before)
		}
		fails, err := e.st.LoginFailures(context.Background(), 10)
		if err != nil || len(fails) != 1 {
			t.Fatalf("security log: %d rows (%v), want 1", len(fails), err)
		}
		if f := fails[0]; len([]rune(f.Username)) != 64 || f.Address != "127.0.0.1" || f.At.IsZero() {
			t.Fatalf("security log row: %d characters, address %q, at %v", len([]rune(f.Username)), f.Address, f.At)
		}
		// A successful login stays in the chain.
		e.staffLogin("admin", store.RoleAdmin)
		if after := e.adminAuditEvents(); after != before+1 {
			t.Fatalf("a successful login added %d audit events, want 1", after-before)
		}
	})
}

func TestCSRFBoundToSession(t *testing.T) {
	e := newEnv(t)
	e.staffLogin("admin", store.RoleAdmin)
	a := e.asn(adminNIPBudi)

	t.Run("a planted cookie with the same form value fails", func(t *testing.T) {
		const planted = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		for _, path := range []string{"/sign", "/login", "/sign/" + a.Token, "/verify"} {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path,
				strings.NewReader(url.Values{"_csrf": {planted}, "nip": {a.NIP}, "code": {a.AccessCode}, "username": {"admin"}, "password": {staffPassword}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "_csrf", Value: planted})
			resp, err := e.client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s with planted cookie = form value: status %d, want 403", path, resp.StatusCode)
			}
		}
	})

	t.Run("anonymous forms work without a session", func(t *testing.T) {
		c := e.client()
		_, page := e.get(c, "/sign")
		status, _, resp := e.post(c, "/sign", url.Values{"_csrf": {csrfOf(t, page)}, "nip": {a.NIP}, "code": {a.AccessCode}})
		if status != http.StatusSeeOther || resp.Header.Get("Location") != "/sign/"+a.Token {
			t.Fatalf("sign entry: status %d", status)
		}
	})

	t.Run("tokens rotate at login and logout", func(t *testing.T) {
		c := e.client()
		_, page := e.get(c, "/login")
		preLogin := csrfOf(t, page)
		status, _, _ := e.post(c, "/login", url.Values{"_csrf": {preLogin}, "username": {"admin"}, "password": {staffPassword}})
		if status != http.StatusSeeOther {
			t.Fatalf("login: %d", status)
		}
		if status, _, _ := e.post(c, "/logout", url.Values{"_csrf": {preLogin}}); status != http.StatusForbidden {
			t.Fatalf("logout with the token from before login: status %d, want 403", status)
		}
		_, page = e.get(c, "/dashboard")
		session := csrfOf(t, page)
		if status, _, _ := e.post(c, "/logout", url.Values{"_csrf": {session}}); status != http.StatusSeeOther {
			t.Fatalf("logout: status %d", status)
		}
		_, page = e.get(c, "/login")
		status, _, _ = e.post(c, "/login", url.Values{"_csrf": {session}, "username": {"admin"}, "password": {staffPassword}})
		if status != http.StatusForbidden {
			t.Fatalf("login with the token of the ended session: status %d, want 403", status)
		}
		// A token from another visitor's session never fits this one.
		other := e.staffLogin("admin", store.RoleAdmin)
		_, otherPage := e.get(other, "/dashboard")
		status, _, _ = e.post(c, "/login", url.Values{"_csrf": {csrfOf(t, otherPage)}, "username": {"admin"}, "password": {staffPassword}})
		if status != http.StatusForbidden {
			t.Fatalf("login with another session's token: status %d, want 403", status)
		}
	})
}

func TestWeakStaffPasswordsRefused(t *testing.T) {
	e, admin := adminEnv(t)
	csrf := e.adminCSRF(admin, "/admin/users")
	tests := []struct{ username, password, want string }{
		{"operator", "aaaaaaaaaa", "pengulangan"},
		{"operator", "password123", "umum dipakai"},
		{"operator", "Operator-2024", "nama pengguna"},
	}
	for _, tt := range tests {
		t.Run(tt.password, func(t *testing.T) {
			status, body, _ := e.post(admin, "/admin/users", url.Values{"_csrf": {csrf}, "username": {tt.username}, "role": {"admin"}, "password": {tt.password}})
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d, want 422 saying %q", status, tt.want)
			}
			if _, err := e.st.UserByUsername(context.Background(), tt.username); err == nil {
				t.Fatal("the user was created")
			}
		})
	}
	users, _ := e.st.Users(context.Background())
	status, body, _ := e.post(admin, fmt.Sprintf("/admin/users/%d/password", users[0].ID), url.Values{"_csrf": {csrf}, "password": {"qwertyuiop"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "umum dipakai") {
		t.Fatalf("password reset to a common password: status %d", status)
	}
}
