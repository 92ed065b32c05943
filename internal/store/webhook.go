package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"github.com/ikrar/ikrar/internal/secret"
	"gorm.io/gorm"
)

// KindWebhook is the outbox kind of a webhook delivery: webhooks go
// through the same durable outbox as mail (claimed with a lease, retried
// with backoff, taken over when a sender dies), one row per event and
// subscription, its Step "<event id>/<subscription id>" keeping it unique.
const KindWebhook = "webhook"

// Webhook events.
const (
	EventSignatureCreated  = "signature.created"
	EventCertificateIssued = "certificate.issued"
	EventUnitCompleted     = "unit.completed"
	EventCampaignClosed    = "campaign.closed"
	EventRosterImported    = "roster.imported"
	EventTest              = "webhook.test"
)

// WebhookEvents lists the events a subscription may ask for.
var WebhookEvents = []string{EventSignatureCreated, EventCertificateIssued, EventUnitCompleted, EventCampaignClosed, EventRosterImported}

// WebhookSubscription sends the events it lists to URL, signed with
// Secret (Standard Webhooks: "whsec_" and base64 of the key). The secret
// must be kept in clear to sign; it is shown to admins only.
type WebhookSubscription struct {
	ID        uint   `gorm:"primaryKey"`
	URL       string `gorm:"size:500;not null"`
	Secret    string `gorm:"size:100;not null"`
	Events    string `gorm:"size:255;not null"` // space-separated
	Active    bool   `gorm:"not null;default:true"`
	CreatedBy string `gorm:"size:128;not null"`
	CreatedAt time.Time
}

// WebhookEvent is one event's payload, kept so every retry sends the same
// bytes under the same webhook-id.
type WebhookEvent struct {
	ID        string `gorm:"primaryKey;size:32"`
	Type      string `gorm:"size:32;not null"`
	Payload   []byte `gorm:"not null"`
	CreatedAt time.Time
}

// WebhookAttempt is one delivery attempt: the delivery log.
type WebhookAttempt struct {
	ID             uint   `gorm:"primaryKey"`
	OutboxID       uint   `gorm:"not null;index"`
	SubscriptionID uint   `gorm:"not null;index"`
	EventID        string `gorm:"size:32;not null"`
	EventType      string `gorm:"size:32;not null"`
	Attempt        int    `gorm:"not null"`
	StatusCode     int    `gorm:"not null"`
	Error          string `gorm:"size:500;not null;default:''"`
	At             time.Time
}

// Subscribes reports whether the subscription wants event (a test event
// goes to everyone who asks for it by id).
func (w WebhookSubscription) Subscribes(event string) bool {
	for _, e := range strings.Fields(w.Events) {
		if e == event {
			return true
		}
	}
	return false
}

// NewWebhookEventID is a webhook-id: stable across every retry of one event.
func NewWebhookEventID() string { return "msg_" + secret.Code(16) }

// WebhookPayload wraps an event's data the way every delivery carries it.
func WebhookPayload(event string, at time.Time, data any) ([]byte, error) {
	return json.Marshal(map[string]any{"type": event, "timestamp": at.UTC().Format(time.RFC3339), "data": data})
}

// emitEvent queues event with data inside tx (see emitWebhook).
func emitEvent(tx *gorm.DB, now time.Time, event string, data any) error {
	return emitEventOf(tx, now, event, func() (any, error) { return data, nil })
}

// emitEventOf is emitEvent with data made only when someone subscribes:
// its queries cost nothing to an instance without webhooks.
func emitEventOf(tx *gorm.DB, now time.Time, event string, data func() (any, error)) error {
	return emitWebhook(tx, now, NewWebhookEventID(), event, func() ([]byte, error) {
		d, err := data()
		if err != nil {
			return nil, err
		}
		return WebhookPayload(event, now, d)
	}, 0)
}

