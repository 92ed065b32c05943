package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// Problem is an RFC 9457 problem document. title is Bahasa Indonesia,
// title_en English; detail carries both ("… / …"). The words are in
// internal/i18n (keys api_*).
type Problem struct {
	Type    string       `json:"type"`
	Title   string       `json:"title"`
	TitleEN string       `json:"title_en"`
	Status  int          `json:"status"`
	Detail  string       `json:"detail,omitempty"`
	Errors  []FieldError `json:"errors,omitempty"`
}

// FieldError is one problem of one item of a batch: its index in the
// request's rows (absent for the batch as a whole) and the field.
type FieldError struct {
	Index    *int   `json:"index,omitempty"`
	Field    string `json:"field,omitempty"`
	Detail   string `json:"detail"`
	DetailEN string `json:"detail_en"`
}

func (p *Problem) Error() string { return fmt.Sprintf("%d %s", p.Status, p.TitleEN) }

// titles are the problem titles' message keys per status.
var titles = map[int]string{
	http.StatusBadRequest:            "api_title_400",
	http.StatusUnauthorized:          "api_title_401",
	http.StatusForbidden:             "api_title_403",
	http.StatusNotFound:              "api_title_404",
	http.StatusMethodNotAllowed:      "api_title_405",
	http.StatusConflict:              "api_title_409",
	http.StatusRequestEntityTooLarge: "api_title_413",
	http.StatusUnsupportedMediaType:  "api_title_415",
	http.StatusUnprocessableEntity:   "api_title_422",
	http.StatusTooManyRequests:       "api_title_429",
	http.StatusInternalServerError:   "api_title_500",
	http.StatusServiceUnavailable:    "api_title_503",
}

// problem builds a problem of status whose detail is the message key in
// both languages, Indonesian first.
func problem(status int, key string, args ...any) *Problem {
	p := newProblem(status)
	p.Detail = i18n.Both(key, args...)
	return p
}

// fieldError is one item's problem, worded from the message key.
func fieldError(index *int, field, key string, args ...any) FieldError {
	return FieldError{Index: index, Field: field, Detail: i18n.T("id", key, args...), DetailEN: i18n.T("en", key, args...)}
}

func newProblem(status int) *Problem {
	key, ok := titles[status]
	if !ok {
		return &Problem{Type: "about:blank", Title: http.StatusText(status), TitleEN: http.StatusText(status), Status: status}
	}
	return &Problem{Type: "about:blank", Title: i18n.T("id", key), TitleEN: i18n.T("en", key), Status: status}
}

// WriteProblem answers err as application/problem+json. The web server's
// error handler calls it for /api paths too (unknown routes, body limits),
// so no API client ever gets an HTML page.
func (a *API) WriteProblem(err error, c echo.Context) {
	var p *Problem
	var he *echo.HTTPError
	switch {
	case errors.As(err, &p):
	case errors.As(err, &he) && he.Code < 500:
		p = newProblem(he.Code)
	case errors.Is(err, store.ErrNotFound):
		p = newProblem(http.StatusNotFound)
	default:
		a.Log.Error("API request failed", "id", c.Response().Header().Get(echo.HeaderXRequestID), "path", c.Request().URL.Path, "err", err)
		p = newProblem(http.StatusInternalServerError)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(p.Status)
		return
	}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	c.Response().WriteHeader(p.Status)
	_ = jsonEncode(c, p)
}
