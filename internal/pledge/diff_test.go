package pledge

import (
	"reflect"
	"testing"
)

func TestDiffWords(t *testing.T) {
	tests := []struct {
		old, cur string
		want     []Change
	}{
		{"a b c", "a b c", []Change{{"a b c", 0}}},
		{"menjaga netralitas dalam Pemilu", "menjaga netralitas dalam Pemilu dan Pemilihan",
			[]Change{{"menjaga netralitas dalam Pemilu", 0}, {"dan Pemilihan", 1}}},
		{"tidak memihak kepada siapa pun", "tidak berpihak kepada siapa pun",
			[]Change{{"tidak", 0}, {"berpihak", 1}, {"memihak", -1}, {"kepada siapa pun", 0}}},
		{"", "baru", []Change{{"baru", 1}}},
		{"lama", "", []Change{{"lama", -1}}},
	}
	for _, tt := range tests {
		if got := DiffWords(tt.old, tt.cur); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DiffWords(%q, %q) = %v, want %v", tt.old, tt.cur, got, tt.want)
		}
	}
}

func TestComparePoints(t *testing.T) {
	got := ComparePoints([]string{"satu", "dua"}, []string{"satu", "dua diubah", "tiga"})
	if len(got) != 3 || got[0].Changed || !got[1].Changed || !got[2].Changed || got[2].Old != "" || got[2].New != "tiga" {
		t.Fatalf("ComparePoints = %+v", got)
	}
}