// CreateWebhook adds a subscription.
func (s *Store) CreateWebhook(ctx context.Context, actor string, w *WebhookSubscription) error {
	w.CreatedBy = actor
	w.Active = true
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		if err := tx.Create(w).Error; err != nil {
			return fmt.Errorf("create webhook: %w", err)
		}
		_, err := appendEvent(tx, s.now(), actor, "webhook.created", "webhook:"+strconv.Itoa(int(w.ID)),
			audit.Detail(map[string]string{"url": w.URL, "events": w.Events}))
		return err
	})
}

// Webhooks lists subscriptions, newest first.
func (s *Store) Webhooks(ctx context.Context) ([]WebhookSubscription, error) {
	var ws []WebhookSubscription
	if err := s.r.WithContext(ctx).Order("id DESC").Find(&ws).Error; err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	return ws, nil
}

// WebhookByID finds one subscription.
func (s *Store) WebhookByID(ctx context.Context, id uint) (WebhookSubscription, error) {
	var w WebhookSubscription
	if err := s.r.WithContext(ctx).Take(&w, id).Error; err != nil {
		return WebhookSubscription{}, notFound(err, "webhook")
	}
	return w, nil
}

// EmitWebhook records an event and queues one delivery per active
// subscription that wants it (only subscription only when it is set: the
// "send test event" button).
func (s *Store) EmitWebhook(ctx context.Context, id, event string, payload []byte, only uint) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return emitWebhook(tx, s.now(), id, event, func() ([]byte, error) { return payload, nil }, only)
	})
}

// emitWebhook does EmitWebhook inside a caller's transaction, so an event
// is queued exactly when the change it reports is committed.
func emitWebhook(tx *gorm.DB, now time.Time, id, event string, payloadOf func() ([]byte, error), only uint) error {
	var subs []WebhookSubscription
	q := tx.Where("active = ?", true)
	if only != 0 {
		q = q.Where("id = ?", only)
	}
	if err := q.Find(&subs).Error; err != nil {
		return fmt.Errorf("read webhooks: %w", err)
	}
	var rows []OutboxMessage
	for _, sub := range subs {
		if only == 0 && !sub.Subscribes(event) {
			continue
		}
		rows = append(rows, OutboxMessage{Kind: KindWebhook, Step: id + "/" + strconv.Itoa(int(sub.ID)), Channel: KindWebhook,
			Recipient: strconv.Itoa(int(sub.ID)), State: OutboxQueued, NextAt: now.UTC()})
	}
	if len(rows) == 0 {
		return nil
	}
	payload, err := payloadOf()
	if err != nil {
		return fmt.Errorf("webhook %s payload: %w", event, err)
	}
	if err := tx.Create(&WebhookEvent{ID: id, Type: event, Payload: payload, CreatedAt: now.UTC()}).Error; err != nil {
		return fmt.Errorf("record webhook event %s: %w", event, err)
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("queue webhook %s: %w", event, err)
	}
	return nil
}

// WebhookDelivery is what a sender needs to post one claimed delivery.
type WebhookDelivery struct {
	Subscription WebhookSubscription
	Event        WebhookEvent
}

// WebhookDeliveryOf resolves a claimed webhook message.
func (s *Store) WebhookDeliveryOf(ctx context.Context, m ClaimedMessage) (WebhookDelivery, error) {
	eventID, subID, ok := strings.Cut(m.Step, "/")
	if !ok {
		return WebhookDelivery{}, fmt.Errorf("webhook message %d: bad step %q: %w", m.ID, m.Step, ErrNotFound)
	}
	var d WebhookDelivery
	if err := s.r.WithContext(ctx).Take(&d.Event, "id = ?", eventID).Error; err != nil {
		return WebhookDelivery{}, notFound(err, "webhook event "+eventID)
	}
	if err := s.r.WithContext(ctx).Take(&d.Subscription, "id = ?", subID).Error; err != nil {
		return WebhookDelivery{}, notFound(err, "webhook "+subID)
	}
	return d, nil
}

// LogWebhookAttempt adds one line to the delivery log.
func (s *Store) LogWebhookAttempt(ctx context.Context, a WebhookAttempt) error {
	a.At = s.now().UTC()
	a.Error = truncateText(a.Error, 500)
	if err := s.w.WithContext(ctx).Create(&a).Error; err != nil {
		return fmt.Errorf("log webhook attempt: %w", err)
	}
	return nil
}

