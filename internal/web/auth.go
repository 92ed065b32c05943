package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

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
				return c.Redirect(http.StatusSeeOther, "/login?next="+urlQueryEscape(c.Request().URL.RequestURI()))
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
	d := loginData{Username: username, Next: safeNext(c.FormValue("next"))}
	ip := c.RealIP()
	if s.loginLimitIP.Blocked(ip) || s.loginLimitAcc.Blocked(username) {
		d.Error = p.T["too_many"]
		p.Data = d
		return c.Render(http.StatusTooManyRequests, "login", p)
	}
	u, err := staff.Authenticate(c.Request().Context(), s.Store, username, c.FormValue("password"))
	if errors.Is(err, staff.ErrBadCredentials) {
		s.loginLimitIP.Fail(ip)
		s.loginLimitAcc.Fail(username)
		_ = s.Store.Record(c.Request().Context(), "ip:"+ip, "user.login_failed", "user:"+username, nil)
		d.Error = p.T["bad_login"]
		p.Data = d
		return c.Render(http.StatusUnauthorized, "login", p)
	}
	if err != nil {
		return err
	}
	s.loginLimitAcc.Reset(username)
	token := secret.Session()
	if err := s.Store.CreateSession(c.Request().Context(), u.ID, token, sessionTTL); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.Config.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(sessionTTL.Seconds())})
	next := d.Next
	if next == "" {
		next = "/dashboard"
	}
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil {
		if err := s.Store.DeleteSession(c.Request().Context(), ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Config.SecureCookies, SameSite: http.SameSiteLaxMode})
	return c.Redirect(http.StatusSeeOther, "/")
}

// safeNext keeps post-login redirects on this site.
func safeNext(n string) string {
	if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || strings.HasPrefix(n, `/\`) {
		return ""
	}
	return n
}
