package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

type messagesRequest struct {
	Campaign uint   `json:"campaign"`
	Kind     string `json:"kind"`
	Unit     string `json:"unit"`
	DryRun   bool   `json:"dry_run"`
}

// messages queues invitations or reminders for the pending people of the
// token's units (or one unit and its sub-units) through reach.Queue, the
// function behind the unit page's buttons and `ikrar messages send`: a
// second call the same day queues nothing twice.
func (a *API) messages(c echo.Context) error {
	cl := callerOf(c)
	var req messagesRequest
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return problem(http.StatusBadRequest, "api_json_unreadable", err.Error())
	}
	ctx := c.Request().Context()
	camp, err := a.Store.CampaignByID(ctx, req.Campaign)
	if errors.Is(err, store.ErrNotFound) {
		id := strconv.Itoa(int(req.Campaign))
		return problem(http.StatusNotFound, "api_campaign_not_found", id)
	}
	if err != nil {
		return err
	}
	sc := cl.Scope
	if req.Unit != "" {
		d, err := unitIn(sc, req.Unit)
		if err != nil {
			return err
		}
		sc = sc.Narrow(d.ID)
	}
	res, err := reach.Queue(ctx, a.Store, a.Now(), reach.Request{Kind: req.Kind, Campaign: camp, DepartmentIDs: sc.IDs(), DryRun: req.DryRun, Actor: cl.Actor()})
	switch {
	case errors.Is(err, reach.ErrKind):
		return problem(http.StatusBadRequest, "api_kind_invalid")
	case errors.Is(err, reach.ErrNotOpen):
		return problem(http.StatusConflict, "api_campaign_not_open")
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"dry_run": req.DryRun, "pending": res.Pending, "queued": res.Queued,
		"already": res.Already, "no_address": res.NoAddress})
}
