package web

import (
	"bytes"
	"fmt"
	"net/http"
	"path"
	"strconv"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

type exportsData struct {
	adminHead
	Options   []deptOption
	Campaigns []store.Campaign
	Campaign  store.Campaign
}

func (s *Server) adminExports(c echo.Context) error {
	opts, _, err := s.unitChoices(c)
	if err != nil {
		return err
	}
	p, h := s.adminPage(c, "exports")
	d := exportsData{adminHead: h, Options: opts}
	all, err := s.Store.Campaigns(c.Request().Context())
	if err != nil {
		return err
	}
	if len(all) > 0 {
		if d.Campaign, d.Campaigns, err = s.pickCampaign(c); err != nil {
			return err
		}
	}
	p.Data = d
	return c.Render(http.StatusOK, "admin_exports", p)
}

// exportScope reads ?department= (empty = everything): the scope to export
// and a name for the file. An unknown code is a 404.
func (s *Server) exportScope(c echo.Context) (org.Scope, string, error) {
	sc, err := org.All(c.Request().Context(), s.Store)
	if err != nil {
		return org.Scope{}, "", err
	}
	code := c.QueryParam("department")
	if code == "" {
		return sc, "semua", nil
	}
	d, ok := sc.Department(code)
	if !ok {
		return org.Scope{}, "", echo.ErrNotFound
	}
	return sc.Narrow(d.ID), d.Code, nil
}

// adminExportCertificates streams the ZIP straight to the client, one PDF
// in memory at a time. The export is recorded before the first byte, so a
// download cut short is still in the audit chain.
func (s *Server) adminExportCertificates(c echo.Context) error {
	ctx := c.Request().Context()
	camp, _, err := s.pickCampaign(c)
	if err != nil {
		return err
	}
	sc, name, err := s.exportScope(c)
	if err != nil {
		return err
	}
	if err := s.Store.Record(ctx, actorOf(c), "certificates.exported", "certificates:"+name,
		map[string]string{"campaign": strconv.FormatUint(uint64(camp.ID), 10), "department": c.QueryParam("department")}); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/zip")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="sertifikat-ikrar-%s.zip"`, certificate.SafeFileName(name)))
	c.Response().WriteHeader(http.StatusOK)
	n, err := s.Certs.ExportZip(ctx, c.Response(), camp.ID, sc.IDs(), 0, nil)
	if err != nil {
		// Headers are gone: the only honest signal left is to abort the
		// connection, so the browser reports a failed download instead of
		// saving a truncated archive as if it were whole.
		s.Log.Error("certificate export failed", "id", h.Get(echo.HeaderXRequestID), "written", n, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// adminExportLinks writes the signing links as CSV or as the printable PDF
// sheet, depending on the route's extension.
func (s *Server) adminExportLinks(c echo.Context) error {
	ctx := c.Request().Context()
	ext := path.Ext(c.Path())
	camp, _, err := s.pickCampaign(c)
	if err != nil {
		return err
	}
	sc, name, err := s.exportScope(c)
	if err != nil {
		return err
	}
	disposition := fmt.Sprintf(`attachment; filename="tautan-ikrar-%s%s"`, certificate.SafeFileName(name), ext)
	if ext == ".csv" {
		return s.streamLinksCSV(c, sc, name, disposition)
	}
	// A PDF is laid out whole in memory (gofpdf): refused for a scope too
	// large for one PDF before anyone is read.
	sheet, err := report.BuildLinksPDF(ctx, s.Store, sc, s.Config.BaseURL, camp, s.Now())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteLinksPDF(&buf, sheet); err != nil {
		return err
	}
	if err := s.Store.Record(ctx, actorOf(c), "links.exported", "links:"+name+ext,
		map[string]string{"count": strconv.Itoa(len(sheet.Links)), "department": c.QueryParam("department")}); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, disposition)
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}

// streamLinksCSV writes the links sheet to the client as the roster is
// read batch by batch (report.StreamLinksCSV, as `ikrar links export`
// does), so a national roster's sheet costs the server one batch of
// memory instead of the whole sheet twice (rows, then bytes). Links
// open signing pages, so the export is recorded before the first byte,
// with the scope's active roster count at that moment (the completion
// counters); a failure once the headers are gone aborts the connection
// so that no truncated sheet is saved as if it were whole.
func (s *Server) streamLinksCSV(c echo.Context, sc org.Scope, name, disposition string) error {
	ctx := c.Request().Context()
	n, err := s.Store.ActiveCount(ctx, sc.IDs())
	if err != nil {
		return err
	}
	if err := s.Store.Record(ctx, actorOf(c), "links.exported", "links:"+name+".csv",
		map[string]string{"count": strconv.Itoa(n), "department": c.QueryParam("department")}); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, disposition)
	c.Response().WriteHeader(http.StatusOK)
	if _, err := report.StreamLinksCSV(ctx, c.Response(), s.Store, sc, s.Config.BaseURL); err != nil {
		s.Log.Error("links export failed", "id", h.Get(echo.HeaderXRequestID), "links", name, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}
