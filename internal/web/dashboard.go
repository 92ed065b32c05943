package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

func (s *Server) scopeOf(ctx context.Context, u *store.User) (org.Scope, error) {
	return org.For(ctx, s.Store, u)
}

// departmentIn returns a department in scope, or 404 for anything else: a
// head must not learn that another department's page exists.
func departmentIn(sc org.Scope, code string) (store.Department, error) {
	d, ok := sc.Department(code)
	if !ok {
		return store.Department{}, echo.ErrNotFound
	}
	return d, nil
}

// pickCampaign reads ?campaign= or defaults to the newest open campaign
// (or the newest of all when none is open).
func (s *Server) pickCampaign(c echo.Context) (store.Campaign, []store.Campaign, error) {
	ctx := c.Request().Context()
	all, err := s.Store.Campaigns(ctx)
	if err != nil {
		return store.Campaign{}, nil, err
	}
	if len(all) == 0 {
		return store.Campaign{}, nil, echo.NewHTTPError(http.StatusNotFound, i18n.New("no_campaigns"))
	}
	if q := c.QueryParam("campaign"); q != "" {
		for _, cp := range all {
			if strconv.FormatUint(uint64(cp.ID), 10) == q {
				// Remembered for links that cannot carry it (the header's
				// "Dasbor"): a head who picked a campaign keeps it.
				c.SetCookie(&http.Cookie{Name: campaignCookie, Value: q, Path: "/", HttpOnly: true,
					SameSite: http.SameSiteLaxMode, Secure: s.Config.SecureCookies})
				return cp, all, nil
			}
		}
		return store.Campaign{}, nil, echo.ErrNotFound
	}
	if ck, err := c.Cookie(campaignCookie); err == nil {
		for _, cp := range all {
			if strconv.FormatUint(uint64(cp.ID), 10) == ck.Value {
				return cp, all, nil
			}
		}
	}
	for _, cp := range all {
		if cp.Status == store.CampaignOpen {
			return cp, all, nil
		}
	}
	return all[0], all, nil
}

// campaignCookie remembers the campaign last chosen on the dashboard pages.
const campaignCookie = "ikrar_campaign"

// campaignQuery is the query string that carries the chosen campaign
// through every link, form and download of the dashboard pages. It is
// typed as a URL part so html/template keeps its "=" ("?campaign%3d1"
// lost the choice).
func campaignQuery(camp store.Campaign) template.URL {
	return template.URL("campaign=" + strconv.FormatUint(uint64(camp.ID), 10))
}

// stateNote says where a campaign's figures come from when that is not
// the live count: frozen at closing, or live again after a reopening.
func (s *Server) stateNote(ctx context.Context, camp store.Campaign, p page) (string, error) {
	st, err := report.StateOf(ctx, s.Store, camp)
	if err != nil {
		return "", err
	}
	switch {
	case st.Frozen:
		return p.T["figures_frozen"] + " " + FormatWIB(st.ClosedAt, p.Lang) + ".", nil
	case !st.ReopenedAt.IsZero():
		return p.T["campaign_reopened"] + " " + FormatWIB(st.ReopenedAt, p.Lang) + ".", nil
	}
	return "", nil
}

type dashboardData struct {
	Campaign  store.Campaign
	Campaigns []store.Campaign
	Rows      []report.Completion
	Total     report.Completion
	Chart     chart
	Query     template.URL
	Deadline  deadlineView
	Funnel    funnel
	StateNote string
	Behind    []report.Behind
	Versions  []versionFigure
}

// versionFigure is one version of the shown campaign's text with its own
// figures: a new version starts from nobody, and the head sees both.
type versionFigure struct {
	Campaign store.Campaign
	Total    report.Completion
	Current  bool
	Query    template.URL
}

