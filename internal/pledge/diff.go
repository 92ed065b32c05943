package pledge

import "strings"

// Change is one piece of a word diff: kept, removed from the old text or
// added in the new one.
type Change struct {
	Text string
	Op   int // 0 kept, -1 removed, +1 added
}

// DiffWords compares two texts word by word (longest common subsequence),
// so a person who signed an earlier version sees exactly which words of a
// point changed. Points are short (at most a thousand characters), so the
// quadratic table is small.
func DiffWords(old, cur string) []Change {
	a, b := strings.Fields(old), strings.Fields(cur)
	// lcs[i][j] is the common length of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []Change
	add := func(text string, op int) {
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += " " + text
			return
		}
		out = append(out, Change{Text: text, Op: op})
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			add(a[i], 0)
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			add(b[j], 1)
			j++
		default:
			add(a[i], -1)
			i++
		}
	}
	return out
}

// PointChange pairs a point of an earlier version with the same point of
// the current one; either side is empty when a point was added or removed.
type PointChange struct {
	Old, New string
	Changed  bool
	Diff     []Change
}

// ComparePoints lines up the points of two versions side by side.
func ComparePoints(old, cur []string) []PointChange {
	out := make([]PointChange, max(len(old), len(cur)))
	for i := range out {
		var o, n string
		if i < len(old) {
			o = old[i]
		}
		if i < len(cur) {
			n = cur[i]
		}
		out[i] = PointChange{Old: o, New: n, Changed: o != n}
		if out[i].Changed {
			out[i].Diff = DiffWords(o, n)
		}
	}
	return out
}
