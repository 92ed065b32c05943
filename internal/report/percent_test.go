package report

import (
	"math"
	"testing"
)

// TestPercentRounding pins the one rounding rule every view prints: one
// decimal, half up, never 100 % while anyone is missing, never 0 % once
// anyone has signed, "—" for a unit with nobody to sign.
func TestPercentRounding(t *testing.T) {
	tests := []struct {
		signed, roster int
		id, csv        string
		fraction       float64
	}{
		{3, 7, "42,9%", "42,9", 3.0 / 7},
		{2, 3, "66,7%", "66,7", 2.0 / 3},
		{1, 3, "33,3%", "33,3", 1.0 / 3},
		{1, 8, "12,5%", "12,5", 0.125},
		{57, 100, "57,0%", "57,0", 0.57},
		{1, 2000, "0,1%", "0,1", 0.001},      // 0.05 % rounds half up to 0,1
		{1, 2001, "0,1%", "0,1", 0.001},      // 0.0499 % would round to 0,0 but someone signed
		{1999, 2000, "99,9%", "99,9", 0.999}, // 99.95 % would round to 100,0 but someone is missing
		{0, 5, "0,0%", "0,0", 0},
		{5, 5, "100,0%", "100,0", 1},
		{0, 0, "—", "", 0},
	}
	for _, tt := range tests {
		d := DepartmentStat{Signed: tt.signed, Roster: tt.roster}
		if got := formatPercentID(d); got != tt.id {
			t.Errorf("%d/%d: page %q, want %q", tt.signed, tt.roster, got, tt.id)
		}
		// The CSV writes the page's figure (without the sign).
		if got := formatPercentCSV(d); got != tt.csv {
			t.Errorf("%d/%d: CSV %q, want %q", tt.signed, tt.roster, got, tt.csv)
		}
		if got := d.Fraction(); math.Abs(got-tt.fraction) > 1e-12 {
			t.Errorf("%d/%d: fraction %v, want %v", tt.signed, tt.roster, got, tt.fraction)
		}
		c := Completion{Roster: tt.roster, Signed: tt.signed}
		if got, want := c.PercentText("id")+"%", tt.id; tt.roster > 0 && got != want {
			t.Errorf("%d/%d: dashboard %q, want %q", tt.signed, tt.roster, got, want)
		}
	}
}
