package report

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
)

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
// tree order (org.Scope.Tree) and the scope total.
func Rows(sc org.Scope, counts map[uint]store.DepartmentCount) ([]Completion, Completion) {
	tree := sc.Tree()
	var total Completion
	if len(tree) == 0 {
		return nil, total
	}
	rows := make([]Completion, len(tree))
	for i, p := range tree {
		n := counts[p.Unit.ID]
		rows[i] = Completion{Department: p.Unit, ParentCode: p.ParentCode, Depth: p.Depth, Roster: n.Roster, Signed: n.Signed, OwnRoster: n.Roster}
	}
	// A unit comes after its parent, so walking backwards adds every unit,
	// its own sub-units already included, to its parent.
	for i := len(tree) - 1; i >= 0; i-- {
		if p := tree[i].Parent; p >= 0 {
			rows[p].Roster += rows[i].Roster
			rows[p].Signed += rows[i].Signed
			continue
		}
		total.Roster += rows[i].Roster
		total.Signed += rows[i].Signed
		total.OwnRoster += rows[i].Roster
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
	if camp.Status == store.CampaignClosed {
		s.Frozen = true
	} else if rec.ReopenedAt != nil {
		s.ReopenedAt = *rec.ReopenedAt
	}
	return s, nil
}

// CompletionOf computes the rolled-up rows and total of a scope by the
// rule of State: live for an open campaign, as recorded at closing for a
// closed one. Every page, report and export takes its figures from here.
func CompletionOf(ctx context.Context, st *store.Store, sc org.Scope, campaignID uint) ([]Completion, Completion, error) {
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
func BuildSummary(ctx context.Context, st *store.Store, sc org.Scope, camp store.Campaign, now time.Time) (Report, error) {
	rows, total, err := CompletionOf(ctx, st, sc, camp.ID)
	if err != nil {
		return Report{}, err
	}
	r := Report{Instansi: camp.Instansi, CampaignTitle: camp.Title, GeneratedAt: now, Scope: i18n.T(pdfLang, "report_all_units"), Total: total.Stat()}
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
func BuildDepartment(ctx context.Context, st *store.Store, sc org.Scope, dept store.Department, camp store.Campaign, now time.Time) (Report, error) {
	return buildDepartment(ctx, st, sc, dept, camp, now, nil)
}

// buildDepartment is BuildDepartment; check, when set, may refuse the
// unit by the number of people its totals count, before they are read.
func buildDepartment(ctx context.Context, st *store.Store, sc org.Scope, dept store.Department, camp store.Campaign, now time.Time, check func(people int) error) (Report, error) {
	sub := sc.Narrow(dept.ID)
	r, err := BuildSummary(ctx, st, sub, camp, now)
	if err != nil {
		return Report{}, err
	}
	if check != nil {
		if err := check(r.Total.Roster); err != nil {
			return Report{}, err
		}
	}
	r.Scope = dept.Name
	entries, _, err := Roster(ctx, st, camp, store.RosterFilter{DepartmentIDs: sub.IDs()})
	if err != nil {
		return Report{}, err
	}
	if r.People, err = peopleOf(ctx, st, camp, entries); err != nil {
		return Report{}, err
	}
	return r, nil
}

// peopleOf is the people section of a unit's report for roster entries.
func peopleOf(ctx context.Context, st *store.Store, camp store.Campaign, entries []store.RosterEntry) ([]Person, error) {
	people := make([]Person, 0, len(entries))
	for _, e := range entries {
		p := Person{NIP: e.NIP, Name: e.Name, Position: e.Position, Department: e.DepartmentName, Kind: e.Kind, MovedFrom: e.MovedFrom()}
		if e.SignedAt != nil {
			p.SignedAt = *e.SignedAt
		}
		if e.CertCode != nil {
			p.CertificateCode = *e.CertCode
		}
		people = append(people, p)
	}
	ids := make([]uint, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	reach, err := st.ReachOf(ctx, camp.ID, ids)
	if err != nil {
		return nil, err
	}
	for i := range people {
		if !people[i].Signed() {
			people[i].Reach = reachText(reach[ids[i]])
		}
	}
	return people, nil
}

// EachPerson streams the people section of a unit's report (the order and
// rule of BuildDepartment) batch by batch, for reports over whole rosters.
func EachPerson(ctx context.Context, st *store.Store, sc org.Scope, dept store.Department, camp store.Campaign, fn func([]Person) error) error {
	state, err := StateOf(ctx, st, camp)
	if err != nil {
		return err
	}
	f := store.RosterFilter{DepartmentIDs: sc.Narrow(dept.ID).IDs(), CampaignID: camp.ID, Closed: state.Frozen}
	return st.RosterEach(ctx, f, func(entries []store.RosterEntry) error {
		people, err := peopleOf(ctx, st, camp, entries)
		if err != nil {
			return err
		}
		return fn(people)
	})
}

// reachText is a pending person's reach in the reports' words.
func reachText(r store.PersonReach) string {
	var parts []string
	if r.InvitedAt != nil {
		parts = append(parts, i18n.T(pdfLang, "report_reach_invited", r.InvitedVia, formatMachineWIB(*r.InvitedAt)))
	} else {
		parts = append(parts, i18n.T(pdfLang, "report_reach_not_invited"))
	}
	if r.OpenedAt != nil {
		parts = append(parts, i18n.T(pdfLang, "report_reach_opened", formatMachineWIB(*r.OpenedAt)))
	}
	if r.Reminders > 0 {
		parts = append(parts, i18n.T(pdfLang, "report_reach_reminded", r.Reminders, formatMachineWIB(*r.RemindedAt)))
	}
	if r.Refused != "" {
		parts = append(parts, i18n.T(pdfLang, "report_reach_refused", r.Refused))
	}
	return strings.Join(parts, "; ")
}

// linkOf is one person's line of a links sheet.
func linkOf(l store.RosterLink, baseURL string) Link {
	return Link{NIP: l.NIP, Name: l.Name, Position: l.Position, Department: l.Department, URL: baseURL + "/sign/" + l.Token, AccessCode: l.AccessCode}
}

// BuildLinks assembles the signing links of the active roster in scope.
func BuildLinks(ctx context.Context, st *store.Store, sc org.Scope, baseURL string, camp store.Campaign, now time.Time) (LinksSheet, error) {
	names := map[uint]string{}
	for _, d := range sc.All {
		names[d.ID] = d.Name
	}
	s := LinksSheet{Instansi: camp.Instansi, CampaignTitle: camp.Title, SignURL: baseURL + "/sign", GeneratedAt: now}
	err := st.ActiveASN(ctx, sc.IDs(), func(batch []store.ASN) error {
		for _, a := range batch {
			s.Links = append(s.Links, linkOf(store.RosterLink{NIP: a.NIP, Name: a.Name, Position: a.Position, Department: names[a.DepartmentID],
				Token: a.Token, AccessCode: a.AccessCode}, baseURL))
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
