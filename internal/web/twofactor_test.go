package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/web"
	"github.com/pquerna/otp/totp"
)

var (
	totpSecretRe   = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)
	recoveryCodeRe = regexp.MustCompile(`<li><code>([A-Z0-9-]+)</code></li>`)
)

// setUpTOTP turns two-factor sign-in on for the logged-in client through
// the account page and returns the secret and the recovery codes.
func (e *env) setUpTOTP(c *http.Client) (string, []string) {
	e.t.Helper()
	status, page := e.get(c, "/account/2fa")
	m := totpSecretRe.FindStringSubmatch(page)
	if status != http.StatusOK || m == nil || !strings.Contains(page, `src="data:image/png;base64,`) {
		e.t.Fatalf("setup page: status %d, secret or QR code missing", status)
	}
	code, _ := totp.GenerateCode(m[1], time.Now())
	status, body, _ := e.post(c, "/account/2fa", url.Values{"_csrf": {csrfOf(e.t, page)}, "secret": {m[1]}, "code": {code}})
	var codes []string
	for _, r := range recoveryCodeRe.FindAllStringSubmatch(body, -1) {
		codes = append(codes, r[1])
	}
	if status != http.StatusOK || len(codes) != 10 {
		e.t.Fatalf("confirm setup: status %d, %d recovery codes", status, len(codes))
	}
	return m[1], codes
}

// passwordStep posts the password and returns the client, now waiting for
// its second factor.
func (e *env) passwordStep(username string) (*http.Client, string) {
	e.t.Helper()
	c := e.client()
	_, page := e.get(c, "/login")
	status, body, _ := e.post(c, "/login", url.Values{"_csrf": {csrfOf(e.t, page)}, "username": {username}, "password": {staffPassword}})
	if status != http.StatusOK || !strings.Contains(body, `action="/login/2fa"`) {
		e.t.Fatalf("password step: status %d, no code form", status)
	}
	if status, _ := e.get(c, "/dashboard"); status != http.StatusSeeOther {
		e.t.Fatalf("dashboard before the second factor: status %d, want the login redirect", status)
	}
	return c, body
}

func TestTwoFactorSignIn(t *testing.T) {
	e := newEnv(t)
	admin := e.staffLogin("admin", store.RoleAdmin)
	sec, recovery := e.setUpTOTP(admin)
	code := func(at time.Time) string {
		c, _ := totp.GenerateCode(sec, at)
		return c
	}
	second := func(c *http.Client, page, code string) int {
		status, _, _ := e.post(c, "/login/2fa", url.Values{"_csrf": {csrfOf(t, page)}, "code": {code}})
		return status
	}

	c, page := e.passwordStep("admin")
	if status := second(c, page, "000000"); status != http.StatusUnauthorized && code(time.Now()) != "000000" {
		t.Fatalf("wrong code: status %d, want 401", status)
	}
	next := code(time.Now().Add(30 * time.Second)) // the setup used the current step
	if status := second(c, page, next); status != http.StatusSeeOther {
		t.Fatalf("right code: status %d, want 303", status)
	}
	if status, _ := e.get(c, "/dashboard"); status != http.StatusOK {
		t.Fatalf("dashboard after both steps: status %d", status)
	}

	c, page = e.passwordStep("admin")
	if status := second(c, page, next); status != http.StatusUnauthorized {
		t.Fatalf("the same code again: status %d, want 401", status)
	}
	if status := second(c, page, recovery[0]); status != http.StatusSeeOther {
		t.Fatalf("recovery code: status %d, want 303", status)
	}
	c, page = e.passwordStep("admin")
	if status := second(c, page, recovery[0]); status != http.StatusUnauthorized {
		t.Fatalf("a used recovery code: status %d, want 401", status)
	}

	// Without the password step there is nothing to complete.
	anon := e.client()
	_, page = e.get(anon, "/login")
	status, _, resp := e.post(anon, "/login/2fa", url.Values{"_csrf": {csrfOf(t, page)}, "code": {recovery[1]}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("second step without the first: status %d location %q", status, resp.Header.Get("Location"))
	}
	// Wrong codes are limited per account.
	c, page = e.passwordStep("admin")
	for range web.DefaultLimits().SecondFactorPerAccount {
		second(c, page, "12345x")
	}
	if status := second(c, page, recovery[2]); status != http.StatusTooManyRequests {
		t.Fatalf("after %d wrong codes: status %d, want 429", web.DefaultLimits().SecondFactorPerAccount, status)
	}
}

func TestTwoFactorRequiredForAdmins(t *testing.T) {
	base := newEnv(t)
	e := openEnvWith(t, store.Options{Driver: base.cfg.DBDriver, DSN: base.cfg.DB}, base.dir, func(c *config.Config, _ *web.Deps) {
		c.Require2FA = true
	})
	admin := e.staffLogin("admin", store.RoleAdmin)
	for _, p := range []string{"/admin", "/admin/users", "/dashboard"} {
		resp, err := admin.Get(e.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/2fa" {
			t.Fatalf("%s without 2FA: status %d location %q, want the setup page", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	head := e.staffLogin("kepala", store.RoleHead, adminDeptDik)
	if status, _ := e.get(head, "/dashboard"); status != http.StatusOK {
		t.Fatalf("a head without 2FA: status %d", status)
	}
	e.setUpTOTP(admin)
	if status, _ := e.get(admin, "/admin"); status != http.StatusOK {
		t.Fatalf("/admin after setup: status %d", status)
	}
	_, page := e.get(admin, "/account/2fa")
	status, _, _ := e.post(admin, "/account/2fa/disable", url.Values{"_csrf": {csrfOf(t, page)}, "code": {"123456"}})
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("an admin turning 2FA off while required: status %d, want 422", status)
	}
}
