package org

import (
	"reflect"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
)

// units is a small tree:
//
//	Dinas A (1)
//	  Bidang B (2)
//	    Seksi C (3)
//	Badan D (4)
func units() []store.Department {
	one, two := uint(1), uint(2)
	return []store.Department{
		{ID: 4, Code: "d", Name: "Badan D"},
		{ID: 3, Code: "c", Name: "Seksi C", ParentID: &two},
		{ID: 2, Code: "b", Name: "Bidang B", ParentID: &one},
		{ID: 1, Code: "a", Name: "Dinas A"},
	}
}

func TestScope(t *testing.T) {
	all := units()
	tests := []struct {
		name    string
		sc      Scope
		allowed []uint
		roots   []uint
		ids     []uint
	}{
		{"admin sees everything", everything(all), []uint{1, 2, 3, 4}, []uint{4, 1}, nil},
		{"head of B sees B and C", narrow(all, 2), []uint{2, 3}, []uint{2}, []uint{2, 3}},
		{"two bindings, one inside the other", narrow(all, 1, 3), []uint{1, 2, 3}, []uint{1}, []uint{1, 2, 3}},
		{"no binding sees nothing", narrow(all), nil, nil, []uint{}},
		{"narrowing a scope", everything(all).Narrow(3), []uint{3}, []uint{3}, []uint{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, d := range all {
				want := false
				for _, id := range tt.allowed {
					want = want || id == d.ID
				}
				if tt.sc.Allowed[d.ID] != want {
					t.Errorf("unit %s allowed = %v, want %v", d.Code, tt.sc.Allowed[d.ID], want)
				}
				if _, ok := tt.sc.Department(d.Code); ok != want {
					t.Errorf("Department(%q) found = %v, want %v", d.Code, ok, want)
				}
			}
			if !reflect.DeepEqual(tt.sc.Roots, tt.roots) {
				t.Errorf("roots = %v, want %v", tt.sc.Roots, tt.roots)
			}
			if got := tt.sc.IDs(); !reflect.DeepEqual(got, tt.ids) {
				t.Errorf("IDs() = %#v, want %#v", got, tt.ids)
			}
		})
	}
}

func TestMovable(t *testing.T) {
	all := units()
	id := func(n uint) *uint { return &n }
	tests := []struct {
		name   string
		unit   uint
		parent *uint
		want   bool
	}{
		{"to the top", 2, nil, true},
		{"under a sibling tree", 1, id(4), true},
		{"under a unit of another branch", 3, id(4), true},
		{"under itself", 2, id(2), false},
		{"under its child", 1, id(2), false},
		{"under its grandchild", 1, id(3), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Movable(all, tt.unit, tt.parent); got != tt.want {
				t.Errorf("Movable(%d, %v) = %v, want %v", tt.unit, tt.parent, got, tt.want)
			}
		})
	}
}

func TestTree(t *testing.T) {
	type row struct {
		Code       string
		Depth      int
		Parent     int
		ParentCode string
	}
	flat := func(ps []Placed) []row {
		var out []row
		for _, p := range ps {
			out = append(out, row{p.Unit.Code, p.Depth, p.Parent, p.ParentCode})
		}
		return out
	}
	all := units()
	tests := []struct {
		name string
		sc   Scope
		want []row
	}{
		{"roots and siblings by name, parents first", everything(all), []row{{"d", 0, -1, ""}, {"a", 0, -1, ""}, {"b", 1, 1, "a"}, {"c", 2, 2, "b"}}},
		{"a head's root keeps its parent's code", narrow(all, 2), []row{{"b", 0, -1, "a"}, {"c", 1, 0, "b"}}},
		{"empty", narrow(all), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := flat(tt.sc.Tree()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tree() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBelow(t *testing.T) {
	var codes []string
	for _, d := range everything(units()).Below(2) {
		codes = append(codes, d.Code)
	}
	if want := []string{"c", "b"}; !reflect.DeepEqual(codes, want) {
		t.Errorf("Below(2) = %v, want %v", codes, want)
	}
}
