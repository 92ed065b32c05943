package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// pendingOf builds the pending list of a unit and its sub-units; a head
// gets 404 outside their own units.
func (s *Server) pendingOf(c echo.Context) (store.Department, store.Campaign, report.PendingList, error) {
	ctx := c.Request().Context()
	sc, err := s.scopeOf(ctx, c.Get(ctxUser).(*store.User))
	if err != nil {
		return store.Department{}, store.Campaign{}, report.PendingList{}, err
	}
	dept, err := departmentIn(sc, c.Param("code"))
	if err != nil {
		return store.Department{}, store.Campaign{}, report.PendingList{}, err
	}
	camp, _, err := s.pickCampaign(c)
	if err != nil {
		return store.Department{}, store.Campaign{}, report.PendingList{}, err
	}
	l, err := report.BuildPending(ctx, s.Store, sc.Narrow(dept.ID), dept.Name, s.Config.BaseURL, camp, s.Now())
	if u := c.Get(ctxUser).(*store.User); u.Role != store.RoleAdmin {
		l = l.WithoutCodes() // staff pages never give heads access codes
	}
	return dept, camp, l, err
}

// unitPendingFile serves the pending list as CSV (with WhatsApp links) or
// printable PDF, or the ceremony cards of the pending people only.
func (s *Server) unitPendingFile(c echo.Context) error {
	file := c.Param("file")
	var write func(*bytes.Buffer, report.PendingList) error
	contentType := "application/pdf"
	switch file {
	case "belum.csv":
		write, contentType = func(b *bytes.Buffer, l report.PendingList) error { return report.WritePendingCSV(b, l) }, "text/csv; charset=utf-8"
	case "belum.pdf":
		write = func(b *bytes.Buffer, l report.PendingList) error { return report.WritePendingPDF(b, l) }
	case "kartu.pdf":
		write = func(b *bytes.Buffer, l report.PendingList) error { return report.WriteLinksPDF(b, l.Links()) }
	default:
		return echo.ErrNotFound
	}
	dept, _, l, err := s.pendingOf(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := write(&buf, l); err != nil {
		return err
	}
	// These files carry personal links and access codes: the chain notes
	// who took them.
	if err := s.Store.Record(c.Request().Context(), actorOf(c), "pending.exported", "pending:"+dept.Code+"/"+file,
		map[string]string{"count": strconv.Itoa(len(l.People))}); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-%s"`, certificate.SafeFileName(dept.Code), file))
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, contentType, buf.Bytes())
}

type unitWhatsAppData struct {
	Department store.Department
	Query      template.URL
	GroupText  string
	Pending    int
	WithPhone  int
}

// unitWhatsApp shows the ready text for the unit's WhatsApp group.
func (s *Server) unitWhatsApp(c echo.Context) error {
	dept, camp, l, err := s.pendingOf(c)
	if err != nil {
		return err
	}
	names := make([]string, len(l.People))
	d := unitWhatsAppData{Department: dept, Query: campaignQuery(camp), Pending: len(l.People)}
	for i, p := range l.People {
		names[i] = p.Name
		if p.Phone != "" {
			d.WithPhone++
		}
	}
	d.GroupText = reach.GroupText(dept.Name, camp.Title, camp.ClosesAt, l.SignURL, names)
	p := s.page(c, "")
	p.Title = p.T["wa_group_title"]
	p.Data = d
	return c.Render(http.StatusOK, "unit_whatsapp", p)
}
