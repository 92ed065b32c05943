package report

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
)

// Scope is the set of departments a staff user (or a CLI run) may see: all
// of them for an admin, the bound departments and their descendants for a
// head. Every page, report and export is built through a Scope, so the
// rule lives in one place.
type Scope struct {
	All        []store.Department
	Allowed    map[uint]bool
	Roots      []uint // top-level departments of the scope
	Everything bool
}

// ScopeAll sees every department.
func ScopeAll(ctx context.Context, st *store.Store) (Scope, error) {
	all, err := st.Departments(ctx)
	if err != nil {
		return Scope{}, err
	}
	sc := Scope{All: all, Allowed: map[uint]bool{}, Everything: true}
	for _, d := range all {
		sc.Allowed[d.ID] = true
		if d.ParentID == nil {
			sc.Roots = append(sc.Roots, d.ID)
		}
	}
	return sc, nil
}

// ScopeFor is the scope of a staff user.
func ScopeFor(ctx context.Context, st *store.Store, u *store.User) (Scope, error) {
	if u.Role == store.RoleAdmin {
		return ScopeAll(ctx, st)
	}
	all, err := st.Departments(ctx)
	if err != nil {
		return Scope{}, err
	}
	bound, err := st.UserDepartmentIDs(ctx, u.ID)
	if err != nil {
		return Scope{}, err
	}
	return narrow(all, bound...), nil
}

// ScopeUnits is the scope of anything bound to units other than a user
// (an API token): the units and their descendants, by the same rule as a
// head's. No ids means no units.
func ScopeUnits(ctx context.Context, st *store.Store, ids []uint) (Scope, error) {
	all, err := st.Departments(ctx)
	if err != nil {
		return Scope{}, err
	}
	return narrow(all, ids...), nil
}

func narrow(all []store.Department, ids ...uint) Scope {
	sc := Scope{All: all, Allowed: map[uint]bool{}}
	for _, id := range store.Subtree(all, ids...) {
		sc.Allowed[id] = true
	}
	for _, d := range all {
		if sc.Allowed[d.ID] && (d.ParentID == nil || !sc.Allowed[*d.ParentID]) {
			sc.Roots = append(sc.Roots, d.ID)
		}
	}
	return sc
}

// Department finds a department by code inside the scope.
func (sc Scope) Department(code string) (store.Department, bool) {
	for _, d := range sc.All {
		if d.Code == code && sc.Allowed[d.ID] {
			return d, true
		}
	}
	return store.Department{}, false
}

// Narrow is the sub-scope of one department and its descendants.
func (sc Scope) Narrow(deptID uint) Scope { return narrow(sc.All, deptID) }

