package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

type unitMessagesData struct {
	Department store.Department
	Campaign   store.Campaign
	Kind       string
	KindLabel  string
	Result     store.QueueResult
	Query      template.URL
	NoSMTP     bool
	Closed     bool
}

// unitMessagesTarget resolves the unit (404 outside a head's own units),
// the campaign and the kind of a send-to-unit request.
func (s *Server) unitMessagesTarget(c echo.Context) (store.Department, []uint, store.Campaign, string, error) {
	ctx := c.Request().Context()
	sc, err := s.scopeOf(ctx, c.Get(ctxUser).(*store.User))
	if err != nil {
		return store.Department{}, nil, store.Campaign{}, "", err
	}
	dept, err := departmentIn(sc, c.Param("code"))
	if err != nil {
		return store.Department{}, nil, store.Campaign{}, "", err
	}
	camp, _, err := s.pickCampaign(c)
	if err != nil {
		return store.Department{}, nil, store.Campaign{}, "", err
	}
	kind := c.QueryParam("kind")
	if kind == "" {
		kind = c.FormValue("kind")
	}
	if kind != reach.KindInvitation && kind != reach.KindReminder {
		return store.Department{}, nil, store.Campaign{}, "", echo.ErrNotFound
	}
	return dept, sc.Narrow(dept.ID).IDs(), camp, kind, nil
}

// unitMessagesConfirm says how many messages would go before anything is
// queued: the one confirmation a head or admin sees.
func (s *Server) unitMessagesConfirm(c echo.Context) error {
	dept, ids, camp, kind, err := s.unitMessagesTarget(c)
	if err != nil {
		return err
	}
	p := s.page(c, "")
	d := unitMessagesData{Department: dept, Campaign: camp, Kind: kind, KindLabel: p.T["outbox_kind_"+kind],
		Query: campaignQuery(camp), NoSMTP: s.Config.SMTPURL == ""}
	d.Result, err = reach.Queue(c.Request().Context(), s.Store, s.Now(), reach.Request{Kind: kind, Campaign: camp, DepartmentIDs: ids, DryRun: true})
	if errors.Is(err, reach.ErrNotOpen) {
		d.Closed, err = true, nil
	}
	if err != nil {
		return err
	}
	p.Title = p.T["send_"+kind]
	p.Data = d
	return c.Render(http.StatusOK, "unit_messages", p)
}

// unitMessagesSend queues the messages.
func (s *Server) unitMessagesSend(c echo.Context) error {
	dept, ids, camp, kind, err := s.unitMessagesTarget(c)
	if err != nil {
		return err
	}
	_, err = reach.Queue(c.Request().Context(), s.Store, s.Now(), reach.Request{Kind: kind, Campaign: camp, DepartmentIDs: ids, Actor: actorOf(c)})
	if errors.Is(err, reach.ErrNotOpen) {
		return echo.NewHTTPError(http.StatusConflict, i18n.New("past_deadline"))
	}
	if err != nil {
		return err
	}
	return seeOther(c, "/dashboard/departments/"+url.PathEscape(dept.Code)+"?"+string(campaignQuery(camp)), "messages_queued")
}
