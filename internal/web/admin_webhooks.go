package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

type webhooksData struct {
	adminHead
	Rows     []store.WebhookSubscription
	Attempts []store.WebhookAttempt
	Events   []string
	// Secret is the signing secret of the subscription just made: shown
	// in this one answer only.
	Secret string
}

func (s *Server) adminWebhooks(c echo.Context) error {
	return s.renderWebhooks(c, http.StatusOK, nil, "")
}

func (s *Server) renderWebhooks(c echo.Context, status int, msg *i18n.Error, secretText string) error {
	ctx := c.Request().Context()
	subs, err := s.Store.Webhooks(ctx)
	if err != nil {
		return err
	}
	attempts, err := s.Store.WebhookAttempts(ctx, 0, 30)
	if err != nil {
		return err
	}
	p, h := s.adminPage(c, "webhooks")
	h.Error = msg
	p.Data = webhooksData{adminHead: h, Rows: subs, Attempts: attempts, Events: store.WebhookEvents, Secret: secretText}
	if secretText != "" {
		c.Response().Header().Set("Cache-Control", "no-store")
	}
	return c.Render(status, "admin_webhooks", p)
}

func (s *Server) adminWebhookCreate(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	raw := strings.TrimSpace(form.Get("url"))
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(raw) > 500 {
		return s.renderWebhooks(c, http.StatusUnprocessableEntity, i18n.New("webhook_bad_url"), "")
	}
	var events []string
	for _, e := range form["event"] {
		if slices.Contains(store.WebhookEvents, e) && !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		return s.renderWebhooks(c, http.StatusUnprocessableEntity, i18n.New("webhook_no_event"), "")
	}
	w := store.WebhookSubscription{URL: raw, Secret: reach.NewWebhookSecret(), Events: strings.Join(events, " ")}
	if err := s.Store.CreateWebhook(c.Request().Context(), actorOf(c), &w); err != nil {
		return err
	}
	return s.renderWebhooks(c, http.StatusOK, nil, w.Secret)
}

// adminWebhookTest queues a webhook.test event to one subscription; the
// delivery log shows how the receiver answered.
func (s *Server) adminWebhookTest(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return echo.ErrNotFound
	}
	if _, err := s.Store.WebhookByID(c.Request().Context(), uint(id)); err != nil {
		return err
	}
	if err := reach.SendTestEvent(c.Request().Context(), s.Store, uint(id), s.Now()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/webhooks?ok=webhook_test")
}
