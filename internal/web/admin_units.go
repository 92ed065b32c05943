package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/roster"
	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// unitsUploadPrefix marks a pending upload as a units file, so a roster
// preview's token cannot be committed as units or the other way round.
const unitsUploadPrefix = "u"

type unitsData struct {
	adminHead
	Previewed bool
	Token     string
	FileName  string
	Result    store.UnitsResult
	Problems  []roster.Problem
	More      int
	Committed bool
}

// UploadURL is where to try another units file (templates/partials/import.html).
func (unitsData) UploadURL() string { return "/admin/roster/units" }

func (s *Server) unitsPage(c echo.Context) (page, adminHead) {
	p, h := s.adminPage(c, "departments")
	p.Title = p.T["units_import"]
	return p, h
}

// adminUnits shows the units-file form, or the outcome of a commit.
func (s *Server) adminUnits(c echo.Context) error {
	p, h := s.unitsPage(c)
	d := unitsData{adminHead: h}
	if c.QueryParam("ok") == "units" {
		q := c.QueryParams()
		num := func(k string) int { return queryCount(q, k) }
		d.Committed = true
		d.Result = store.UnitsResult{Added: num("added"), Renamed: num("renamed"), Moved: num("moved"), Unchanged: num("unchanged")}
	}
	p.Data = d
	return c.Render(http.StatusOK, "admin_units", p)
}

func (s *Server) unitsProblems(c echo.Context, name string, perr *roster.Errors) error {
	p, h := s.unitsPage(c)
	d := unitsData{adminHead: h, Previewed: true, FileName: name}
	d.Problems, d.More = shownProblems(perr.Problems)
	p.Data = d
	return c.Render(http.StatusUnprocessableEntity, "admin_units", p)
}

// adminUnitsPreview shows what a units file would do, writing nothing but
// the pending upload.
func (s *Server) adminUnitsPreview(c echo.Context) error {
	fh, err := c.FormFile("file")
	formError := func(key string) error {
		p, h := s.unitsPage(c)
		h.Error = i18n.New(key)
		p.Data = unitsData{adminHead: h}
		return c.Render(http.StatusUnprocessableEntity, "admin_units", p)
	}
	if err != nil || fh.Size == 0 {
		return formError("err_no_file")
	}
	ext := strings.ToLower(filepath.Ext(fh.Filename))
	if ext != ".csv" && ext != ".xlsx" {
		return formError("err_file_type")
	}
	name := uploadName(fh.Filename, ext)
	data, err := readUpload(fh)
	if err != nil {
		return err
	}
	res, err := roster.ImportUnits(c.Request().Context(), s.Store, actorOf(c), name, bytes.NewReader(data), true)
	var perr *roster.Errors
	if errors.As(err, &perr) {
		return s.unitsProblems(c, name, perr)
	}
	if err != nil {
		return err
	}
	token := secret.Token()
	if err := s.Store.PutUpload(c.Request().Context(), token, unitsUploadPrefix+ext, data, s.Now().Add(-uploadTTL)); err != nil {
		return err
	}
	p, h := s.unitsPage(c)
	p.Data = unitsData{adminHead: h, Previewed: true, Token: token, FileName: name, Result: res}
	return c.Render(http.StatusOK, "admin_units", p)
}

// adminUnitsCommit applies a previewed units file; the token works once.
func (s *Server) adminUnitsCommit(c echo.Context) error {
	up, err := s.takeUpload(c)
	if err != nil {
		return err
	}
	ext, ok := strings.CutPrefix(up.Ext, unitsUploadPrefix)
	if !ok || (ext != ".csv" && ext != ".xlsx") {
		return echo.ErrNotFound
	}
	name := uploadName(c.FormValue("name"), ext)
	res, err := roster.ImportUnits(c.Request().Context(), s.Store, actorOf(c), name, bytes.NewReader(up.Data), false)
	var perr *roster.Errors
	if errors.As(err, &perr) {
		return s.unitsProblems(c, name, perr)
	}
	if err != nil {
		return err
	}
	q := url.Values{"ok": {"units"}}
	for k, v := range map[string]int{"added": res.Added, "renamed": res.Renamed, "moved": res.Moved, "unchanged": res.Unchanged} {
		q.Set(k, strconv.Itoa(v))
	}
	return c.Redirect(http.StatusSeeOther, "/admin/roster/units?"+q.Encode())
}