// IDs lists the department ids in scope; nil means "all" so queries can
// skip the filter.
func (sc Scope) IDs() []uint {
	if sc.Everything {
		return nil
	}
	out := make([]uint, 0, len(sc.Allowed))
	for id := range sc.Allowed {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Completion is one department with its children rolled up.
type Completion struct {
	Department store.Department
	ParentCode string
	Depth      int
	Roster     int // sub-units included
	Signed     int // sub-units included
	OwnRoster  int // the unit's own staff
}

// Stat converts to the report row type.
func (c Completion) Stat() DepartmentStat {
	return DepartmentStat{Code: c.Department.Code, Name: c.Department.Name, ParentCode: c.ParentCode, Depth: c.Depth,
		Roster: c.Roster, Signed: c.Signed, OwnRoster: c.OwnRoster}
}

// Pending is roster minus signed.
func (c Completion) Pending() int { return c.Stat().Pending() }

// Percent is the completion percentage, rounded like the reports (one
// decimal, half up, see percentTenths), so the dashboard and the reports
// always agree.
func (c Completion) Percent() float64 { return c.Stat().Percent() }

// Empty reports a unit with nobody to sign (shown "—").
func (c Completion) Empty() bool { return c.Stat().Empty() }

// PercentText is the percentage as pages print it: "66,7" (or "66.7" in
// English), "—" for a unit with nobody to sign.
func (c Completion) PercentText(lang string) string {
	if c.Empty() {
		return "—"
	}
	t := c.Stat().percentTenths()
	sep := ","
	if lang == "en" {
		sep = "."
	}
	return fmt.Sprintf("%d%s%d", t/10, sep, t%10)
}

// PercentInt is the whole percent for progress bars.
func (c Completion) PercentInt() int { return c.Stat().percentTenths() / 10 }

// Rows rolls per-department counts up the tree within the scope: rows in
// tree order (parents before children, names sorted) and the scope total.
func Rows(sc Scope, counts map[uint]store.DepartmentCount) ([]Completion, Completion) {
	children := map[uint][]store.Department{}
	byID := map[uint]store.Department{}
	for _, d := range sc.All {
		byID[d.ID] = d
		if d.ParentID != nil && sc.Allowed[d.ID] {
			children[*d.ParentID] = append(children[*d.ParentID], d)
		}
	}
	var rows []Completion
	var walk func(d store.Department, depth int) Completion
	walk = func(d store.Department, depth int) Completion {
		idx := len(rows)
		rows = append(rows, Completion{})
		c := Completion{Department: d, Depth: depth, Roster: counts[d.ID].Roster, Signed: counts[d.ID].Signed, OwnRoster: counts[d.ID].Roster}
		if d.ParentID != nil {
			c.ParentCode = byID[*d.ParentID].Code
		}
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
	roots := make([]store.Department, 0, len(sc.Roots))
	for _, id := range sc.Roots {
		roots = append(roots, byID[id])
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i].Name < roots[j].Name })
	var total Completion
	for _, r := range roots {
		c := walk(r, 0)
		total.Roster += c.Roster
		total.Signed += c.Signed
		total.OwnRoster += c.Roster
	}
	return rows, total
}

// SortByCompletion orders top-level groups by completion, lowest first so
// the departments that need a reminder lead; children stay under parents.
// Groups with nobody to sign have no percentage and go last.
func SortByCompletion(rows []Completion) []Completion {
	var groups [][]Completion
	for _, r := range rows {
		if r.Depth == 0 || len(groups) == 0 {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], r)
	}
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i][0], groups[j][0]
		if a.Empty() != b.Empty() {
			return b.Empty()
		}
		return a.Percent() < b.Percent()
	})
	out := make([]Completion, 0, len(rows))
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// State says where a campaign's figures come from. An open campaign is
// counted live: a unit's denominator is its active ASN now, and a signer
// counts in the unit they are in now. A closed campaign is frozen: its
// figures and lists are the record made when it closed. A reopened
// campaign is live again, and its pages say it was reopened.
type State struct {
	Frozen     bool // closed, with its closing record
	ClosedAt   time.Time
	ReopenedAt time.Time // zero unless reopened after a closing
}

// StateOf reads a campaign's State. A campaign closed before closing
// records existed has none and is counted live.
func StateOf(ctx context.Context, st *store.Store, camp store.Campaign) (State, error) {
	rec, err := st.ClosingOf(ctx, camp.ID)
	if errors.Is(err, store.ErrNotFound) {
		return State{}, nil
	}
	if err != nil {
		return State{}, err
	}
	s := State{ClosedAt: rec.ClosedAt}
	if camp.Status == "closed" {
		s.Frozen = true
	} else if rec.ReopenedAt != nil {
		s.ReopenedAt = *rec.ReopenedAt
	}
	return s, nil
}

// CompletionOf computes the rolled-up rows and total of a scope by the
// rule of State: live for an open campaign, as recorded at closing for a
// closed one. Every page, report and export takes its figures from here.
func CompletionOf(ctx context.Context, st *store.Store, sc Scope, campaignID uint) ([]Completion, Completion, error) {
	camp, err := st.CampaignByID(ctx, campaignID)
	if err != nil {
		return nil, Completion{}, err
	}
	state, err := StateOf(ctx, st, camp)
	if err != nil {
		return nil, Completion{}, err
	}
	var counts map[uint]store.DepartmentCount
	if state.Frozen {
		counts, err = st.ClosedCompletionByDepartment(ctx, campaignID)
	} else {
		counts, err = st.CompletionByDepartment(ctx, campaignID)
	}
	if err != nil {
		return nil, Completion{}, err
	}
	rows, total := Rows(sc, counts)
	return rows, total, nil
}

// Roster lists the people of a unit page or report with their status, by
// the same rule as CompletionOf (f.Closed is set from the campaign).
func Roster(ctx context.Context, st *store.Store, camp store.Campaign, f store.RosterFilter) ([]store.RosterEntry, int64, error) {
	state, err := StateOf(ctx, st, camp)
	if err != nil {
		return nil, 0, err
	}
	f.CampaignID, f.Closed = camp.ID, state.Frozen
	return st.RosterPage(ctx, f)
}

func daily(ctx context.Context, st *store.Store, campaignID uint, ids []uint) ([]DayCount, error) {
	days, err := st.SignaturesPerDay(ctx, campaignID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]DayCount, len(days))
	for i, d := range days {
		out[i] = DayCount{Day: d.Day, Count: d.Count}
	}
	return out, nil
}

