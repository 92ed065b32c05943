package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ikrar/ikrar/internal/audit"
	"github.com/ikrar/ikrar/internal/i18n"
	"gorm.io/gorm"
)

// LineProblem is something wrong with one line of an imported file that
// only the database can tell (an unknown parent unit, a cycle). The import
// packages turn these into their own line-numbered errors.
type LineProblem struct {
	Line   int
	Column string
	Msg    *i18n.Error
}

// LineProblems is returned, with nothing written, when an import has
// problems that depend on what is in the database.
type LineProblems []LineProblem

func (p LineProblems) Error() string {
	parts := make([]string, len(p))
	for i, q := range p {
		parts[i] = i18n.Both("roster_at_line_column", q.Line, q.Column, q.Msg)
	}
	return strings.Join(parts, "\n")
}

// unitIndex finds departments by code or by name (case-insensitive) inside
// an import transaction, including the ones the import creates.
type unitIndex struct {
	byCode map[string]*Department
	byName map[string]*Department
	byID   map[uint]*Department
}

func loadUnitIndex(tx *gorm.DB) (*unitIndex, error) {
	var depts []Department
	if err := tx.Find(&depts).Error; err != nil {
		return nil, fmt.Errorf("read departments: %w", err)
	}
	ix := &unitIndex{byCode: map[string]*Department{}, byName: map[string]*Department{}, byID: map[uint]*Department{}}
	for i := range depts {
		ix.add(&depts[i])
	}
	return ix, nil
}

func (ix *unitIndex) add(d *Department) {
	ix.byCode[strings.ToLower(d.Code)] = d
	ix.byName[strings.ToLower(d.Name)] = d
	ix.byID[d.ID] = d
}

// find resolves a reference to a unit: its code first, then its name, then
// the code a units file would make of it ("1.02" → "1-02").
func (ix *unitIndex) find(ref string) *Department {
	key := strings.ToLower(strings.TrimSpace(ref))
	if d, ok := ix.byCode[key]; ok {
		return d
	}
	if d, ok := ix.byName[key]; ok {
		return d
	}
	return ix.byCode[DepartmentCode(ref)]
}

// parentLink says, from one line of a file, that a unit sits under another.
type parentLink struct {
	Line   int
	Column string
	Child  *Department
	Parent string // code or name
}

