package roster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/store"
)

// ImportOptions control Import.
type ImportOptions struct {
	DryRun            bool // preview: parse and compute the outcome, write nothing
	DeactivateMissing bool // ASN absent from the file are deactivated (never deleted)
	// UnitMap sends the people of a new unit name in the file to an
	// existing unit: file name (any case) → existing unit name or code.
	UnitMap map[string]string
	// ConfirmNewUnits creates new units even when they look like existing
	// ones; without it (or a UnitMap entry) such a file is refused.
	ConfirmNewUnits bool
	// ConfirmDeactivate is the number the admin typed to confirm a mass
	// deactivation (see store.MassDeactivationPercent).
	ConfirmDeactivate int
	// Limits bound the file; zero means CLILimits. The admin page passes
	// UploadLimits.
	Limits Limits
}

// Import parses a roster file and upserts it by NIP in one transaction.
// Any bad row means nothing is written; the error is *Errors listing every
// problem with its line and column. The CLI and the admin page both call
// this, so the rules cannot drift apart.
//
// The file is read once: each valid row is staged in the database as it
// is read (store.RosterStage), so memory does not grow with the file, and
// the staged roster is applied in one transaction only if the whole file
// was valid.
func Import(ctx context.Context, st *store.Store, actor, filename string, r io.Reader, o ImportOptions) (store.ImportResult, error) {
	l := o.Limits
	if l == (Limits{}) {
		l = CLILimits
	}
	return importFrom(ctx, st, actor, filename, o, func(sink func(Row) error) error {
		return parseInto(r, filename, l, sink)
	})
}

// Record is one roster entry given as values instead of a file's cells:
// what the JSON API receives.
type Record struct {
	NIP, Name, Position, Department, Email, Phone, Kind, Parent string
}

// ValidateRecords applies exactly the rules of a roster file to records.
// A Problem's Line is the record's index plus one (0 still means the whole
// batch), so callers can report errors by index.
func ValidateRecords(recs []Record) ([]Row, error) {
	return validateRecords(recs, defaultConfig())
}

func validateRecords(recs []Record, c config) ([]Row, error) {
	p := newParser(c, false)
	p.record(0, fieldNames[:])
	cells := make([]string, numFields)
	for i, r := range recs {
		cells[fNIP], cells[fName], cells[fPosition], cells[fDepartment] = r.NIP, r.Name, r.Position, r.Department
		cells[fEmail], cells[fPhone], cells[fKind], cells[fParent] = r.Email, r.Phone, r.Kind, r.Parent
		if !p.record(i+1, cells) {
			break
		}
	}
	return p.finish()
}

// ImportRecords validates records like a file and upserts them the way
// Import does: one transaction, all or nothing, new units that look like
// existing ones refused the same way.
func ImportRecords(ctx context.Context, st *store.Store, actor, source string, recs []Record, o ImportOptions) (store.ImportResult, error) {
	return importFrom(ctx, st, actor, source, o, func(sink func(Row) error) error {
		c := defaultConfig()
		c.sink = sink
		_, err := validateRecords(recs, c)
		return err
	})
}

