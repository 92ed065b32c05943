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
func Import(ctx context.Context, st *store.Store, actor, filename string, r io.Reader, o ImportOptions) (store.ImportResult, error) {
	l := o.Limits
	if l == (Limits{}) {
		l = CLILimits
	}
	rows, err := ParseWithin(r, filename, l)
	if err != nil {
		return store.ImportResult{}, err
	}
	return importRows(ctx, st, actor, filename, rows, o)
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
	p := newParser(defaultConfig(), false)
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
	rows, err := ValidateRecords(recs)
	if err != nil {
		return store.ImportResult{}, err
	}
	return importRows(ctx, st, actor, source, rows, o)
}

// importRows is the part of an import after parsing, shared by files and
// records.
func importRows(ctx context.Context, st *store.Store, actor, filename string, rows []Row, o ImportOptions) (store.ImportResult, error) {
	similar, err := resolveUnits(ctx, st, rows, o)
	if err != nil {
		return store.ImportResult{}, err
	}
	if len(similar) > 0 && !o.DryRun {
		e := &Errors{}
		for _, s := range similar {
			e.Problems = append(e.Problems, Problem{Line: s.Line, Column: ColDepartment,
				Msg: i18n.New("roster_unit_similar", s.Name, s.Existing)})
		}
		return store.ImportResult{Similar: similar}, e
	}
	in := make([]store.ImportRow, len(rows))
	for i, row := range rows {
		in[i] = store.ImportRow{Line: row.Line, NIP: row.NIP, Name: row.Name, Position: row.Position,
			Department: row.Department, Email: row.Email, Phone: row.Phone, Kind: row.Kind, Parent: row.Parent}
	}
	res, err := st.ImportRoster(ctx, actor, filename, in, store.ImportOptions{
		DryRun: o.DryRun, DeactivateMissing: o.DeactivateMissing, ConfirmDeactivate: o.ConfirmDeactivate,
		NewToken: secret.Token, NewAccessCode: secret.AccessCode,
	})
	var mass *store.MassDeactivationError
	if errors.As(err, &mass) {
		return store.ImportResult{}, err
	}
	if err != nil {
		return store.ImportResult{}, asProblems("import roster "+filename, err)
	}
	res.Similar = similar
	return res, nil
}

// resolveUnits applies o.UnitMap to rows (in place) and returns the new
// unit names that look like an existing unit and are neither mapped nor
// confirmed. A map entry naming a unit that does not exist is a problem.
func resolveUnits(ctx context.Context, st *store.Store, rows []Row, o ImportOptions) ([]store.SimilarUnit, error) {
	depts, err := st.Departments(ctx)
	if err != nil {
		return nil, err
	}
	exists := make(map[string]string, 2*len(depts)) // lower name or code → name
	names := make([]string, len(depts))
	for i, d := range depts {
		exists[strings.ToLower(d.Name)] = d.Name
		exists[strings.ToLower(d.Code)] = d.Name
		names[i] = d.Name
	}
	mapped := make(map[string]string, len(o.UnitMap))
	var problems []Problem
	for from, to := range o.UnitMap {
		target, ok := exists[strings.ToLower(strings.TrimSpace(to))]
		if !ok {
			problems = append(problems, Problem{Column: ColDepartment, Msg: i18n.New("roster_map_unknown", from, to, to)})
			continue
		}
		mapped[strings.ToLower(strings.TrimSpace(from))] = target
	}
	if len(problems) > 0 {
		return nil, &Errors{Problems: problems}
	}
	var similar []store.SimilarUnit
	index := map[string]int{}    // lower new name → index in similar
	checked := map[string]bool{} // new names already compared, once each
	for i := range rows {
		key := strings.ToLower(rows[i].Department)
		if to, ok := mapped[key]; ok {
			rows[i].Department = to
			continue
		}
		if _, ok := exists[key]; ok {
			continue
		}
		if checked[key] {
			if j, ok := index[key]; ok {
				similar[j].Rows++
			}
			continue
		}
		checked[key] = true
		if o.ConfirmNewUnits {
			continue
		}
		if e := similarUnit(rows[i].Department, names); e != "" {
			index[key] = len(similar)
			similar = append(similar, store.SimilarUnit{Line: rows[i].Line, Name: rows[i].Department, Existing: e, Rows: 1})
		}
	}
	return similar, nil
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
