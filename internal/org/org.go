// Package org owns the organisation: the units (store.Department rows),
// the tree they form, and the rules read off that tree. Who may see which
// unit (Scope: an admin sees everything, a head or an API token the units
// it is bound to and everything below), a unit's subtree, the order the
// tree is shown in and the rule that a unit never moves under itself are
// written here once; web pages, reports, reach, the API and the CLI all
// ask this package. The rows themselves are read and written by store.
package org

import (
	"context"
	"sort"

	"github.com/ikrar/ikrar/internal/store"
)

// Scope is the set of units a staff user (or a CLI run, or an API token)
// may see: all of them for an admin, the bound units and their
// descendants for a head. Every page, report and export is built through
// a Scope, so the rule lives in one place.
type Scope struct {
	All        []store.Department
	Allowed    map[uint]bool
	Roots      []uint // top-level units of the scope
	Everything bool
}

// All sees every unit.
func All(ctx context.Context, st *store.Store) (Scope, error) {
	all, err := st.Departments(ctx)
	if err != nil {
		return Scope{}, err
	}
	return everything(all), nil
}

func everything(all []store.Department) Scope {
	sc := Scope{All: all, Allowed: map[uint]bool{}, Everything: true}
	for _, d := range all {
		sc.Allowed[d.ID] = true
		if d.ParentID == nil {
			sc.Roots = append(sc.Roots, d.ID)
		}
	}
	return sc
}

// For is the scope of a staff user: everything for an admin, the bound
// units and their descendants for anyone else.
func For(ctx context.Context, st *store.Store, u *store.User) (Scope, error) {
	if u.Role == store.RoleAdmin {
		return All(ctx, st)
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

// Units is the scope of anything bound to units other than a user (an API
// token): the units and their descendants, by the same rule as a head's.
// No ids means no units.
func Units(ctx context.Context, st *store.Store, ids []uint) (Scope, error) {
	all, err := st.Departments(ctx)
	if err != nil {
		return Scope{}, err
	}
	return narrow(all, ids...), nil
}

func narrow(all []store.Department, ids ...uint) Scope {
	sc := Scope{All: all, Allowed: map[uint]bool{}}
	for _, id := range Subtree(all, ids...) {
		sc.Allowed[id] = true
	}
	for _, d := range all {
		if sc.Allowed[d.ID] && (d.ParentID == nil || !sc.Allowed[*d.ParentID]) {
			sc.Roots = append(sc.Roots, d.ID)
		}
	}
	return sc
}

// Department finds a unit by code inside the scope.
func (sc Scope) Department(code string) (store.Department, bool) {
	for _, d := range sc.All {
		if d.Code == code && sc.Allowed[d.ID] {
			return d, true
		}
	}
	return store.Department{}, false
}

// Narrow is the sub-scope of one unit and its descendants.
func (sc Scope) Narrow(deptID uint) Scope { return narrow(sc.All, deptID) }

// Below is a unit and its descendants as rows, in the order of sc.All.
func (sc Scope) Below(deptID uint) []store.Department {
	in := map[uint]bool{}
	for _, id := range Subtree(sc.All, deptID) {
		in[id] = true
	}
	var out []store.Department
	for _, d := range sc.All {
		if in[d.ID] {
			out = append(out, d)
		}
	}
	return out
}

// IDs lists the unit ids in scope; nil means "all" so queries can skip
// the filter.
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

// Subtree returns the ids of the given units and all their descendants.
func Subtree(all []store.Department, rootIDs ...uint) []uint {
	children := map[uint][]uint{}
	for _, d := range all {
		if d.ParentID != nil {
			children[*d.ParentID] = append(children[*d.ParentID], d.ID)
		}
	}
	seen := map[uint]bool{}
	var out []uint
	stack := append([]uint(nil), rootIDs...)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, id)
		stack = append(stack, children[id]...)
	}
	return out
}

// Movable reports whether unit id may be placed under parent (nil: at the
// top). A unit never moves under itself or one of its own sub-units: the
// tree would become a cycle. The store refuses such a move too, inside
// its transaction, for a move racing another admin's.
func Movable(all []store.Department, id uint, parent *uint) bool {
	if parent == nil {
		return true
	}
	for _, below := range Subtree(all, id) {
		if below == *parent {
			return false
		}
	}
	return true
}

// Placed is one unit in tree order: its depth below the scope's roots and
// the index of its parent in the same list (-1 for a root).
type Placed struct {
	Unit       store.Department
	Depth      int
	Parent     int
	ParentCode string
}

// Tree lists the scope's units in the order the tree is shown: parents
// before children, roots and siblings sorted by name.
func (sc Scope) Tree() []Placed {
	children := map[uint][]store.Department{}
	byID := map[uint]store.Department{}
	for _, d := range sc.All {
		byID[d.ID] = d
		if d.ParentID != nil && sc.Allowed[d.ID] {
			children[*d.ParentID] = append(children[*d.ParentID], d)
		}
	}
	var out []Placed
	var walk func(d store.Department, depth, parent int)
	walk = func(d store.Department, depth, parent int) {
		p := Placed{Unit: d, Depth: depth, Parent: parent}
		if d.ParentID != nil {
			p.ParentCode = byID[*d.ParentID].Code
		}
		idx := len(out)
		out = append(out, p)
		kids := children[d.ID]
		sort.Slice(kids, func(i, j int) bool { return kids[i].Name < kids[j].Name })
		for _, k := range kids {
			walk(k, depth+1, idx)
		}
	}
	roots := make([]store.Department, 0, len(sc.Roots))
	for _, id := range sc.Roots {
		roots = append(roots, byID[id])
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i].Name < roots[j].Name })
	for _, r := range roots {
		walk(r, 0, -1)
	}
	return out
}