// versionFigures lists every version of camp's text, newest first, each
// with its own total in the scope (nil when there is only one version).
// A closed version reads its closing record, so this costs little.
func (s *Server) versionFigures(ctx context.Context, sc org.Scope, camp store.Campaign, all []store.Campaign, total report.Completion) ([]versionFigure, error) {
	var out []versionFigure
	for _, cp := range all {
		if cp.Slug != camp.Slug {
			continue
		}
		v := versionFigure{Campaign: cp, Total: total, Current: cp.ID == camp.ID, Query: campaignQuery(cp)}
		if !v.Current {
			var err error
			if _, v.Total, err = report.CompletionOf(ctx, s.Store, sc, cp.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, v)
	}
	if len(out) < 2 {
		return nil, nil
	}
	return out, nil
}

func (s *Server) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	u := c.Get(ctxUser).(*store.User)
	camp, all, err := s.pickCampaign(c)
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(ctx, u)
	if err != nil {
		return err
	}
	rows, total, err := report.CompletionOf(ctx, s.Store, sc, camp.ID)
	if err != nil {
		return err
	}
	versions, err := s.versionFigures(ctx, sc, camp, all, total)
	if err != nil {
		return err
	}
	days, err := s.Store.SignaturesPerDay(ctx, camp.ID, sc.IDs())
	if err != nil {
		return err
	}
	p := s.page(c, "dashboard")
	fun, err := s.funnelOf(ctx, camp.ID, sc.IDs(), total.Signed, p.Lang)
	if err != nil {
		return err
	}
	note, err := s.stateNote(ctx, camp, p)
	if err != nil {
		return err
	}
	p.Data = dashboardData{Campaign: camp, Campaigns: all, Rows: report.SortByCompletion(rows), Total: total,
		Chart: dailyChart(days, p.Lang), Query: campaignQuery(camp),
		Deadline: s.deadlineOf(camp, p.Lang), Funnel: fun, StateNote: note,
		Behind: report.Escalation(rows, campaignStart(camp), camp.ClosesAt, s.Now(), 15), Versions: versions}
	return c.Render(http.StatusOK, "dashboard", p)
}

type departmentData struct {
	Campaign   store.Campaign
	Department store.Department
	Stats      report.Completion
	Children   []report.Completion
	Entries    []store.RosterEntry
	Total      int64
	Search     string
	Status     string
	Page       int
	Pages      int
	Chart      chart
	BaseURL    string
	Query      template.URL
	PrevURL    string
	NextURL    string
	Deadline   deadlineView
	Reach      unitReach
	StateNote  string
}

const rosterPageSize = 50

func (s *Server) departmentPage(c echo.Context) error {
	ctx := c.Request().Context()
	u := c.Get(ctxUser).(*store.User)
	sc, err := s.scopeOf(ctx, u)
	if err != nil {
		return err
	}
	dept, err := departmentIn(sc, c.Param("code"))
	if err != nil {
		return err
	}
	camp, _, err := s.pickCampaign(c)
	if err != nil {
		return err
	}
	sub := sc.Narrow(dept.ID)
	subIDs := sub.IDs()
	rows, total, err := report.CompletionOf(ctx, s.Store, sub, camp.ID)
	if err != nil {
		return err
	}
	status := c.QueryParam("status")
	if status != "signed" && status != "pending" && !slices.Contains(store.ReachStages, status) {
		status = ""
	}
	pageNo, _ := strconv.Atoi(c.QueryParam("page"))
	pageNo = max(pageNo, 1)
	search := strings.TrimSpace(c.QueryParam("q"))
	if len(search) > 100 {
		search = search[:100]
	}
	entries, n, err := report.Roster(ctx, s.Store, camp, store.RosterFilter{DepartmentIDs: subIDs, Search: search,
		Status: status, Offset: (pageNo - 1) * rosterPageSize, Limit: rosterPageSize})
	if err != nil {
		return err
	}
	rv, err := s.reachOfUnit(ctx, camp, subIDs, entries, total.Signed, langOf(c))
	if err != nil {
		return err
	}
	rv.Flash = flashOf(c, i18n.Table(langOf(c)))
	days, err := s.Store.SignaturesPerDay(ctx, camp.ID, subIDs)
	if err != nil {
		return err
	}
	p := s.page(c, "")
	p.Title = dept.Name
	d := departmentData{Campaign: camp, Department: dept, Stats: total, Entries: entries, Total: n, Search: search,
		Status: status, Page: pageNo, Pages: int((n + rosterPageSize - 1) / rosterPageSize), Chart: dailyChart(days, p.Lang),
		BaseURL: s.Config.BaseURL, Query: campaignQuery(camp),
		Deadline: s.deadlineOf(camp, p.Lang), Reach: rv}
	if len(rows) > 1 {
		d.Children = rows[1:]
	}
	link := func(pg int) string {
		q := url.Values{"campaign": {strconv.FormatUint(uint64(camp.ID), 10)}, "page": {strconv.Itoa(pg)}}
		if search != "" {
			q.Set("q", search)
		}
		if status != "" {
			q.Set("status", status)
		}
		return "/dashboard/departments/" + url.PathEscape(dept.Code) + "?" + q.Encode()
	}
	if pageNo > 1 {
		d.PrevURL = link(pageNo - 1)
	}
	if pageNo < d.Pages {
		d.NextURL = link(pageNo + 1)
	}
	if d.StateNote, err = s.stateNote(ctx, camp, p); err != nil {
		return err
	}
	p.Data = d
	return c.Render(http.StatusOK, "department", p)
}

