package pledge

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"net/netip"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/store"
)

// MaxDrawingBytes caps the optional drawn signature.
const MaxDrawingBytes = 64 << 10

// Problem is a user-facing validation error: the form field and the
// message (worded in internal/i18n, keys sign_*).
type Problem struct {
	Field string
	Msg   *i18n.Error
}

// In is the problem's message in lang.
func (p Problem) In(lang string) string { return p.Msg.In(lang) }

// Problems is returned when a signing form is not acceptable; nothing was
// written.
type Problems []Problem

// Has reports whether a problem concerns field.
func (p Problems) Has(field string) bool {
	for _, x := range p {
		if x.Field == field {
			return true
		}
	}
	return false
}

func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, x := range p {
		parts[i] = x.Field + ": " + x.In("en")
	}
	return "invalid signature: " + strings.Join(parts, "; ")
}

// ErrClosed means the campaign is not open for signing.
var ErrClosed = errors.New("campaign is not open for signing")

// ErrPastDeadline means the campaign's closing time has passed; an admin
// can extend it.
var ErrPastDeadline = errors.New("the campaign's deadline has passed")

// PastDeadline reports whether c's closing time (if it has one) has come
// at now. This is the one rule for the signing page, the signing itself
// and the reminders.
func PastDeadline(c store.Campaign, now time.Time) bool {
	return c.ClosesAt != nil && !now.Before(*c.ClosesAt)
}

// Input is a submitted signing form.
type Input struct {
	Ticked    []bool // one per point
	TypedName string
	Drawing   string // optional data URL or base64 PNG from the canvas
	IP        string
	UserAgent string
	// AccessCode is the typed (or remembered from /sign) access code; only
	// campaigns with RequireCode ask for it.
	AccessCode string
	// StaffUser is the username of a staff session in the same browser.
	StaffUser string
}

// Service signs pledges.
type Service struct {
	Store *store.Store
	Now   func() time.Time

	texts TextCache
}

// TextsOf returns a campaign's Indonesian and English texts, decoded once
// per version of the campaign. The texts must not be modified.
func (s *Service) TextsOf(c store.Campaign) (id, en Text, err error) {
	return s.texts.TextsOf(c)
}

// DecodeDrawing accepts an optional drawn signature: a PNG (as a data URL
// or bare base64) under MaxDrawingBytes that really decodes as a PNG.
func DecodeDrawing(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	const prefix = "data:image/png;base64,"
	if strings.HasPrefix(s, "data:") {
		if !strings.HasPrefix(s, prefix) {
			return nil, i18n.New("drawing_not_png")
		}
		s = s[len(prefix):]
	}
	if base64.StdEncoding.DecodedLen(len(s)) > MaxDrawingBytes+3 {
		return nil, i18n.New("drawing_too_large", MaxDrawingBytes>>10)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, i18n.New("drawing_not_base64")
	}
	if len(b) > MaxDrawingBytes {
		return nil, i18n.New("drawing_too_large", MaxDrawingBytes>>10)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, i18n.New("drawing_not_png_image")
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > 2000 || cfg.Height > 1000 {
		return nil, i18n.New("drawing_bad_size")
	}
	// Decode fully: a valid header over a corrupt body must not reach the PDF.
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		return nil, i18n.New("drawing_damaged")
	}
	return b, nil
}

// Validate checks a form against the person and the campaign's text.
func Validate(in Input, a store.ASN, points int) (drawing []byte, probs Problems) {
	if len(in.Ticked) != points {
		probs = append(probs, Problem{"points", i18n.New("sign_tick_all")})
	} else {
		for i, t := range in.Ticked {
			if !t {
				probs = append(probs, Problem{fmt.Sprintf("point%d", i+1), i18n.New("sign_point_unticked", i+1)})
			}
		}
	}
	switch {
	case strings.TrimSpace(in.TypedName) == "":
		probs = append(probs, Problem{"name", i18n.New("sign_name_empty")})
	case len(in.TypedName) > 200:
		probs = append(probs, Problem{"name", i18n.New("sign_name_too_long")})
	case !NamesMatch(in.TypedName, a.Name):
		probs = append(probs, Problem{"name", i18n.New("sign_name_mismatch")})
	}
	d, err := DecodeDrawing(in.Drawing)
	if err != nil {
		probs = append(probs, Problem{"drawing", i18n.New("sign_drawing_rejected", err)})
	}
	return d, probs
}

// Sign validates the form and makes the signature durable: the one
// signing entry point. It is idempotent through the store's unique index
// over live signatures: if the person has signed meanwhile, a valid form
// gets that signature back (Created false). Callers that want to show the
// receipt of an existing signature without validating a form (the signing
// page) look it up first, as they must to choose what to show.
func (s *Service) Sign(ctx context.Context, a store.ASN, c store.Campaign, in Input) (store.SignResult, error) {
	if c.Status != store.CampaignOpen {
		return store.SignResult{}, ErrClosed
	}
	if PastDeadline(c, s.Now()) {
		return store.SignResult{}, ErrPastDeadline
	}
	id, _, err := s.TextsOf(c)
	if err != nil {
		return store.SignResult{}, err
	}
	drawing, probs := Validate(in, a, len(id.Points))
	if c.RequireCode && !secret.Equal(a.AccessCode, secret.NormalizeCode(in.AccessCode)) {
		probs = append(probs, Problem{"code", i18n.New("sign_code_wrong")})
	}
	if len(probs) > 0 {
		return store.SignResult{}, probs
	}
	return s.Store.Sign(ctx, store.NewSignature{
		ASN: a, CampaignID: c.ID, SignedAt: s.Now().UTC(),
		TypedName: strings.Join(strings.Fields(in.TypedName), " "), DrawnPNG: drawing,
		IP: in.IP, UserAgent: truncate(in.UserAgent, 512), PledgeHash: c.TextHash,
		CertCode: secret.CertificateCode(), StaffUser: truncate(in.StaffUser, 64), DeviceKey: DeviceKey(in.IP, in.UserAgent),
	})
}

// DeviceKey is a coarse fingerprint of the device that signed: its user
// agent and its network (/24 for IPv4, /48 for IPv6), so a phone keeps its
// key while its address changes a little, and a shared office computer
// shows up as one key for everyone who signs on it. It is a grouping aid
// for reviewers, not an identity.
func DeviceKey(ip, userAgent string) string {
	network := ip
	if addr, err := netip.ParseAddr(ip); err == nil {
		bits := 48
		if addr.Unmap().Is4() {
			addr, bits = addr.Unmap(), 24
		}
		if p, err := addr.Prefix(bits); err == nil {
			network = p.String()
		}
	}
	sum := sha256.Sum256([]byte(userAgent + "\x00" + network))
	return hex.EncodeToString(sum[:8])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
