package web

import (
	"context"
	"fmt"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
)

// unitReach is what a unit page shows about reaching its people: each
// listed person's stage in words, the unit's funnel, and the stage filter.
type unitReach struct {
	Person  map[uint]string // ASN id → "diundang (email, 17 Desember 2024 09.12 WIB) · dibuka · diingatkan 2×"
	Funnel  funnel
	Stages  []stageOption
	Refused map[uint]string // ASN id → the refused address
	Flash   string
}

type stageOption struct{ Value, Label string }

// funnel is "diundang 80 %, dibuka 60 %, sudah 45 %" of some people.
type funnel struct {
	Roster                                 int
	Invited, Opened, Signed                int
	InvitedPct, OpenedPct, SignedPct       string
	InvitedLabel, OpenedLabel, SignedLabel string
}

func percentOf(n, of int) string {
	if of == 0 {
		return "—"
	}
	return fmt.Sprintf("%d %%", (200*n+of)/(2*of)) // half up
}

func (s *Server) funnelOf(ctx context.Context, campaignID uint, deptIDs []uint, signed int, lang string) (funnel, error) {
	rc, err := s.Store.ReachCountsOf(ctx, campaignID, deptIDs)
	if err != nil {
		return funnel{}, err
	}
	t := i18n.Table(lang)
	return funnel{Roster: rc.Roster, Invited: rc.Invited, Opened: rc.Opened, Signed: signed,
		InvitedPct: percentOf(rc.Invited, rc.Roster), OpenedPct: percentOf(rc.Opened, rc.Roster), SignedPct: percentOf(signed, rc.Roster),
		InvitedLabel: t["reach_invited"], OpenedLabel: t["reach_opened"], SignedLabel: t["reach_signed"]}, nil
}

// reachOfUnit describes the listed people's reach and the unit's funnel.
func (s *Server) reachOfUnit(ctx context.Context, camp store.Campaign, deptIDs []uint, entries []store.RosterEntry, signedTotal int, lang string) (unitReach, error) {
	t := i18n.Table(lang)
	ids := make([]uint, 0, len(entries))
	signed := map[uint]bool{}
	for _, e := range entries {
		ids = append(ids, e.ID)
		signed[e.ID] = e.SignatureID != nil
	}
	per, err := s.Store.ReachOf(ctx, camp.ID, ids)
	if err != nil {
		return unitReach{}, err
	}
	u := unitReach{Person: map[uint]string{}, Refused: map[uint]string{}}
	for _, id := range ids {
		r := per[id]
		if r.Refused != "" {
			u.Refused[id] = r.Refused
		}
		if signed[id] {
			continue
		}
		var parts []string
		if r.InvitedAt != nil {
			parts = append(parts, fmt.Sprintf("%s (%s, %s)", t["reach_invited"], r.InvitedVia, FormatWIB(*r.InvitedAt, lang)))
		} else {
			parts = append(parts, t["reach_uninvited"])
		}
		if r.OpenedAt != nil {
			parts = append(parts, t["reach_opened"]+" "+FormatWIB(*r.OpenedAt, lang))
		}
		if r.Reminders > 0 {
			parts = append(parts, fmt.Sprintf("%s %d× (%s %s)", t["reach_reminded"], r.Reminders, t["reach_last"], FormatWIB(*r.RemindedAt, lang)))
		}
		if r.QueuedCount > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", r.QueuedCount, t["reach_queued"]))
		}
		u.Person[id] = strings.Join(parts, " · ")
	}
	for _, st := range store.ReachStages {
		u.Stages = append(u.Stages, stageOption{Value: st, Label: t["reach_stage_"+st]})
	}
	u.Funnel, err = s.funnelOf(ctx, camp.ID, deptIDs, signedTotal, lang)
	return u, err
}
