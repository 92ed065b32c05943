package web

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/staff"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"
)

// Two-factor sign-in. After the right password, an account with TOTP
// gets a short-lived signed cookie naming it instead of a session, and a
// second form for the code from the app (or a recovery code).

const (
	pendingCookie = "ikrar_2fa"
	pendingTTL    = 5 * time.Minute
	ctxNeeds2FA   = "needs2fa"
	twoFAPath     = "/account/2fa"
)

type secondFactorData struct {
	Next  string
	Error string
}

func (s *Server) pendingValue(u store.User, exp int64) string {
	// The password hash is in the MAC, so changing the password voids a
	// half-finished sign-in.
	v := fmt.Sprintf("%d.%d", u.ID, exp)
	return v + "." + base64.RawURLEncoding.EncodeToString(mac(s.keys.pending, v, u.PasswordHash))
}

// startSecondFactor asks for the code after a right password.
func (s *Server) startSecondFactor(c echo.Context, u store.User, next string) error {
	c.SetCookie(&http.Cookie{Name: pendingCookie, Value: s.pendingValue(u, s.Now().Add(pendingTTL).Unix()), Path: "/login",
		HttpOnly: true, Secure: s.Config.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(pendingTTL.Seconds())})
	p := s.page(c, "login")
	p.Data = secondFactorData{Next: next}
	return c.Render(http.StatusOK, "login_2fa", p)
}

