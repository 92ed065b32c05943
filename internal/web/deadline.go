package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
	"github.com/labstack/echo/v4"
)

// deadlineView is a campaign's closing time as the pages show it
// (templates/partials/deadline.html).
type deadlineView struct {
	Label  string // "Batas waktu"
	When   string // "Jumat, 20 Desember 2024 pukul 23.59 WIB"; "" without a deadline
	Left   string // "3 hari lagi"
	Passed bool
	Date   string // the form's values in WIB: 2024-12-20 and 23:59
	Time   string
}

func (s *Server) deadlineOf(c store.Campaign, lang string) deadlineView {
	v := deadlineView{Label: i18n.T(lang, "deadline")}
	if c.ClosesAt == nil {
		return v
	}
	at, now := *c.ClosesAt, s.Now()
	v.When = wib.Deadline(at)
	if lang == "en" {
		v.When = wib.DeadlineEN(at)
	}
	v.Left = wib.Remaining(now, at, lang)
	v.Passed = pledge.PastDeadline(c, now)
	v.Date, v.Time = at.In(wib.Zone).Format("2006-01-02"), at.In(wib.Zone).Format("15:04")
	return v
}

// parseDeadline reads the campaign form's date and time, both in WIB. The
// deadline covers the whole minute named ("pukul 23.59" still signs at
// 23.59.30), so it is stored at its 59th second.
func parseDeadline(date, clock string) (time.Time, bool) {
	date, clock = strings.TrimSpace(date), strings.TrimSpace(clock)
	if clock == "" {
		clock = "23:59"
	}
	clock = strings.Replace(clock, ".", ":", 1)
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, wib.Zone)
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return time.Time{}, false
	}
	return t.Add(59 * time.Second).UTC(), true
}

// adminCampaignDeadline sets, extends or removes a campaign's deadline.
func (s *Server) adminCampaignDeadline(c echo.Context) error {
	cp, err := s.campaignParam(c)
	if err != nil {
		return err
	}
	var at *time.Time
	if c.FormValue("action") != "clear" {
		t, ok := parseDeadline(c.FormValue("date"), c.FormValue("time"))
		if !ok {
			return s.renderCampaignEdit(c, http.StatusUnprocessableEntity, cp, formOf(cp), "err_deadline")
		}
		at = &t
	}
	if err := s.campaigns.SetDeadline(c.Request().Context(), actorOf(c), cp.ID, at); err != nil {
		return err
	}
	return seeOther(c, "/admin/campaigns", "deadline_saved")
}

// adminCampaignReminders sets a campaign's reminder days ("3, 1, 0").
func (s *Server) adminCampaignReminders(c echo.Context) error {
	cp, err := s.campaignParam(c)
	if err != nil {
		return err
	}
	days, err := reach.ParseSchedule(c.FormValue("days"))
	if err != nil {
		return s.renderCampaignEdit(c, http.StatusUnprocessableEntity, cp, formOf(cp), "err_reminder_days")
	}
	if err := s.Store.SetReminderDays(c.Request().Context(), actorOf(c), cp.ID, reach.FormatSchedule(days)); err != nil {
		return err
	}
	return seeOther(c, "/admin/campaigns", "reminders_saved")
}

// remindersOf is a campaign's reminder days as the form shows them.
func (s *Server) remindersOf(c echo.Context, cp store.Campaign) (string, error) {
	days, err := reach.ScheduleOf(c.Request().Context(), s.Store, cp.ID)
	return reach.FormatSchedule(days), err
}
