package api

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/store"
)

// Scopes a token may carry. Each endpoint needs one of them.
const (
	ScopeRosterWrite  = "roster:write"
	ScopeRosterRead   = "roster:read"
	ScopeCompletion   = "completion:read"
	ScopeSignatures   = "signatures:read"
	ScopeCertificates = "certificates:read"
	ScopeMessages     = "messages:write"
)

// AllScopes lists every scope, in the order pages show them.
var AllScopes = []string{ScopeRosterRead, ScopeRosterWrite, ScopeCompletion, ScopeSignatures, ScopeCertificates, ScopeMessages}

// TokenRequest is what an admin asks for when making a token.
type TokenRequest struct {
	Name        string
	Scopes      []string
	Departments []string // unit codes; none = every unit
	ExpiresAt   *time.Time
}

var tokenName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ErrInvalidToken is wrapped by every validation error of CreateToken, so
// the page and the CLI can tell a mistake of the admin from a failure.
var ErrInvalidToken = errors.New("invalid token request")

// CreateToken makes a token and returns its plaintext, which is shown once
// and never stored: the database keeps its SHA-256. The CLI (`ikrar token
// add`) and the admin page both call it.
// invalidToken is ErrInvalidToken with the reason, worded from the
// message key (internal/i18n, keys token_*).
func invalidToken(key string, args ...any) error {
	return fmt.Errorf("%w: %w", ErrInvalidToken, i18n.New(key, args...))
}

func CreateToken(ctx context.Context, st *store.Store, actor string, req TokenRequest, now time.Time) (string, store.APIToken, error) {
	if !tokenName.MatchString(req.Name) {
		return "", store.APIToken{}, invalidToken("token_name_invalid")
	}
	var scopes []string
	for _, s := range req.Scopes {
		for _, one := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
			if !slices.Contains(AllScopes, one) {
				return "", store.APIToken{}, invalidToken("token_scope_unknown", one, strings.Join(AllScopes, ", "))
			}
			if !slices.Contains(scopes, one) {
				scopes = append(scopes, one)
			}
		}
	}
	if len(scopes) == 0 {
		return "", store.APIToken{}, invalidToken("token_scope_none")
	}
	if req.ExpiresAt != nil && !req.ExpiresAt.After(now) {
		return "", store.APIToken{}, invalidToken("token_expiry_past")
	}
	var ids []uint
	for _, code := range req.Departments {
		code = strings.TrimSpace(code)
		if code == "" {
			continue
		}
		d, err := st.DepartmentByCode(ctx, code)
		if errors.Is(err, store.ErrNotFound) {
			return "", store.APIToken{}, invalidToken("token_unit_unknown", code)
		}
		if err != nil {
			return "", store.APIToken{}, err
		}
		ids = append(ids, d.ID)
	}
	plain := secret.APIToken()
	t := store.APIToken{Name: req.Name, Scopes: strings.Join(scopes, " "), ExpiresAt: req.ExpiresAt}
	if err := st.CreateAPIToken(ctx, actor, plain, &t, ids); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return "", store.APIToken{}, invalidToken("token_name_taken", req.Name)
		}
		return "", store.APIToken{}, err
	}
	return plain, t, nil
}

// ParseExpiry reads an expiry as a duration from now ("90d", "720h"), a
// date ("2027-06-30", the end of that day in UTC) or an RFC 3339 time.
// Empty means the token does not expire.
func ParseExpiry(s string, now time.Time) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			t := now.Add(time.Duration(n) * 24 * time.Hour)
			return &t, nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		t := now.Add(d)
		return &t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		t = t.Add(24*time.Hour - time.Second)
		return &t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t, nil
	}
	return nil, invalidToken("token_expiry_unreadable", s)
}
