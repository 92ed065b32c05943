package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ikrar/ikrar/internal/audit"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// navLink is one entry of the admin section menu.
type navLink struct {
	URL     string
	Label   string
	Current bool
}

// adminHead is what every admin page shows above its content: the section
// menu, the outcome of the last action and the error of a refused form.
type adminHead struct {
	Nav   []navLink
	Flash string
	// Error is a refused form's message, shown in the page's language
	// then the other ({{twolang $.Lang .}}).
	Error *i18n.Error
}

// adminPage starts an admin page of the given section ("home", "roster"…),
// titled by the i18n key admin_<section>.
func (s *Server) adminPage(c echo.Context, section string) (page, adminHead) {
	p := s.page(c, "admin_"+section)
	sections := []struct{ key, url string }{
		{"home", "/admin"}, {"roster", "/admin/roster"}, {"campaigns", "/admin/campaigns"},
		{"departments", "/admin/departments"}, {"users", "/admin/users"}, {"exports", "/admin/exports"}, {"audit", "/admin/audit"},
		{"outbox", "/admin/outbox"}, {"tokens", "/admin/tokens"}, {"webhooks", "/admin/webhooks"},
	}
	h := adminHead{Flash: flashOf(c, p.T)}
	for _, sc := range sections {
		h.Nav = append(h.Nav, navLink{URL: sc.url, Label: p.T["admin_"+sc.key], Current: sc.key == section})
	}
	return p, h
}

// flashOf maps ?ok=<word> to its i18n message. Unknown words show nothing:
// query text is never echoed into the page.
func flashOf(c echo.Context, t map[string]string) string {
	k := c.QueryParam("ok")
	if k == "" {
		return ""
	}
	return t["flash_"+k]
}

// messageOf is the message for people that err carries (a rule refused
// the form), or nil for an unexpected failure, which is never shown.
func messageOf(err error) *i18n.Error {
	var m *i18n.Error
	if errors.As(err, &m) {
		return m
	}
	return nil
}

// actorOf names the logged-in admin in the audit chain.
func actorOf(c echo.Context) string {
	return "user:" + c.Get(ctxUser).(*store.User).Username
}

// idParam reads a numeric route parameter; anything else is a 404.
func idParam(c echo.Context, name string) (uint, error) {
	n, err := strconv.ParseUint(c.Param(name), 10, 32)
	if err != nil || n == 0 {
		return 0, echo.ErrNotFound
	}
	return uint(n), nil
}

// seeOther answers a successful POST: redirect, with the outcome as a word
// that the next page turns into a message.
func seeOther(c echo.Context, path, ok string) error {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return c.Redirect(http.StatusSeeOther, path+sep+"ok="+ok)
}

// autoAuditMax is the number of signatures up to which the overview checks
// the audit chain on every visit (well under a second).
const autoAuditMax = 20_000

type adminHomeData struct {
	adminHead
	Totals       store.Totals
	AuditChecked bool
	AuditOK      bool
	AuditEvents  int
	AuditHead    string
	BrokenAt     uint64
	BrokenWhy    string
	TSAURL       string // the timestamp authority certificates wait for, if any
}

func (s *Server) adminHome(c echo.Context) error {
	ctx := c.Request().Context()
	p, h := s.adminPage(c, "home")
	d := adminHomeData{adminHead: h, TSAURL: s.Config.TSAURL}
	if u, err := url.Parse(d.TSAURL); err == nil && u.User != nil {
		u.User = nil // never show the TSA's password
		d.TSAURL = u.String()
	}
	var err error
	if d.Totals, err = s.Store.AdminTotals(ctx); err != nil {
		return err
	}
	// The full check reads every event and signature: automatic at city
	// scale, on request (?audit=1) once the chain is large.
	limit := s.AutoAuditMax
	if limit == 0 {
		limit = autoAuditMax
	}
	if d.Totals.Signatures > limit && c.QueryParam("audit") != "1" {
		p.Data = d
		return c.Render(http.StatusOK, "admin", p)
	}
	d.AuditChecked = true
	rep, err := s.Store.VerifyAudit(ctx)
	var broken *audit.BrokenError
	switch {
	case err == nil:
		d.AuditOK, d.AuditEvents, d.AuditHead = true, rep.Events, rep.Head
	case errors.As(err, &broken):
		d.BrokenAt, d.BrokenWhy = broken.Seq, broken.Reason
	default:
		return err
	}
	p.Data = d
	return c.Render(http.StatusOK, "admin", p)
}
