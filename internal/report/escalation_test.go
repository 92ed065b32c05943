package report

import (
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/store"
)

func TestEscalation(t *testing.T) {
	start := time.Date(2024, 12, 10, 0, 0, 0, 0, time.UTC)
	deadline := start.Add(10 * 24 * time.Hour)
	now := start.Add(6 * 24 * time.Hour) // 60 % of the way
	unit := func(code string, roster, signed int) Completion {
		return Completion{Department: store.Department{Code: code, Name: code}, Roster: roster, Signed: signed}
	}
	rows := []Completion{
		unit("done", 10, 10), // complete: not listed
		unit("empty", 0, 0),  // nobody to sign: not listed
		unit("ahead", 10, 8), // 80 %: 20 points ahead
		unit("small", 4, 1),  // 25 %: 35 behind, 3 pending
		unit("big", 100, 25), // 25 %: 35 behind, 75 pending
		unit("worst", 20, 2), // 10 %: 50 behind
	}
	got := Escalation(rows, start, &deadline, now, 0)
	var order []string
	for _, b := range got {
		order = append(order, b.Department.Code)
	}
	want := []string{"worst", "big", "small", "ahead"}
	if len(order) != len(want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
	if g := got[0].GapText(); g != 50 {
		t.Errorf("worst gap %d, want 50", g)
	}
	if g := got[3].GapText(); g != 0 {
		t.Errorf("ahead gap %d, want 0", g)
	}
	// Without a deadline: lowest completion first.
	if got := Escalation(rows, start, nil, now, 2); len(got) != 2 || got[0].Department.Code != "worst" || got[0].Expected != 0 {
		t.Errorf("no deadline: %+v", got)
	}
}
