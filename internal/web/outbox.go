package web

import (
	"net/http"
	"strconv"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// outboxStates are the columns of the outbox page, in the order a message
// goes through them.
var outboxStates = []string{store.OutboxQueued, store.OutboxSending, store.OutboxSent, store.OutboxFailed, store.OutboxSkipped}

type outboxRow struct {
	Kind   string
	Counts []int // per outboxStates
}

type outboxData struct {
	adminHead
	States   []string
	Rows     []outboxRow
	Queued   int
	NoSMTP   bool
	Failures []store.OutboxEntry
	Waiting  []store.OutboxEntry // the first queued messages: who they would go to
	// HeadsNoEmail are the enabled heads without an address: their daily
	// digest and 100 % messages cannot go.
	HeadsNoEmail []string
}

func (s *Server) adminOutbox(c echo.Context) error {
	ctx := c.Request().Context()
	p, h := s.adminPage(c, "outbox")
	counts, err := s.Store.OutboxCounts(ctx)
	if err != nil {
		return err
	}
	d := outboxData{adminHead: h, States: outboxStates, NoSMTP: s.Config.SMTPURL == ""}
	rows := map[string]*outboxRow{}
	for _, x := range counts {
		r := rows[x.Kind]
		if r == nil {
			r = &outboxRow{Kind: x.Kind, Counts: make([]int, len(outboxStates))}
			rows[x.Kind] = r
		}
		for i, st := range outboxStates {
			if st == x.State {
				r.Counts[i] = x.N
			}
		}
		if x.State == store.OutboxQueued && x.Kind != store.KindWebhook { // webhooks need no SMTP
			d.Queued += x.N
		}
	}
	for _, k := range []string{"invitation", "reminder", store.KindDigest, store.KindUnitComplete, store.KindWebhook} {
		if r := rows[k]; r != nil {
			d.Rows = append(d.Rows, *r)
		}
	}
	if d.Failures, err = s.Store.OutboxByState(ctx, store.OutboxFailed, 200); err != nil {
		return err
	}
	if d.Waiting, err = s.Store.OutboxByState(ctx, store.OutboxQueued, 50); err != nil {
		return err
	}
	if d.HeadsNoEmail, err = s.Store.HeadsWithoutEmail(ctx); err != nil {
		return err
	}
	p.Data = d
	return c.Render(http.StatusOK, "admin_outbox", p)
}

// adminOutboxRetry queues failed messages again: one (id) or all.
func (s *Server) adminOutboxRetry(c echo.Context) error {
	var id uint
	if v := c.FormValue("id"); v != "" {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			return echo.ErrNotFound
		}
		id = uint(n)
	}
	if _, err := s.Store.RetryFailed(c.Request().Context(), actorOf(c), id); err != nil {
		return err
	}
	return seeOther(c, "/admin/outbox", "outbox_retried")
}