// pendingUser is the account whose password was right a moment ago.
func (s *Server) pendingUser(c echo.Context) (store.User, bool) {
	ck, err := c.Cookie(pendingCookie)
	if err != nil {
		return store.User{}, false
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 3 {
		return store.User{}, false
	}
	id, err1 := strconv.ParseUint(parts[0], 10, 32)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || s.Now().Unix() > exp {
		return store.User{}, false
	}
	u, err := s.Store.UserByID(c.Request().Context(), uint(id))
	if err != nil || u.Disabled || !hmac.Equal([]byte(ck.Value), []byte(s.pendingValue(u, exp))) {
		return store.User{}, false
	}
	return u, true
}

func (s *Server) loginSecondFactor(c echo.Context) error {
	p := s.page(c, "login")
	d := secondFactorData{Next: safeNext(c.FormValue("next"))}
	u, ok := s.pendingUser(c)
	if !ok {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	if wait := s.limits.secondFactor.Blocked(u.Username); wait > 0 {
		retryAfter(c, wait)
		d.Error = tooManyMessage(p.Lang, wait)
		p.Data = d
		return c.Render(http.StatusTooManyRequests, "login_2fa", p)
	}
	err := staff.CheckSecondFactor(c.Request().Context(), s.Store, u, c.FormValue("code"), s.Now())
	if errors.Is(err, staff.ErrBadSecondFactor) {
		s.limits.secondFactor.Fail(u.Username)
		if err := s.Store.RecordLoginFailure(c.Request().Context(), u.Username+" (2FA)", c.RealIP()); err != nil {
			s.Log.Warn("security log: failed login", "err", err)
		}
		d.Error = p.T["bad_2fa"]
		p.Data = d
		return c.Render(http.StatusUnauthorized, "login_2fa", p)
	}
	if err != nil {
		return err
	}
	s.limits.secondFactor.Reset(u.Username)
	c.SetCookie(&http.Cookie{Name: pendingCookie, Value: "", Path: "/login", MaxAge: -1, HttpOnly: true, Secure: s.Config.SecureCookies, SameSite: http.SameSiteLaxMode})
	return s.startSession(c, u, d.Next)
}

// twoFAData is the account page for two-factor sign-in.
type twoFAData struct {
	Enabled  bool
	Required bool // IKRAR_REQUIRE_2FA and this is an admin: cannot be turned off, must be set up
	Secret   string
	QR       template.URL // PNG data URL of the otpauth:// link
	Codes    []string     // recovery codes, shown once after setup
	Left     int          // unused recovery codes
	Error    string
	Saved    bool
}

func (s *Server) twoFARequired(u *store.User) bool {
	return s.Config.Require2FA && u.Role == store.RoleAdmin
}

func (s *Server) renderTwoFA(c echo.Context, status int, d twoFAData) error {
	u := c.Get(ctxUser).(*store.User)
	d.Enabled, d.Required = u.TOTPSecret != "", s.twoFARequired(u)
	if u.RecoveryCodes != "" {
		d.Left = len(strings.Split(u.RecoveryCodes, "\n"))
	}
	if !d.Enabled && d.Codes == nil {
		if d.Secret == "" {
			sec, _, err := staff.NewTOTPKey(s.totpIssuer(), u.Username)
			if err != nil {
				return err
			}
			d.Secret = sec
		}
		png, err := qrcode.Encode(s.totpURL(u.Username, d.Secret), qrcode.Medium, 240)
		if err != nil {
			return fmt.Errorf("two-factor QR code: %w", err)
		}
		d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	p := s.page(c, "twofa_title")
	p.Data = d
	return c.Render(status, "account_2fa", p)
}

func (s *Server) totpIssuer() string { return "ikrar " + s.Config.Instansi }

// totpURL is the otpauth:// link of RFC 6238 apps (Key URI Format).
func (s *Server) totpURL(username, secretB32 string) string {
	q := "secret=" + secretB32 + "&issuer=" + url.QueryEscape(s.totpIssuer()) + "&algorithm=SHA1&digits=6&period=30"
	return "otpauth://totp/" + url.PathEscape(s.totpIssuer()) + ":" + url.PathEscape(username) + "?" + q
}

func (s *Server) twoFAPage(c echo.Context) error {
	return s.renderTwoFA(c, http.StatusOK, twoFAData{Saved: c.QueryParam("ok") == "1"})
}

func (s *Server) twoFAEnable(c echo.Context) error {
	u := c.Get(ctxUser).(*store.User)
	if u.TOTPSecret != "" {
		return c.Redirect(http.StatusSeeOther, twoFAPath)
	}
	sec := strings.ToUpper(strings.TrimSpace(c.FormValue("secret")))
	if len(sec) < 16 || len(sec) > 64 || strings.Trim(sec, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		return echo.NewHTTPError(http.StatusBadRequest, i18n.New("err_form_unreadable"))
	}
	codes, err := staff.EnableTOTP(c.Request().Context(), s.Store, actorOf(c), *u, sec, c.FormValue("code"), s.Now())
	if errors.Is(err, staff.ErrBadSecondFactor) {
		return s.renderTwoFA(c, http.StatusUnprocessableEntity, twoFAData{Secret: sec, Error: i18n.T(langOf(c), "bad_2fa")})
	}
	if err != nil {
		return err
	}
	fresh, err := s.Store.UserByID(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	c.Set(ctxUser, &fresh)
	c.Set(ctxNeeds2FA, false)
	return s.renderTwoFA(c, http.StatusOK, twoFAData{Codes: codes})
}

func (s *Server) twoFADisable(c echo.Context) error {
	u := c.Get(ctxUser).(*store.User)
	if s.twoFARequired(u) {
		return s.renderTwoFA(c, http.StatusUnprocessableEntity, twoFAData{Error: i18n.T(langOf(c), "twofa_required")})
	}
	err := staff.CheckSecondFactor(c.Request().Context(), s.Store, *u, c.FormValue("code"), s.Now())
	if errors.Is(err, staff.ErrBadSecondFactor) {
		return s.renderTwoFA(c, http.StatusUnprocessableEntity, twoFAData{Error: i18n.T(langOf(c), "bad_2fa")})
	}
	if err != nil {
		return err
	}
	if err := s.Store.DisableTOTP(c.Request().Context(), actorOf(c), u.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, twoFAPath+"?ok=1")
}
