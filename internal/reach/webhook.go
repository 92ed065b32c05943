package reach

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
)

// NewWebhookSecret makes a subscription's signing secret in the Standard
// Webhooks form: "whsec_" and the base64 of 32 random bytes.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// SignWebhook is the Standard Webhooks signature of one delivery: HMAC-SHA256
// over "id.timestamp.body" with the secret's key, as the header value
// "v1,<base64>".
func SignWebhook(secretText, id string, ts int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secretText, "whsec_"))
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, ts)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// SendTestEvent queues a webhook.test event to one subscription.
func SendTestEvent(ctx context.Context, st *store.Store, subID uint, now time.Time) error {
	p, err := store.WebhookPayload(store.EventTest, now, map[string]any{"message": i18n.Both("webhook_test_message")})
	if err != nil {
		return err
	}
	return st.EmitWebhook(ctx, store.NewWebhookEventID(), store.EventTest, p, subID)
}

// deliverWebhook posts one claimed webhook delivery, logs the attempt and
// records the outcome: 2xx is sent; anything else is retried with backoff
// until MaxAttempts. Only a database error is returned.
func (s *Sender) deliverWebhook(ctx context.Context, m store.ClaimedMessage) error {
	d, err := s.Store.WebhookDeliveryOf(ctx, m)
	if errors.Is(err, store.ErrNotFound) {
		return s.Store.MarkSkipped(ctx, m.ID, i18n.T(NoteLang, "note_webhook_removed"))
	}
	if err != nil {
		return err
	}
	if !d.Subscription.Active {
		return s.Store.MarkSkipped(ctx, m.ID, i18n.T(NoteLang, "note_webhook_off"))
	}
	status, postErr := s.postWebhook(ctx, d)
	db := context.WithoutCancel(ctx)
	errText := ""
	if postErr != nil {
		errText = postErr.Error()
	}
	if err := s.Store.LogWebhookAttempt(db, store.WebhookAttempt{OutboxID: m.ID, SubscriptionID: d.Subscription.ID, EventID: d.Event.ID,
		EventType: d.Event.Type, Attempt: m.Attempts, StatusCode: status, Error: errText}); err != nil {
		return err
	}
	switch {
	case postErr == nil:
		return s.Store.MarkSent(db, m.ID)
	case m.Attempts >= s.MaxAttempts:
		s.Log.Warn("webhook failed", "id", m.ID, "url", d.Subscription.URL, "attempts", m.Attempts, "err", postErr)
		return s.Store.MarkFailed(db, m.ID, errText)
	default:
		next := s.Now().Add(backoff(m.Attempts))
		s.Log.Info("webhook will be retried", "id", m.ID, "attempts", m.Attempts, "at", next, "err", postErr)
		return s.Store.MarkRetry(db, m.ID, next, errText)
	}
}

// postWebhook sends one delivery; a non-2xx answer is an error.
func (s *Sender) postWebhook(ctx context.Context, d store.WebhookDelivery) (int, error) {
	ts := s.Now().Unix()
	sig, err := SignWebhook(d.Subscription.Secret, d.Event.ID, ts, d.Event.Payload)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Subscription.URL, bytes.NewReader(d.Event.Payload))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ikrar-webhooks")
	req.Header.Set("webhook-id", d.Event.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	client := s.HTTP
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, errors.New(i18n.T(NoteLang, "note_receiver_answered", resp.StatusCode))
	}
	return resp.StatusCode, nil
}
