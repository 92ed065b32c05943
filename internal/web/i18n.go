package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// The words of every page live in the catalogue (internal/i18n); pages
// read them as {{.T.key}} from i18n.Table(lang), Go code asks i18n.T.

// langOf picks the language: ?lang= (remembered in a cookie), then the
// cookie, then Indonesian.
func langOf(c echo.Context) string {
	if l := c.QueryParam("lang"); l == "en" || l == "id" {
		c.SetCookie(&http.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return l
	}
	if ck, err := c.Cookie("lang"); err == nil && (ck.Value == "en" || ck.Value == "id") {
		return ck.Value
	}
	return "id"
}

// switchURL is the current URL with the other language selected.
func switchURL(c echo.Context, lang string) string {
	u := *c.Request().URL
	q := u.Query()
	if lang == "en" {
		q.Set("lang", "id")
	} else {
		q.Set("lang", "en")
	}
	u.RawQuery = q.Encode()
	return (&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String()
}
