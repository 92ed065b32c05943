package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// reportFormats maps an extension to its writer and content type.
var reportFormats = map[string]struct {
	write       func(io.Writer, report.Report) error
	contentType string
}{
	"pdf":  {report.WritePDF, "application/pdf"},
	"csv":  {report.WriteCSV, "text/csv; charset=utf-8"},
	"xlsx": {report.WriteXLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
}

func (s *Server) reportSummary(c echo.Context) error {
	ctx := c.Request().Context()
	u := c.Get(ctxUser).(*store.User)
	camp, _, err := s.pickCampaign(c)
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(ctx, u)
	if err != nil {
		return err
	}
	r, err := report.BuildSummary(ctx, s.Store, sc, camp, s.Now())
	if err != nil {
		return err
	}
	return s.sendReport(c, u, r, "ringkasan", c.Param("ext"))
}

func (s *Server) reportDepartment(c echo.Context) error {
	ctx := c.Request().Context()
	u := c.Get(ctxUser).(*store.User)
	file := c.Param("file")
	dot := strings.LastIndexByte(file, '.')
	if dot < 1 {
		return echo.ErrNotFound
	}
	code, ext := file[:dot], file[dot+1:]
	if _, ok := reportFormats[ext]; !ok {
		return echo.ErrNotFound
	}
	sc, err := s.scopeOf(ctx, u)
	if err != nil {
		return err
	}
	dept, err := departmentIn(sc, code)
	if err != nil {
		return err
	}
	camp, _, err := s.pickCampaign(c)
	if err != nil {
		return err
	}
	if ext == "csv" || ext == "xlsx" {
		return s.streamDepartmentReport(c, u, sc, dept, camp, ext)
	}
	// A PDF is refused for a unit too large for one PDF before anyone is read.
	r, err := report.BuildDepartmentPDF(ctx, s.Store, sc, dept, camp, s.Now())
	if err != nil {
		return err
	}
	return s.sendReport(c, u, r, dept.Code, ext)
}

// streamDepartmentReport writes a unit's CSV or XLSX report straight to
// the client as it reads the people batch by batch, so a unit of a whole
// national roster costs the server one batch of memory. Like the
// certificate ZIP, the export is recorded before the first byte, and a
// failure once the headers are gone aborts the connection so that no
// truncated file is saved as if it were whole.
func (s *Server) streamDepartmentReport(c echo.Context, u *store.User, sc org.Scope, dept store.Department, camp store.Campaign, ext string) error {
	ctx := c.Request().Context()
	stream := report.StreamDepartmentCSV
	if ext == "xlsx" {
		stream = report.StreamDepartmentXLSX
	}
	if err := s.Store.Record(ctx, "user:"+u.Username, "report.exported", "report:"+dept.Code+"."+ext, nil); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, reportFormats[ext].contentType)
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="laporan-ikrar-%s.%s"`, dept.Code, ext))
	c.Response().WriteHeader(http.StatusOK)
	if _, err := stream(ctx, c.Response(), s.Store, sc, dept, camp, s.Now()); err != nil {
		s.Log.Error("report export failed", "id", h.Get(echo.HeaderXRequestID), "report", dept.Code+"."+ext, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

func (s *Server) sendReport(c echo.Context, u *store.User, r report.Report, name, ext string) error {
	f, ok := reportFormats[ext]
	if !ok {
		return echo.ErrNotFound
	}
	var buf bytes.Buffer
	if err := f.write(&buf, r); err != nil {
		return err
	}
	if err := s.Store.Record(c.Request().Context(), "user:"+u.Username, "report.exported", "report:"+name+"."+ext, nil); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="laporan-ikrar-%s.%s"`, name, ext))
	return c.Blob(http.StatusOK, f.contentType, buf.Bytes())
}
