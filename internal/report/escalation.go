package report

import (
	"sort"
	"time"
)

// Behind is one unit on the escalation list.
type Behind struct {
	Completion
	// Expected is the share (0–100) the unit should have reached by now
	// if its people signed at an even pace between the start of the
	// campaign and its deadline; Gap is Expected minus the unit's own
	// percentage, in points: how far behind the deadline it is.
	Expected, Gap float64
}

// Escalation lists the units with people still to sign, those furthest
// behind an even pace towards the deadline first (then the most people
// pending), so an admin sees where to call. Without a deadline the pace is
// unknown and the list is by completion, lowest first. Units whose
// sub-units are listed too are included: a Dinas and its Bidang both count.
func Escalation(rows []Completion, start time.Time, deadline *time.Time, now time.Time, limit int) []Behind {
	expected := 0.0
	if deadline != nil && deadline.After(start) {
		switch {
		case !now.After(start):
		case now.After(*deadline):
			expected = 100
		default:
			expected = 100 * now.Sub(start).Seconds() / deadline.Sub(start).Seconds()
		}
	}
	var out []Behind
	for _, r := range rows {
		if r.Empty() || r.Pending() == 0 {
			continue
		}
		out = append(out, Behind{Completion: r, Expected: expected, Gap: expected - r.Percent()})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Gap != out[j].Gap {
			return out[i].Gap > out[j].Gap
		}
		return out[i].Pending() > out[j].Pending()
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// GapText is the gap in whole points, for pages.
func (b Behind) GapText() int {
	if b.Gap <= 0 {
		return 0
	}
	return int(b.Gap + 0.5)
}
