package web

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/staff"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

const (
	sessionCookie = "ikrar_session"
	sessionTTL    = 12 * time.Hour
)

// loadUser resolves the session cookie (if any) to a user on every request.
func (s *Server) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
			u, err := s.Store.SessionUser(c.Request().Context(), ck.Value)
			if err == nil {
				c.Set(ctxUser, &u)
				c.Set(ctxNeeds2FA, s.twoFARequired(&u) && u.TOTPSecret == "")
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return next(c)
	}
}

// requireStaff lets in the given roles; anyone else is sent to the login
// page (anonymous) or gets 404 (a logged-in user of another role), so the
// route's existence is not confirmed to the wrong people.
func requireStaff(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, ok := c.Get(ctxUser).(*store.User)
			if !ok {
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			if needs, _ := c.Get(ctxNeeds2FA).(bool); needs && !strings.HasPrefix(c.Request().URL.Path, twoFAPath) {
				// IKRAR_REQUIRE_2FA: an admin sets up two-factor sign-in first.
				return c.Redirect(http.StatusSeeOther, twoFAPath)
			}
			for _, r := range roles {
				if u.Role == r {
					c.Response().Header().Set("Cache-Control", "private, no-store")
					return next(c)
				}
			}
			return echo.ErrNotFound
		}
	}
}

type loginData struct {
	Username string
	Next     string
	Error    string
}

func (s *Server) loginForm(c echo.Context) error {
	p := s.page(c, "login")
	p.Data = loginData{Next: safeNext(c.QueryParam("next"))}
	return c.Render(http.StatusOK, "login", p)
}

func (s *Server) loginSubmit(c echo.Context) error {
	p := s.page(c, "login")
	username := strings.ToLower(strings.TrimSpace(c.FormValue("username")))
	d := loginData{Username: clip(username, 64), Next: safeNext(c.FormValue("next"))}
	ip := c.RealIP()
	// Counters key on the clipped name: no valid username is longer, and a
	// stranger's 250,000-character name must not become a map key.
	acc := clip(username, 64)
	accAddr := acc + "\x00" + ip
	ls := s.limits
	wait := max(ls.loginAddr.Blocked(ip), ls.loginAccAddr.Blocked(accAddr))
	if !s.knownBrowser(c, acc) {
		wait = max(wait, ls.loginAcc.Blocked(acc))
	}
	if wait > 0 {
		retryAfter(c, wait)
		d.Error = tooManyMessage(p.Lang, wait)
		p.Data = d
		return c.Render(http.StatusTooManyRequests, "login", p)
	}
	ctx := c.Request().Context()
	u, err := staff.Authenticate(ctx, s.Store, username, c.FormValue("password"))
	if errors.Is(err, staff.ErrBadCredentials) {
		ls.loginAddr.Fail(ip)
		ls.loginAccAddr.Fail(accAddr)
		ls.loginAcc.Fail(acc)
		// The bounded security log, not the audit chain: failures are typed
		// by strangers and must not grow the permanent record.
		if err := s.Store.RecordLoginFailure(ctx, username, ip); err != nil {
			s.Log.Warn("security log: failed login", "err", err)
		}
		d.Error = p.T["bad_login"]
		p.Data = d
		return c.Render(http.StatusUnauthorized, "login", p)
	}
	if err != nil {
		return err
	}
	ls.loginAccAddr.Reset(accAddr)
	if u.TOTPSecret != "" {
		return s.startSecondFactor(c, u, d.Next)
	}
	return s.startSession(c, u, d.Next)
}

// startSession logs u in: a new session (so a new CSRF binding; the
// anonymous one is dropped) and the trusted-browser cookie.
func (s *Server) startSession(c echo.Context, u store.User, next string) error {
	token := secret.Session()
	if err := s.Store.CreateSession(c.Request().Context(), u.ID, token, sessionTTL); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.Config.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(sessionTTL.Seconds())})
	s.clearAnonCSRF(c)
	c.SetCookie(&http.Cookie{Name: knownCookie, Value: s.knownValue(u.Username), Path: "/login", HttpOnly: true,
		Secure: s.Config.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(knownTTL.Seconds())})
	if next == "" {
		next = "/dashboard"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// knownCookie marks a browser in which an account has logged in before.
// Such a browser is exempt from the account's everywhere-limit, so a
// stranger who exhausts it cannot lock the real user out of their own
// browser; the per-address limits still apply to it.
const (
	knownCookie = "ikrar_known"
	knownTTL    = 180 * 24 * time.Hour
)

func (s *Server) knownValue(username string) string {
	return base64.RawURLEncoding.EncodeToString(mac(s.keys.known, username))
}

func (s *Server) knownBrowser(c echo.Context, username string) bool {
	ck, err := c.Cookie(knownCookie)
	return err == nil && hmac.Equal([]byte(ck.Value), []byte(s.knownValue(username)))
}

func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := s.Store.DeleteSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Config.SecureCookies, SameSite: http.SameSiteLaxMode})
	s.clearAnonCSRF(c)
	return c.Redirect(http.StatusSeeOther, "/")
}

// clip cuts s to at most n bytes (for keys and echoes, not for meaning).
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// safeNext keeps post-login redirects on this site: a path starting with
// one slash, without backslashes (browsers read them as slashes), without
// "//" anywhere, and without control characters or spaces, which browsers
// strip or reinterpret ("/\t/host" becomes "//host").
func safeNext(n string) string {
	if len(n) > 2048 || !strings.HasPrefix(n, "/") || strings.Contains(n, "//") || strings.ContainsRune(n, '\\') {
		return ""
	}
	for _, r := range n {
		if r <= ' ' || r == 0x7f || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) || r == utf8.RuneError {
			return ""
		}
	}
	return n
}