// importFrom is an import after the choice of input, shared by files and
// records: feed validates the input, giving each valid row to its sink.
func importFrom(ctx context.Context, st *store.Store, actor, source string, o ImportOptions, feed func(sink func(Row) error) error) (store.ImportResult, error) {
	units, err := newUnitResolver(ctx, st, o)
	if err != nil {
		return store.ImportResult{}, err
	}
	stage, err := st.StageRoster(ctx, store.ImportOptions{NewToken: secret.Token, NewAccessCode: secret.AccessCode})
	if err != nil {
		return store.ImportResult{}, err
	}
	defer stage.Close()
	if err := feed(func(row Row) error {
		units.resolve(&row)
		return stage.Add(ctx, store.ImportRow{Line: row.Line, NIP: row.NIP, Name: row.Name, Position: row.Position,
			Department: row.Department, Email: row.Email, Phone: row.Phone, Kind: row.Kind, Parent: row.Parent})
	}); err != nil {
		var perr *Errors
		if errors.As(err, &perr) {
			return store.ImportResult{}, err
		}
		return store.ImportResult{}, fmt.Errorf("import roster %s: %w", source, err)
	}
	if len(units.problems) > 0 {
		return store.ImportResult{}, &Errors{Problems: units.problems}
	}
	similar := units.similar
	if len(similar) > 0 && !o.DryRun {
		e := &Errors{}
		for _, s := range similar {
			e.Problems = append(e.Problems, Problem{Line: s.Line, Column: ColDepartment,
				Msg: i18n.New("roster_unit_similar", s.Name, s.Existing)})
		}
		return store.ImportResult{Similar: similar}, e
	}
	res, err := stage.Apply(ctx, actor, source, store.ImportOptions{
		DryRun: o.DryRun, DeactivateMissing: o.DeactivateMissing, ConfirmDeactivate: o.ConfirmDeactivate,
	})
	var mass *store.MassDeactivationError
	if errors.As(err, &mass) {
		return store.ImportResult{}, err
	}
	if err != nil {
		return store.ImportResult{}, asProblems("import roster "+source, err)
	}
	res.Similar = similar
	return res, nil
}

// unitResolver applies o.UnitMap to rows as they are read and collects the
// new unit names that look like an existing unit and are neither mapped
// nor confirmed. It holds one entry per distinct unit name, not per row.
type unitResolver struct {
	exists   map[string]string // lower name or code → name
	names    []string
	mapped   map[string]string
	confirm  bool
	problems []Problem // map entries naming a unit that does not exist
	similar  []store.SimilarUnit
	index    map[string]int  // lower new name → index in similar
	checked  map[string]bool // new names already compared, once each
}

func newUnitResolver(ctx context.Context, st *store.Store, o ImportOptions) (*unitResolver, error) {
	depts, err := st.Departments(ctx)
	if err != nil {
		return nil, err
	}
	u := &unitResolver{exists: make(map[string]string, 2*len(depts)), names: make([]string, len(depts)),
		mapped: make(map[string]string, len(o.UnitMap)), confirm: o.ConfirmNewUnits, index: map[string]int{}, checked: map[string]bool{}}
	for i, d := range depts {
		u.exists[strings.ToLower(d.Name)] = d.Name
		u.exists[strings.ToLower(d.Code)] = d.Name
		u.names[i] = d.Name
	}
	for from, to := range o.UnitMap {
		target, ok := u.exists[strings.ToLower(strings.TrimSpace(to))]
		if !ok {
			u.problems = append(u.problems, Problem{Column: ColDepartment, Msg: i18n.New("roster_map_unknown", from, to, to)})
			continue
		}
		u.mapped[strings.ToLower(strings.TrimSpace(from))] = target
	}
	return u, nil
}

// resolve sends a row of a mapped unit to its target and notes a new unit
// name that resembles an existing one.
func (u *unitResolver) resolve(r *Row) {
	key := strings.ToLower(r.Department)
	if to, ok := u.mapped[key]; ok {
		r.Department = to
		return
	}
	if _, ok := u.exists[key]; ok {
		return
	}
	if u.checked[key] {
		if j, ok := u.index[key]; ok {
			u.similar[j].Rows++
		}
		return
	}
	u.checked[key] = true
	if u.confirm {
		return
	}
	if e := similarUnit(r.Department, u.names); e != "" {
		u.index[key] = len(u.similar)
		u.similar = append(u.similar, store.SimilarUnit{Line: r.Line, Name: r.Department, Existing: e, Rows: 1})
	}
}

// asProblems turns the store's line problems (unknown parent unit, cycle)
// into the same *Errors a bad file gives, so the CLI and the preview show
// them the same way.
func asProblems(what string, err error) error {
	var lp store.LineProblems
	if errors.As(err, &lp) {
		e := &Errors{}
		for _, p := range lp {
			e.Problems = append(e.Problems, Problem{Line: p.Line, Column: p.Column, Msg: p.Msg})
		}
		slices.SortStableFunc(e.Problems, func(a, b Problem) int { return a.Line - b.Line })
		return e
	}
	return fmt.Errorf("%s: %w", what, err)
}
