package web

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// Request body caps. This file is the one place that sets them: every
// request passes through bodyLimit before anything reads its body (the
// CSRF check included), and anonymous requests never get more than a form.
const (
	formLimit   = 256 << 10 // every form, and any route not listed in uploadLimits
	verifyLimit = 2 << 20   // a certificate PDF, from anyone
	importLimit = 64 << 20  // a roster file, from an admin
	// apiLimit fits a bulk roster upsert of 100,000 rows (about 25 MB of
	// JSON); the body is read only after the bearer token is checked.
	apiLimit = 64 << 20
)

// uploadLimit is a route that accepts more than a form, and who may send it.
type uploadLimit struct {
	limit int64
	role  string // "" for anyone; otherwise only this staff role gets the larger cap
}

// roleAPI grants an upload limit to a JSON request carrying a bearer token.
// The token is checked by internal/api before any byte of the body is read
// (and nothing here parses JSON), so an anonymous client still cannot make
// the server read more than a form.
const roleAPI = "api"

// uploadLimits is keyed by method and route pattern.
var uploadLimits = map[string]uploadLimit{
	"POST /verify":                     {verifyLimit, ""},
	"POST /admin/roster/preview":       {importLimit, store.RoleAdmin},
	"POST /admin/roster/units/preview": {importLimit, store.RoleAdmin},
	"POST /api/v1/roster":              {apiLimit, roleAPI},
}

// bodyLimitFor is the cap of the request's body.
func bodyLimitFor(c echo.Context) int64 {
	u, ok := uploadLimits[c.Request().Method+" "+c.Path()]
	if !ok {
		return formLimit
	}
	if u.role == roleAPI {
		r := c.Request()
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			return formLimit
		}
		return u.limit
	}
	if u.role != "" {
		if user, ok := c.Get(ctxUser).(*store.User); !ok || user.Role != u.role {
			return formLimit // refused later anyway: never read more for it
		}
	}
	return u.limit
}

// bodyLimit caps the body and parses forms itself, within the cap: a body
// announced larger is refused before a byte is read, an unannounced one
// (chunked) stops at the cap, and multipart files stay in memory (never
// spooled to the temp folder), since the cap bounds them.
func (s *Server) bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		limit := bodyLimitFor(c)
		if r.ContentLength > limit {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			return next(c)
		}
		var err error
		switch ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct {
		case "multipart/form-data":
			// Files up to maxMemory stay in memory; the body cap is
			// smaller, so nothing reaches the disk.
			err = r.ParseMultipartForm(limit + 1<<20)
		case "application/x-www-form-urlencoded":
			err = r.ParseForm()
		}
		if err != nil {
			if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
			}
			return echo.NewHTTPError(http.StatusBadRequest, i18n.New("err_form_unreadable"))
		}
		return next(c)
	}
}
