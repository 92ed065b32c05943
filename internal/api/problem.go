package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// Problem is an RFC 9457 problem document. title is Bahasa Indonesia,
// title_en English; detail carries both ("… / …").
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

// titles are the problem titles per status, Indonesian then English.
var titles = map[int][2]string{
	http.StatusBadRequest:            {"Permintaan tidak valid", "Bad request"},
	http.StatusUnauthorized:          {"Token API tidak ada atau tidak sah", "Missing or invalid API token"},
	http.StatusForbidden:             {"Token tidak memiliki izin ini", "The token lacks this permission"},
	http.StatusNotFound:              {"Tidak ditemukan", "Not found"},
	http.StatusMethodNotAllowed:      {"Metode tidak diizinkan", "Method not allowed"},
	http.StatusConflict:              {"Konflik", "Conflict"},
	http.StatusRequestEntityTooLarge: {"Isi permintaan terlalu besar", "Request body too large"},
	http.StatusUnsupportedMediaType:  {"Jenis isi tidak didukung", "Unsupported media type"},
	http.StatusUnprocessableEntity:   {"Data tidak valid", "Invalid data"},
	http.StatusTooManyRequests:       {"Terlalu banyak permintaan", "Too many requests"},
	http.StatusInternalServerError:   {"Kesalahan server", "Server error"},
	http.StatusServiceUnavailable:    {"Layanan belum siap", "Service unavailable"},
}

// problem builds a problem of status with a bilingual detail.
func problem(status int, id, en string) *Problem {
	p := newProblem(status)
	if id != "" || en != "" {
		p.Detail = id + " / " + en
	}
	return p
}

func newProblem(status int) *Problem {
	t, ok := titles[status]
	if !ok {
		t = [2]string{http.StatusText(status), http.StatusText(status)}
	}
	return &Problem{Type: "about:blank", Title: t[0], TitleEN: t[1], Status: status}
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
