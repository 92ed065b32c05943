// Package api serves ikrar's JSON API under /api/v1 for the systems that
// keep rosters (SIMPEG, SIASN) and the dashboards that collect completion.
// Callers authenticate with bearer tokens (see tokens.go); a token carries
// scopes and may be bound to units, by the same scope rule as a head's
// pages (org.Scope). Handlers call the same domain functions as the
// pages and the CLI: completion from report.CompletionOf, roster upserts
// through internal/roster, so the API cannot disagree with them.
package api

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"
)

// Certificates is what the API needs from the certificate service.
type Certificates interface {
	// PDF returns the stored certificate of a signature, making it first if needed.
	PDF(ctx context.Context, sig store.Signature) ([]byte, error)
}

// Deps is what the API is built from.
type Deps struct {
	Store *store.Store
	Certs Certificates
	Log   *slog.Logger
	Now   func() time.Time
	// Rate and Burst limit each token's requests (default 20/s, burst 40).
	Rate  rate.Limit
	Burst int
}

// API holds the handlers' dependencies and the per-token rate limiters.
type API struct {
	Deps
	mu       sync.Mutex
	limiters map[uint]*rate.Limiter
}

// New builds the API.
func New(d Deps) *API {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Rate == 0 {
		d.Rate, d.Burst = 20, 40
	}
	return &API{Deps: d, limiters: map[uint]*rate.Limiter{}}
}

//go:embed openapi.json
var openAPIDoc []byte

// OpenAPI is the OpenAPI 3.1 document served at /api/openapi.json.
func OpenAPI() []byte { return openAPIDoc }

// Register adds /api/openapi.json and every /api/v1 route to e.
func (a *API) Register(e *echo.Echo) {
	e.GET("/api/openapi.json", func(c echo.Context) error {
		return a.etagged(c, "application/json", openAPIDoc)
	})
	g := e.Group("/api/v1", a.problems, a.authenticate)
	g.GET("/campaigns", a.campaigns)
	g.GET("/units", a.units)
	g.GET("/completion", a.completion, need(ScopeCompletion))
	g.GET("/roster", a.rosterList, need(ScopeRosterRead))
	g.POST("/roster", a.rosterUpsert, need(ScopeRosterWrite))
	g.GET("/signatures", a.signatures, need(ScopeSignatures))
	g.GET("/certificates/:code", a.certificate, need(ScopeCertificates))
	g.GET("/certificates/:code/pdf", a.certificatePDF, need(ScopeCertificates))
	g.POST("/messages", a.messages, need(ScopeMessages))
}

// caller is the authenticated token of a request and its units.
type caller struct {
	Token store.APIToken
	Scope org.Scope
	// Bound is true when the token is limited to some units.
	Bound bool
}

// Actor names the token in the audit chain.
func (c caller) Actor() string { return "api:" + c.Token.Name }

const ctxCaller = "api.caller"

func callerOf(c echo.Context) caller { return c.Get(ctxCaller).(caller) }

