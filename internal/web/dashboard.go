package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// scope is what a staff user may see: every department for an admin, the
// bound departments and their descendants for a head.
type scope struct {
	all     []store.Department
	allowed map[uint]bool
	roots   []uint // top-level departments of the scope
}

func (s *Server) scopeOf(ctx context.Context, u *store.User) (scope, error) {
	all, err := s.Store.Departments(ctx)
	if err != nil {
		return scope{}, err
	}
	sc := scope{all: all, allowed: map[uint]bool{}}
	if u.Role == store.RoleAdmin {
		for _, d := range all {
			sc.allowed[d.ID] = true
			if d.ParentID == nil {
				sc.roots = append(sc.roots, d.ID)
			}
		}
		return sc, nil
	}
	bound, err := s.Store.UserDepartmentIDs(ctx, u.ID)
	if err != nil {
		return scope{}, err
	}
	for _, id := range store.Subtree(all, bound...) {
		sc.allowed[id] = true
	}
	for _, d := range all {
		if sc.allowed[d.ID] && (d.ParentID == nil || !sc.allowed[*d.ParentID]) {
			sc.roots = append(sc.roots, d.ID)
		}
	}
	return sc, nil
}

// department returns a department in scope, or 404 for anything else: a
// head must not learn that another department's page exists.
func (sc scope) department(code string) (store.Department, error) {
	for _, d := range sc.all {
		if d.Code == code && sc.allowed[d.ID] {
			return d, nil
		}
	}
	return store.Department{}, echo.ErrNotFound
}

func (sc scope) ids() []uint {
	out := make([]uint, 0, len(sc.allowed))
	for id := range sc.allowed {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Completion is one row of the dashboard: a department with its children
// rolled up.
type Completion struct {
	Department store.Department
	Depth      int
	Roster     int
	Signed     int
}

// Pending is roster minus signed.
func (c Completion) Pending() int { return c.Roster - c.Signed }

// Percent is the completion percentage (0 for an empty roster).
func (c Completion) Percent() float64 {
	if c.Roster == 0 {
		return 0
	}
	return 100 * float64(c.Signed) / float64(c.Roster)
}

// PercentInt rounds down for progress bars.
func (c Completion) PercentInt() int { return int(c.Percent()) }

// completion rolls counts up the tree within the scope, returning rows in
// tree order (parents before children) and the scope's total.
func completion(sc scope, counts map[uint]store.DepartmentCount) ([]Completion, Completion) {
	children := map[uint][]store.Department{}
	byID := map[uint]store.Department{}
	for _, d := range sc.all {
		byID[d.ID] = d
		if d.ParentID != nil {
			children[*d.ParentID] = append(children[*d.ParentID], d)
		}
	}
	var rows []Completion
	var walk func(d store.Department, depth int) Completion
	walk = func(d store.Department, depth int) Completion {
		idx := len(rows)
		rows = append(rows, Completion{Department: d, Depth: depth})
		c := Completion{Department: d, Depth: depth, Roster: counts[d.ID].Roster, Signed: counts[d.ID].Signed}
		kids := children[d.ID]
		sort.Slice(kids, func(i, j int) bool { return kids[i].Name < kids[j].Name })
		for _, k := range kids {
			sub := walk(k, depth+1)
			c.Roster += sub.Roster
			c.Signed += sub.Signed
		}
		rows[idx] = c
		return c
	}
	var total Completion
	roots := make([]store.Department, 0, len(sc.roots))
	for _, id := range sc.roots {
		roots = append(roots, byID[id])
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i].Name < roots[j].Name })
	for _, r := range roots {
		c := walk(r, 0)
		total.Roster += c.Roster
		total.Signed += c.Signed
	}
	return rows, total
}

// sortByCompletion orders top-level groups by completion (lowest first, so
// the departments needing attention lead), keeping children under parents.
func sortByCompletion(rows []Completion) []Completion {
	type group struct{ rows []Completion }
	var groups []group
	for _, r := range rows {
		if r.Depth == 0 || len(groups) == 0 {
			groups = append(groups, group{})
		}
		groups[len(groups)-1].rows = append(groups[len(groups)-1].rows, r)
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].rows[0].Percent() < groups[j].rows[0].Percent() })
	out := make([]Completion, 0, len(rows))
	for _, g := range groups {
		out = append(out, g.rows...)
	}
	return out
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
		return store.Campaign{}, nil, echo.NewHTTPError(http.StatusNotFound, "Belum ada kampanye. / No campaign yet.")
	}
	if q := c.QueryParam("campaign"); q != "" {
		for _, cp := range all {
			if strconv.FormatUint(uint64(cp.ID), 10) == q {
				return cp, all, nil
			}
		}
		return store.Campaign{}, nil, echo.ErrNotFound
	}
	for _, cp := range all {
		if cp.Status == "open" {
			return cp, all, nil
		}
	}
	return all[0], all, nil
}