// BuildSummary assembles the completion summary of a scope.
func BuildSummary(ctx context.Context, st *store.Store, sc Scope, camp store.Campaign, now time.Time) (Report, error) {
	rows, total, err := CompletionOf(ctx, st, sc, camp.ID)
	if err != nil {
		return Report{}, err
	}
	r := Report{Instansi: camp.Instansi, CampaignTitle: camp.Title, GeneratedAt: now, Scope: "Semua unit kerja", Total: total.Stat()}
	if !sc.Everything && len(sc.Roots) == 1 {
		r.Scope = rows[0].Department.Name
	}
	for _, c := range rows {
		r.Departments = append(r.Departments, c.Stat())
	}
	if r.Daily, err = daily(ctx, st, camp.ID, sc.IDs()); err != nil {
		return Report{}, err
	}
	if r.Checkpoint, err = checkpointLine(ctx, st); err != nil {
		return Report{}, err
	}
	return r, nil
}

// checkpointLine describes the latest audit checkpoint in one line.
func checkpointLine(ctx context.Context, st *store.Store) (string, error) {
	cp, err := st.LatestCheckpoint(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Titik periksa rantai audit terakhir: %s, %d peristiwa, kepala %s…", wib.DateTime(cp.At), cp.Seq, cp.Head[:16]), nil
}

// BuildDepartment assembles a department report: its sub-units and every
// person in it with their status.
func BuildDepartment(ctx context.Context, st *store.Store, sc Scope, dept store.Department, camp store.Campaign, now time.Time) (Report, error) {
	sub := sc.Narrow(dept.ID)
	r, err := BuildSummary(ctx, st, sub, camp, now)
	if err != nil {
		return Report{}, err
	}
	r.Scope = dept.Name
	entries, _, err := Roster(ctx, st, camp, store.RosterFilter{DepartmentIDs: sub.IDs()})
	if err != nil {
		return Report{}, err
	}
	r.People = make([]Person, 0, len(entries))
	for _, e := range entries {
		p := Person{NIP: e.NIP, Name: e.Name, Position: e.Position, Department: e.DepartmentName, Kind: e.Kind, MovedFrom: e.MovedFrom()}
		if e.SignedAt != nil {
			p.SignedAt = *e.SignedAt
		}
		if e.CertCode != nil {
			p.CertificateCode = *e.CertCode
		}
		r.People = append(r.People, p)
	}
	ids := make([]uint, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	reach, err := st.ReachOf(ctx, camp.ID, ids)
	if err != nil {
		return Report{}, err
	}
	for i := range r.People {
		if !r.People[i].Signed() {
			r.People[i].Reach = reachText(reach[ids[i]])
		}
	}
	return r, nil
}

// reachText is a pending person's reach in the reports' words.
func reachText(r store.PersonReach) string {
	var parts []string
	if r.InvitedAt != nil {
		parts = append(parts, fmt.Sprintf("diundang (%s, %s)", r.InvitedVia, formatMachineWIB(*r.InvitedAt)))
	} else {
		parts = append(parts, "belum diundang")
	}
	if r.OpenedAt != nil {
		parts = append(parts, "dibuka "+formatMachineWIB(*r.OpenedAt))
	}
	if r.Reminders > 0 {
		parts = append(parts, fmt.Sprintf("diingatkan %d× (terakhir %s)", r.Reminders, formatMachineWIB(*r.RemindedAt)))
	}
	if r.Refused != "" {
		parts = append(parts, "alamat ditolak: "+r.Refused)
	}
	return strings.Join(parts, "; ")
}

// BuildLinks assembles the signing links of the active roster in scope.
func BuildLinks(ctx context.Context, st *store.Store, sc Scope, baseURL string, camp store.Campaign, now time.Time) (LinksSheet, error) {
	names := map[uint]string{}
	for _, d := range sc.All {
		names[d.ID] = d.Name
	}
	s := LinksSheet{Instansi: camp.Instansi, CampaignTitle: camp.Title, SignURL: baseURL + "/sign", GeneratedAt: now}
	err := st.ActiveASN(ctx, sc.IDs(), func(batch []store.ASN) error {
		for _, a := range batch {
			s.Links = append(s.Links, Link{NIP: a.NIP, Name: a.Name, Position: a.Position, Department: names[a.DepartmentID],
				URL: baseURL + "/sign/" + a.Token, AccessCode: a.AccessCode})
		}
		return nil
	})
	if err != nil {
		return LinksSheet{}, err
	}
	sort.SliceStable(s.Links, func(i, j int) bool {
		if s.Links[i].Department != s.Links[j].Department {
			return s.Links[i].Department < s.Links[j].Department
		}
		return s.Links[i].Name < s.Links[j].Name
	})
	return s, nil
}