// staffCertificate serves a certificate to staff whose scope covers the
// signer's department; anyone else gets 404.
func (s *Server) staffCertificate(c echo.Context) error {
	ctx := c.Request().Context()
	u := c.Get(ctxUser).(*store.User)
	sig, err := s.Store.SignatureByCode(ctx, canonicalCode(c.Param("code")))
	if errors.Is(err, store.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(ctx, u)
	if err != nil {
		return err
	}
	if s.Certs == nil {
		return echo.ErrNotFound
	}
	a, err := s.Store.ASNByID(ctx, sig.ASNID)
	if err != nil {
		return err
	}
	// The unit signed in, or the unit the person is in now (whose list
	// shows them after a move).
	if !sc.Allowed[sig.DepartmentID] && !sc.Allowed[a.DepartmentID] {
		return echo.ErrNotFound
	}
	return s.sendCertificate(c, sig, a)
}

// waLink is a WhatsApp share link with the signing message prefilled.
func waLink(phone, name, link string) string {
	msg := i18n.T("id", "wa_dashboard", name, link)
	return reach.WhatsAppLink(phone, msg) // the number as wa.me wants it: 0812… and +62 812… become 62812…
}

// chart is a server-rendered SVG bar chart of signatures per day. Its
// labels are HTML text beside the picture (SVG text shrinks with the
// picture and was 6 px tall on a phone), Summary is its accessible name
// with the numbers, and the template adds the numbers as a table.
type chart struct {
	Bars   []bar
	Max    int
	Width  int
	Height int
	Empty  bool

	T           map[string]string
	First, Last string // labels of the first and last day
	Summary     string
}

type bar struct {
	X, Y, W, H int
	Label      string
	Count      int
}

func dailyChart(days []store.DayCount, lang string) chart {
	const width, height, top = 600, 160, 10
	t := i18n.Table(lang)
	ch := chart{Width: width, Height: height, Empty: len(days) == 0, T: t}
	if len(days) > 60 {
		days = days[len(days)-60:]
	}
	for _, d := range days {
		ch.Max = max(ch.Max, d.Count)
	}
	if ch.Max == 0 {
		ch.Empty = true
		return ch
	}
	slot := min(width/max(len(days), 1), 48)
	for i, d := range days {
		h := (height - top) * d.Count / ch.Max
		label := d.Day.Format("2/1")
		if lang == "en" {
			label = d.Day.Format("Jan 2")
		}
		ch.Bars = append(ch.Bars, bar{X: i*slot + 2, Y: height - h, W: max(slot-4, 1), H: h, Label: label, Count: d.Count})
	}
	total, peak := 0, ch.Bars[0]
	for _, b := range ch.Bars {
		total += b.Count
		if b.Count > peak.Count {
			peak = b
		}
	}
	ch.First, ch.Last = ch.Bars[0].Label, ch.Bars[len(ch.Bars)-1].Label
	ch.Summary = fmt.Sprintf(t["chart_summary"], ch.First, ch.Last, total, peak.Count, peak.Label)
	return ch
}

// campaignStart is when signing began, for the escalation list's pace.
func campaignStart(c store.Campaign) time.Time {
	if c.OpensAt != nil {
		return *c.OpensAt
	}
	return c.CreatedAt
}
