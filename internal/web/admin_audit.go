package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
	"github.com/labstack/echo/v4"
)

// auditPageSize is how many events one audit page shows.
const auditPageSize = 50

type auditData struct {
	adminHead
	Query     report.AuditQuery
	Kinds     []string
	Units     []deptOption
	Events    []auditRow
	OlderURL  string
	NewestURL string
	ExportCSV string
	ExportJSL string
}

// auditRow is one event on the page, with its time in WIB and the link to
// its predecessor in the chain (whatever the filter).
type auditRow struct {
	store.AuditEvent
	When    string
	PrevNo  uint
	PrevURL string
}

// auditQueryOf reads the filter fields of the audit page.
func auditQueryOf(c echo.Context) report.AuditQuery {
	return report.AuditQuery{Kind: c.QueryParam("kind"), Actor: c.QueryParam("actor"), Unit: c.QueryParam("unit"),
		From: c.QueryParam("from"), To: c.QueryParam("to")}
}

func auditValues(q report.AuditQuery) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"kind": q.Kind, "actor": q.Actor, "unit": q.Unit, "from": q.From, "to": q.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// adminAudit lists audit events newest first, filtered, a page at a time
// (keyset paging on the event number, so a growing chain never shifts a
// page).
func (s *Server) adminAudit(c echo.Context) error {
	ctx := c.Request().Context()
	p, h := s.adminPage(c, "audit")
	q := auditQueryOf(c)
	d := auditData{Query: q}
	status := http.StatusOK
	f, err := q.Filter(ctx, s.Store)
	if err != nil {
		if h.Error = messageOf(err); h.Error == nil {
			return err
		}
		status = http.StatusUnprocessableEntity
	} else {
		before, _ := strconv.ParseUint(c.QueryParam("before"), 10, 32)
		f.BeforeID, f.Limit = uint(before), auditPageSize
		evs, more, err := s.Store.AuditEvents(ctx, f)
		if err != nil {
			return err
		}
		for _, e := range evs {
			r := auditRow{AuditEvent: e, When: wib.DateTime(e.At)}
			if e.ID > 1 {
				r.PrevNo = e.ID - 1
				r.PrevURL = "/admin/audit?before=" + strconv.FormatUint(uint64(e.ID), 10) + "#e" + strconv.FormatUint(uint64(e.ID-1), 10)
			}
			d.Events = append(d.Events, r)
		}
		v := auditValues(q)
		if more && len(evs) > 0 {
			older := auditValues(q)
			older.Set("before", strconv.FormatUint(uint64(evs[len(evs)-1].ID), 10))
			d.OlderURL = "/admin/audit?" + older.Encode()
		}
		if before > 0 {
			d.NewestURL = "/admin/audit?" + v.Encode()
		}
		d.ExportCSV = "/admin/audit/export.csv?" + v.Encode()
		d.ExportJSL = "/admin/audit/export.jsonl?" + v.Encode()
	}
	if d.Kinds, err = s.Store.AuditKinds(ctx); err != nil {
		return err
	}
	opts, _, err := s.unitChoices(c)
	if err != nil {
		return err
	}
	d.Units = opts
	d.adminHead = h
	p.Data = d
	return c.Render(status, "admin_audit", p)
}

// adminAuditExport streams the filtered events as CSV or JSON Lines, in
// chain order; the export itself is recorded in the chain.
func (s *Server) adminAuditExport(c echo.Context) error {
	ctx := c.Request().Context()
	format := c.Param("format")
	q := auditQueryOf(c)
	f, err := q.Filter(ctx, s.Store)
	if err != nil {
		var m *i18n.Error
		if errors.As(err, &m) {
			return echo.NewHTTPError(http.StatusUnprocessableEntity, m)
		}
		return err
	}
	if err := s.Store.Record(ctx, actorOf(c), "audit.exported", "audit:"+format, map[string]string{
		"kind": q.Kind, "actor": q.Actor, "unit": q.Unit, "from": q.From, "to": q.To}); err != nil {
		return err
	}
	h := c.Response().Header()
	name := "audit-ikrar." + format
	var write func() (int, error)
	switch format {
	case "csv":
		h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		write = func() (int, error) { return report.WriteAuditCSV(ctx, s.Store, f, c.Response()) }
	case "jsonl":
		h.Set(echo.HeaderContentType, "application/x-ndjson; charset=utf-8")
		write = func() (int, error) { return report.WriteAuditJSONL(ctx, s.Store, f, c.Response()) }
	default:
		return echo.ErrNotFound
	}
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	c.Response().WriteHeader(http.StatusOK)
	if _, err := write(); err != nil {
		// The status is sent; a broken stream is all the client can see.
		return fmt.Errorf("audit export: %w", err)
	}
	return nil
}