type dashboardData struct {
	Campaign  store.Campaign
	Campaigns []store.Campaign
	Rows      []Completion
	Total     Completion
	Chart     chart
	Query     string
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
	counts, err := s.Store.CompletionByDepartment(ctx, camp.ID)
	if err != nil {
		return err
	}
	rows, total := completion(sc, counts)
	var ids []uint
	if u.Role != store.RoleAdmin {
		ids = sc.ids()
	}
	days, err := s.Store.SignaturesPerDay(ctx, camp.ID, ids)
	if err != nil {
		return err
	}
	p := s.page(c, "dashboard")
	p.Data = dashboardData{Campaign: camp, Campaigns: all, Rows: sortByCompletion(rows), Total: total,
		Chart: dailyChart(days, p.Lang), Query: "campaign=" + strconv.FormatUint(uint64(camp.ID), 10)}
	return c.Render(http.StatusOK, "dashboard", p)
}

type departmentData struct {
	Campaign   store.Campaign
	Department store.Department
	Stats      Completion
	Children   []Completion
	Entries    []store.RosterEntry
	Total      int64
	Search     string
	Status     string
	Page       int
	Pages      int
	Chart      chart
	BaseURL    string
	Query      string
	PrevURL    string
	NextURL    string
}

const rosterPageSize = 50

func (s *Server) departmentPage(c echo.Context) error {
	ctx := c.Request().Context()
	u := c.Get(ctxUser).(*store.User)
	sc, err := s.scopeOf(ctx, u)
	if err != nil {
		return err
	}
	dept, err := sc.department(c.Param("code"))
	if err != nil {
		return err
	}
	camp, _, err := s.pickCampaign(c)
	if err != nil {
		return err
	}
	sub := scope{all: sc.all, allowed: map[uint]bool{}, roots: []uint{dept.ID}}
	subIDs := store.Subtree(sc.all, dept.ID)
	for _, id := range subIDs {
		sub.allowed[id] = true
	}
	counts, err := s.Store.CompletionByDepartment(ctx, camp.ID)
	if err != nil {
		return err
	}
	rows, total := completion(sub, counts)
	status := c.QueryParam("status")
	if status != "signed" && status != "pending" {
		status = ""
	}
	pageNo, _ := strconv.Atoi(c.QueryParam("page"))
	pageNo = max(pageNo, 1)
	search := strings.TrimSpace(c.QueryParam("q"))
	if len(search) > 100 {
		search = search[:100]
	}
	entries, n, err := s.Store.RosterPage(ctx, store.RosterFilter{CampaignID: camp.ID, DepartmentIDs: subIDs, Search: search,
		Status: status, Offset: (pageNo - 1) * rosterPageSize, Limit: rosterPageSize})
	if err != nil {
		return err
	}
	days, err := s.Store.SignaturesPerDay(ctx, camp.ID, subIDs)
	if err != nil {
		return err
	}
	p := s.page(c, "")
	p.Title = dept.Name
	d := departmentData{Campaign: camp, Department: dept, Stats: total, Entries: entries, Total: n, Search: search,
		Status: status, Page: pageNo, Pages: int((n + rosterPageSize - 1) / rosterPageSize), Chart: dailyChart(days, p.Lang),
		BaseURL: s.Config.BaseURL, Query: "campaign=" + strconv.FormatUint(uint64(camp.ID), 10)}
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
	if !sc.allowed[sig.DepartmentID] || s.Certs == nil {
		return echo.ErrNotFound
	}
	a, err := s.Store.ASNByID(ctx, sig.ASNID)
	if err != nil {
		return err
	}
	return s.sendCertificate(c, sig, a)
}

// waLink is a WhatsApp share link with the signing message prefilled.
func waLink(phone, name, link string) string {
	msg := fmt.Sprintf("Yth. %s, mohon menandatangani Ikrar Netralitas ASN melalui tautan pribadi berikut: %s", name, link)
	u := "https://wa.me/"
	if phone != "" {
		u += phone
	}
	return u + "?text=" + url.QueryEscape(msg)
}

// chart is a server-rendered SVG bar chart of signatures per day.
type chart struct {
	Bars   []bar
	Max    int
	Width  int
	Height int
	Empty  bool
}

type bar struct {
	X, Y, W, H int
	Label      string
	Count      int
}

func dailyChart(days []store.DayCount, lang string) chart {
	const width, height, top = 600, 160, 10
	ch := chart{Width: width, Height: height + 20, Empty: len(days) == 0}
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
	slot := width / max(len(days), 1)
	for i, d := range days {
		h := (height - top) * d.Count / ch.Max
		label := d.Day.Format("2/1")
		if lang == "en" {
			label = d.Day.Format("Jan 2")
		}
		ch.Bars = append(ch.Bars, bar{X: i*slot + 2, Y: height - h, W: max(slot-4, 1), H: h, Label: label, Count: d.Count})
	}
	return ch
}
