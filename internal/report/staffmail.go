package report

import (
	"context"
	"errors"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
)

// StaffMail composes the messages to staff users at sending time, from
// the figures as they are then and by the one completion rule
// (CompletionOf), so a digest never counts differently from the dashboard.
// It is the reach.Sender's StaffComposer.
type StaffMail struct {
	Store   *store.Store
	BaseURL string
}

// ComposeStaff writes a digest or a "unit at 100 %" message, or says why
// it is no longer needed.
func (s StaffMail) ComposeStaff(ctx context.Context, m store.ClaimedMessage, now time.Time) (reach.Mail, string, error) {
	u, err := s.Store.UserByID(ctx, m.UserID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return reach.Mail{}, i18n.T(reach.NoteLang, "note_user_gone"), nil
	case err != nil:
		return reach.Mail{}, "", err
	case u.Disabled:
		return reach.Mail{}, i18n.T(reach.NoteLang, "note_user_disabled"), nil
	case u.Email == "":
		return reach.Mail{}, i18n.T(reach.NoteLang, "note_no_address"), nil
	}
	var subject, text, html, skip string
	switch m.Kind {
	case store.KindDigest:
		subject, text, html, skip, err = s.digest(ctx, u, now)
	case store.KindUnitComplete:
		subject, text, html, skip, err = s.unitDone(ctx, u, m)
	default:
		return reach.Mail{}, i18n.T(reach.NoteLang, "note_not_staff"), nil
	}
	if err != nil || skip != "" {
		return reach.Mail{}, skip, err
	}
	return reach.Mail{To: u.Email, Subject: subject, Text: text, HTML: html}, "", nil
}

// digest is a head's figures and pending names for every campaign open
// for signing now.
func (s StaffMail) digest(ctx context.Context, u store.User, now time.Time) (subject, text, html, skip string, err error) {
	if u.Role != store.RoleHead {
		return "", "", "", i18n.T(reach.NoteLang, "note_not_head"), nil
	}
	sc, err := org.For(ctx, s.Store, &u)
	if err != nil {
		return "", "", "", "", err
	}
	if len(sc.Roots) == 0 {
		return "", "", "", i18n.T(reach.NoteLang, "note_no_unit"), nil
	}
	open, err := s.Store.OpenCampaigns(ctx)
	if err != nil {
		return "", "", "", "", err
	}
	l := reach.DigestLetter{Name: u.Username, Day: now, Dashboard: s.BaseURL + "/dashboard"}
	for _, camp := range open {
		if camp.Status != store.CampaignOpen || pledge.PastDeadline(camp, now) {
			continue
		}
		rows, total, err := CompletionOf(ctx, s.Store, sc, camp.ID)
		if err != nil {
			return "", "", "", "", err
		}
		dc := reach.DigestCampaign{Title: camp.Title, Instansi: camp.Instansi, Deadline: camp.ClosesAt, Total: digestUnit(total)}
		if camp.ClosesAt != nil {
			dc.DaysLeft = wib.DaysLeft(now, *camp.ClosesAt)
		}
		for _, r := range rows {
			dc.Units = append(dc.Units, digestUnit(r))
		}
		pending, n, err := Roster(ctx, s.Store, camp, store.RosterFilter{DepartmentIDs: sc.IDs(), Status: "pending", Limit: reach.DigestNames})
		if err != nil {
			return "", "", "", "", err
		}
		for _, p := range pending {
			dc.Pending = append(dc.Pending, reach.DigestPerson{Name: p.Name, NIP: p.NIP, Unit: p.DepartmentName})
		}
		dc.MorePending = int(n) - len(pending)
		if l.Instansi == "" {
			l.Instansi = camp.Instansi
		}
		l.Campaigns = append(l.Campaigns, dc)
	}
	if len(l.Campaigns) == 0 {
		return "", "", "", i18n.T(reach.NoteLang, "note_no_campaign_open"), nil
	}
	subject, text, html, err = reach.ComposeDigest(l)
	return subject, text, html, "", err
}

func digestUnit(c Completion) reach.DigestUnit {
	return reach.DigestUnit{Name: c.Department.Name, Depth: c.Depth, Signed: c.Signed, Roster: c.Roster,
		PercentID: c.PercentText("id"), PercentEN: c.PercentText("en"), Pending: c.Pending()}
}

// unitDone is the 100 % message about the unit in the message's step, with
// the unit's figures now; a unit that fell below 100 % since (new staff)
// is not congratulated.
func (s StaffMail) unitDone(ctx context.Context, u store.User, m store.ClaimedMessage) (subject, text, html, skip string, err error) {
	deptID, err := store.ParseUnitCompleteStep(m.Step)
	if err != nil {
		return "", "", "", "", err
	}
	camp, err := s.Store.CampaignByID(ctx, m.CampaignID)
	if errors.Is(err, store.ErrNotFound) {
		return "", "", "", i18n.T(reach.NoteLang, "note_campaign_gone"), nil
	}
	if err != nil {
		return "", "", "", "", err
	}
	sc, err := org.Units(ctx, s.Store, []uint{deptID})
	if err != nil {
		return "", "", "", "", err
	}
	if len(sc.Roots) == 0 {
		return "", "", "", i18n.T(reach.NoteLang, "note_unit_gone"), nil
	}
	_, total, err := CompletionOf(ctx, s.Store, sc, camp.ID)
	if err != nil {
		return "", "", "", "", err
	}
	if total.Roster == 0 || total.Signed < total.Roster {
		return "", "", "", i18n.T(reach.NoteLang, "note_unit_not_done"), nil
	}
	dept, err := s.Store.DepartmentByID(ctx, deptID)
	if err != nil {
		return "", "", "", "", err
	}
	subject, text, html, err = reach.ComposeUnitDone(reach.UnitDoneLetter{Name: u.Username, Unit: dept.Name, CampaignTitle: camp.Title,
		Instansi: camp.Instansi, Signed: total.Signed, Roster: total.Roster, Deadline: camp.ClosesAt, Dashboard: s.BaseURL + "/dashboard"})
	return subject, text, html, "", err
}