// applyParents resolves every link, refuses unknown parents, a unit given
// two different parents and cycles (each with its line), and then moves the
// units. It returns the units that changed parent.
func applyParents(tx *gorm.DB, ix *unitIndex, links []parentLink) (map[uint]bool, error) {
	var problems LineProblems
	want := map[uint]uint{}    // child → parent after the import
	wantLine := map[uint]int{} // child → line that set it
	for _, l := range links {
		p := ix.find(l.Parent)
		switch {
		case p == nil:
			problems = append(problems, LineProblem{l.Line, l.Column,
				i18n.New("units_parent_unknown", l.Parent)})
			continue
		case p.ID == l.Child.ID:
			problems = append(problems, LineProblem{l.Line, l.Column,
				i18n.New("units_own_parent", l.Child.Name)})
			continue
		}
		if prev, ok := want[l.Child.ID]; ok && prev != p.ID {
			problems = append(problems, LineProblem{l.Line, l.Column,
				i18n.New("units_two_parents", l.Child.Name, wantLine[l.Child.ID], ix.byID[prev].Name)})
			continue
		}
		want[l.Child.ID] = p.ID
		if _, ok := wantLine[l.Child.ID]; !ok {
			wantLine[l.Child.ID] = l.Line
		}
	}
	parentOf := func(id uint) (uint, bool) {
		if p, ok := want[id]; ok {
			return p, true
		}
		if d := ix.byID[id]; d != nil && d.ParentID != nil {
			return *d.ParentID, true
		}
		return 0, false
	}
	// A cycle is reported once, on the first line of a unit in it, naming
	// the units around it.
	reported := map[uint]bool{}
	for _, l := range links {
		id := l.Child.ID
		if _, ok := want[id]; !ok || reported[id] {
			continue
		}
		path := []uint{id}
		for cur, steps := id, 0; steps <= len(ix.byID); steps++ {
			p, ok := parentOf(cur)
			if !ok {
				break
			}
			if p == id {
				names := make([]string, 0, len(path)+1)
				for _, n := range path {
					reported[n] = true
					names = append(names, ix.byID[n].Name)
				}
				chain := strings.Join(append(names, ix.byID[id].Name), " → ")
				problems = append(problems, LineProblem{l.Line, l.Column,
					i18n.New("units_cycle", chain)})
				break
			}
			path = append(path, p)
			cur = p
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	moved := map[uint]bool{}
	for child, parent := range want {
		d := ix.byID[child]
		if d.ParentID != nil && *d.ParentID == parent {
			continue
		}
		p := parent
		if err := tx.Model(&Department{}).Where("id = ?", child).Update("parent_id", p).Error; err != nil {
			return nil, fmt.Errorf("move unit %s: %w", d.Code, err)
		}
		d.ParentID = &p
		moved[child] = true
	}
	return moved, nil
}

// UnitRow is one line of a units file.
type UnitRow struct {
	Line               int
	Code, Name, Parent string // Code and Parent may be empty
}

// UnitsResult summarises a units import or its preview.
type UnitsResult struct {
	Added, Renamed, Moved, Unchanged int
	NewUnits                         []string
}

// errUnitsDryRun rolls a preview back.
var errUnitsDryRun = errors.New("dry run")

// ImportUnits creates, renames and moves units from a units file in one
// transaction: it all lands or none of it does. A line matches an existing
// unit by code (when given) or else by name; parents are found by code or
// name among the units in the file and in the database. Unknown parents,
// a unit given two parents, cycles and duplicate codes or names are
// refused with their line (LineProblems).
func (s *Store) ImportUnits(ctx context.Context, actor, source string, rows []UnitRow, dryRun bool) (UnitsResult, error) {
	var res UnitsResult
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		ix, err := loadUnitIndex(tx)
		if err != nil {
			return err
		}
		var problems LineProblems
		seenCode, seenName := map[string]int{}, map[string]int{}
		for _, r := range rows {
			if r.Code != "" {
				if prev, ok := seenCode[strings.ToLower(r.Code)]; ok {
					problems = append(problems, LineProblem{r.Line, "kode",
						i18n.New("units_code_twice", r.Code, prev)})
				}
				seenCode[strings.ToLower(r.Code)] = r.Line
			}
			if prev, ok := seenName[strings.ToLower(r.Name)]; ok {
				problems = append(problems, LineProblem{r.Line, "nama",
					i18n.New("units_name_twice", r.Name, prev)})
			}
			seenName[strings.ToLower(r.Name)] = r.Line
		}
		if len(problems) > 0 {
			return problems
		}
		taken := map[string]bool{}
		for c := range ix.byCode {
			taken[c] = true
		}
		units := make([]*Department, len(rows))
		added, renamed := map[uint]bool{}, map[uint]bool{}
		for i, r := range rows {
			var d *Department
			if r.Code != "" {
				d = ix.byCode[strings.ToLower(r.Code)]
			} else {
				d = ix.byName[strings.ToLower(r.Name)]
			}
			if d == nil {
				if other := ix.byName[strings.ToLower(r.Name)]; other != nil {
					problems = append(problems, LineProblem{r.Line, "nama",
						i18n.New("units_name_taken", r.Name, other.Code)})
					continue
				}
				code := r.Code
				if code == "" {
					code = uniqueCode(DepartmentCode(r.Name), taken)
				}
				nd := &Department{Code: code, Name: r.Name}
				if err := tx.Create(nd).Error; err != nil {
					return fmt.Errorf("import units line %d: create %q: %w", r.Line, r.Name, err)
				}
				taken[strings.ToLower(code)] = true
				ix.add(nd)
				units[i] = nd
				res.Added++
				added[nd.ID] = true
				res.NewUnits = append(res.NewUnits, nd.Name)
				continue
			}
			units[i] = d
			if d.Name != r.Name {
				if other := ix.byName[strings.ToLower(r.Name)]; other != nil && other.ID != d.ID {
					problems = append(problems, LineProblem{r.Line, "nama",
						i18n.New("units_name_taken", r.Name, other.Code)})
					continue
				}
				if err := tx.Model(&Department{}).Where("id = ?", d.ID).Update("name", r.Name).Error; err != nil {
					return fmt.Errorf("import units line %d: rename %s: %w", r.Line, d.Code, err)
				}
				delete(ix.byName, strings.ToLower(d.Name))
				d.Name = r.Name
				ix.byName[strings.ToLower(d.Name)] = d
				res.Renamed++
				renamed[d.ID] = true
			}
		}
		if len(problems) > 0 {
			return problems
		}
		var links []parentLink
		for i, r := range rows {
			if r.Parent != "" {
				links = append(links, parentLink{Line: r.Line, Column: "induk", Child: units[i], Parent: r.Parent})
			}
		}
		moved, err := applyParents(tx, ix, links)
		if err != nil {
			return err
		}
		res.Moved = len(moved)
		for i := range rows {
			if !moved[units[i].ID] && !added[units[i].ID] && !renamed[units[i].ID] {
				res.Unchanged++
			}
		}
		if dryRun {
			return errUnitsDryRun
		}
		_, err = appendEvent(tx, s.now(), actor, "units.imported", "units:"+source, audit.Detail(map[string]string{
			"rows": strconv.Itoa(len(rows)), "added": strconv.Itoa(res.Added), "renamed": strconv.Itoa(res.Renamed),
			"moved": strconv.Itoa(res.Moved),
		}))
		return err
	})
	if errors.Is(err, errUnitsDryRun) {
		err = nil
	}
	return res, err
}