// authenticate resolves the bearer token, refuses expired and revoked
// ones, applies the per-token rate limit and loads the token's scope.
func (a *API) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="ikrar"`)
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		plain, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || strings.TrimSpace(plain) == "" {
			return problem(http.StatusUnauthorized, "api_auth_missing")
		}
		ctx := c.Request().Context()
		t, err := a.Store.APITokenByToken(ctx, strings.TrimSpace(plain))
		if errors.Is(err, store.ErrNotFound) {
			return problem(http.StatusUnauthorized, "api_token_unknown")
		}
		if err != nil {
			return err
		}
		now := a.Now()
		if !t.Active(now) {
			return problem(http.StatusUnauthorized, "api_token_revoked")
		}
		c.Response().Header().Del("WWW-Authenticate")
		if !a.limiter(t.ID).AllowN(now, 1) {
			c.Response().Header().Set("Retry-After", "1")
			return problem(http.StatusTooManyRequests, "api_too_many")
		}
		ids, err := a.Store.APITokenDepartmentIDs(ctx, t.ID)
		if err != nil {
			return err
		}
		var sc org.Scope
		if len(ids) == 0 {
			sc, err = org.All(ctx, a.Store)
		} else {
			sc, err = org.Units(ctx, a.Store, ids)
		}
		if err != nil {
			return err
		}
		// Last use is a write: record it at most once a minute per token.
		if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) > time.Minute {
			if err := a.Store.TouchAPIToken(ctx, t.ID, now); err != nil {
				a.Log.Warn("record API token use", "token", t.Name, "err", err)
			}
		}
		c.Set(ctxCaller, caller{Token: t, Scope: sc, Bound: len(ids) > 0})
		err = next(c)
		// Every call is in the audit chain under the token's name: changes
		// record their own events in their transactions; reads (who pulled
		// which personal data, and when) are recorded here, after the answer.
		if m := c.Request().Method; m == http.MethodGet || m == http.MethodHead {
			status := c.Response().Status
			var he *echo.HTTPError
			var pr *Problem
			switch {
			case errors.As(err, &pr):
				status = pr.Status
			case errors.As(err, &he):
				status = he.Code
			case err != nil:
				status = http.StatusInternalServerError
			}
			if rerr := a.Store.Record(ctx, "api:"+t.Name, "api.read", truncate(c.Request().URL.RequestURI(), 128),
				map[string]string{"status": strconv.Itoa(status)}); rerr != nil {
				a.Log.Warn("record API read", "token", t.Name, "err", rerr)
			}
		}
		return err
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func (a *API) limiter(id uint) *rate.Limiter {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.limiters[id]
	if !ok {
		l = rate.NewLimiter(a.Rate, a.Burst)
		a.limiters[id] = l
	}
	return l
}

// need refuses a token without scope.
func need(scope string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !callerOf(c).Token.HasScope(scope) {
				return problem(http.StatusForbidden, "api_scope_missing", scope)
			}
			return next(c)
		}
	}
}

// problems turns every error of an API handler into a problem document,
// so API clients never receive the HTML error page.
func (a *API) problems(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed {
			return err
		}
		a.WriteProblem(err, c)
		return nil
	}
}

// writeJSON answers a read with JSON and an ETag; a matching If-None-Match
// gets 304 and no body.
func (a *API) writeJSON(c echo.Context, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return a.etagged(c, echo.MIMEApplicationJSON, b)
}

func (a *API) etagged(c echo.Context, ctype string, b []byte) error {
	sum := sha256.Sum256(b)
	tag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := c.Response().Header()
	h.Set("ETag", tag)
	h.Set("Cache-Control", "private, no-cache")
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			if t = strings.TrimSpace(t); t == tag || t == "W/"+tag || t == "*" {
				return c.NoContent(http.StatusNotModified)
			}
		}
	}
	return c.Blob(http.StatusOK, ctype, b)
}

// Paging: cursors are opaque to clients; inside they are the last id seen.
const (
	defaultLimit = 500
	maxLimit     = 5000
)

func encodeCursor(id uint) string {
	return "c" + strconv.FormatUint(uint64(id), 36)
}

func decodeCursor(s string) (uint, error) {
	if s == "" {
		return 0, nil
	}
	rest, ok := strings.CutPrefix(s, "c")
	n, err := strconv.ParseUint(rest, 36, 32)
	if !ok || err != nil {
		return 0, problem(http.StatusBadRequest, "api_cursor_invalid")
	}
	return uint(n), nil
}

// pageParams reads a list's ?cursor= and ?limit=.
func pageParams(c echo.Context) (after uint, limit int, err error) {
	if after, err = decodeCursor(c.QueryParam("cursor")); err != nil {
		return 0, 0, err
	}
	limit, err = pageLimit(c)
	return after, limit, err
}

func pageLimit(c echo.Context) (int, error) {
	s := c.QueryParam("limit")
	if s == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxLimit {
		return 0, problem(http.StatusBadRequest, "api_limit_range", strconv.Itoa(maxLimit))
	}
	return n, nil
}

func timeRFC3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