// WebhookAttempts lists the newest attempts of a subscription (0: all).
func (s *Store) WebhookAttempts(ctx context.Context, subID uint, limit int) ([]WebhookAttempt, error) {
	var as []WebhookAttempt
	q := s.r.WithContext(ctx).Order("id DESC").Limit(limit)
	if subID != 0 {
		q = q.Where("subscription_id = ?", subID)
	}
	if err := q.Find(&as).Error; err != nil {
		return nil, fmt.Errorf("list webhook attempts: %w", err)
	}
	return as, nil
}

// emitSignaturesCreated queues signature.created for a batch's new
// signatures inside the batch's own transaction (database/sql, the group
// commit's), so the event of an acknowledged signature survives a crash
// and a rolled-back batch sends none. Without a subscription it costs one
// read of the (tiny) subscriptions table per batch, not per signature.
func (g *groupCommitter) emitSignaturesCreated(ctx context.Context, tx *sql.Tx, created []Signature) error {
	if len(created) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, events FROM webhook_subscriptions WHERE active = true`)
	if err != nil {
		return fmt.Errorf("read webhooks: %w", err)
	}
	var subs []uint
	for rows.Next() {
		var sub WebhookSubscription
		if err := rows.Scan(&sub.ID, &sub.Events); err != nil {
			rows.Close()
			return fmt.Errorf("read webhooks: %w", err)
		}
		if sub.Subscribes(EventSignatureCreated) {
			subs = append(subs, sub.ID)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read webhooks: %w", err)
	}
	if len(subs) == 0 {
		return nil
	}
	now := g.s.now().UTC()
	event := g.s.d.rebind(`INSERT INTO webhook_events (id, type, payload, created_at) VALUES (?, ?, ?, ?)`)
	queue := g.s.d.rebind(`INSERT INTO outbox_messages (asn_id, campaign_id, kind, step, channel, recipient, state, next_at, attempts, last_error, created_at, updated_at)
		VALUES (0, 0, ?, ?, ?, ?, ?, ?, 0, '', ?, ?)`)
	for _, s := range created {
		id := NewWebhookEventID()
		payload, err := WebhookPayload(EventSignatureCreated, now, map[string]any{
			"signature_id": s.ID, "certificate_code": s.CertCode, "nip": s.SignerNIP, "name": s.SignerName,
			"position": s.SignerPosition, "department_id": s.DepartmentID, "campaign_id": s.CampaignID,
			"signed_at_utc": s.SignedAt.UTC().Format(time.RFC3339Nano),
		})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, event, id, EventSignatureCreated, payload, now); err != nil {
			return fmt.Errorf("record webhook event %s: %w", EventSignatureCreated, err)
		}
		for _, sub := range subs {
			if _, err := tx.ExecContext(ctx, queue, KindWebhook, id+"/"+strconv.Itoa(int(sub)), KindWebhook, strconv.Itoa(int(sub)),
				OutboxQueued, now, now, now); err != nil {
				return fmt.Errorf("queue webhook %s: %w", EventSignatureCreated, err)
			}
		}
	}
	return nil
}

// Subscribed reports whether any active subscription asks for event, so
// work that only feeds that event can be skipped.
func (s *Store) Subscribed(ctx context.Context, event string) (bool, error) {
	subs, err := s.Webhooks(ctx)
	if err != nil {
		return false, err
	}
	for _, w := range subs {
		if w.Active && w.Subscribes(event) {
			return true, nil
		}
	}
	return false, nil
}

// EmitWebhookOnce emits an event under a fixed id unless an event with
// that id was already recorded: an event that must go once ever (a unit
// reaching 100 %) whichever instance notices it first.
func (s *Store) EmitWebhookOnce(ctx context.Context, id, event string, payload func() ([]byte, error)) (bool, error) {
	emitted := false
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&WebhookEvent{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return fmt.Errorf("find webhook event %s: %w", id, err)
		}
		if n > 0 {
			return nil
		}
		emitted = true
		return emitWebhook(tx, s.now(), id, event, payload, 0)
	})
	return emitted, err
}
