// Package web serves ikrar over HTTP with Echo: server-rendered pages for
// signers, staff and the public. Every route is in routes.go, grouped by
// role; every body cap in bodylimit.go. Handlers are methods on Server:
// they validate, call one domain function (org, campaign, pledge, report,
// roster, reach, staff) or a named store query, and render.
package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/api"
	"github.com/ikrar/ikrar/internal/campaign"
	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Certificates is what the web layer needs from the certificate service.
type Certificates interface {
	// PDF returns the stored certificate of a signature, making it first if
	// needed.
	PDF(ctx context.Context, sig store.Signature) ([]byte, error)
	// VerifyUpload checks an uploaded PDF: returns the matching signature.
	VerifyUpload(ctx context.Context, pdf []byte) (store.Signature, error)
	// Reason turns a verification error into a message for people.
	Reason(err error) *i18n.Error
	// Wake tells the background workers that a new signature waits for
	// its certificate.
	Wake()
	// Facts are what a signature's stored certificate says of itself: the
	// signing key and the RFC 3161 time (ok false when not made yet).
	Facts(ctx context.Context, sig store.Signature) (f certificate.Facts, ok bool, err error)
	// Reissue makes a certificate again; the old one verifies as replaced.
	Reissue(ctx context.Context, actor, code, reason string) (store.Signature, error)
	// ExportZip writes the certificates of a campaign (in the given units,
	// nil for all) as a ZIP, one PDF in memory at a time.
	ExportZip(ctx context.Context, w io.Writer, campaignID uint, deptIDs []uint, total int, progress certificate.Progress) (int, error)
}

// Deps is everything the web layer is built from.
type Deps struct {
	Config config.Config
	Store  *store.Store
	Pledge *pledge.Service
	Certs  Certificates
	Assets fs.FS
	Log    *slog.Logger
	// RequestLog takes the one line per request; nil means Log. serve
	// hands it a logger that writes in batches (internal/logbatch), since
	// these lines are the log's volume and only diagnostics.
	RequestLog *slog.Logger
	Now        func() time.Time
	// AutoAuditMax is how many signatures the admin overview checks the
	// audit chain for on every visit; above it the check runs on request.
	// 0 means the default (20,000); a negative value always waits for a request.
	AutoAuditMax int64
	// Limits are the rate limits' budgets; the zero value means DefaultLimits.
	Limits Limits
}

// Server holds the handlers' dependencies.
type Server struct {
	Deps
	echo  *echo.Echo
	pages *renderer // also echo's Renderer, unless a test wraps it

	limits limiters
	keys   serverKeys // derived from the database's secret, shared by instances

	openCampaigns *ttlCache[struct{}, []store.Campaign]
	campaigns     *campaign.Lifecycle // clears openCampaigns after every change
	departments   *ttlCache[uint, store.Department]
	points        pointsCache
	gzip          gzipPool
	opens         *openRecorder
	api           *api.API
}

// New builds the Echo application with every route.
func New(d Deps) (*Server, error) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.RequestLog == nil {
		d.RequestLog = d.Log
	}
	if d.Limits == (Limits{}) {
		d.Limits = DefaultLimits()
	}
	r, err := newRenderer(d.Assets)
	if err != nil {
		return nil, err
	}
	for _, lang := range []string{"id", "en"} {
		if err := r.foldLanguage(lang, i18n.Table(lang)); err != nil {
			return nil, err
		}
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Renderer = r
	s := &Server{
		Deps: d, echo: e, pages: r,
		limits:        newLimiters(d.Limits, d.Now),
		openCampaigns: newTTLCache[struct{}, []store.Campaign](hotTTL),
		departments:   newTTLCache[uint, store.Department](hotTTL),
		opens:         newOpenRecorder(d.Store, d.Log),
		api:           api.New(api.Deps{Store: d.Store, Certs: d.Certs, Log: d.Log, Now: d.Now}),
	}
	s.campaigns = &campaign.Lifecycle{Store: d.Store, Changed: s.openCampaigns.clear}
	if d.Store != nil && d.Store.MultiInstance() {
		// Several instances answer the same people: count in the database.
		for _, l := range s.limits.all() {
			l.sharedVia(d.Store, d.Log)
		}
	}
	if s.keys, err = loadKeys(d.Store); err != nil {
		return nil, err
	}
	e.HTTPErrorHandler = s.handleError
	s.routes()
	return s, nil
}

// ServeHTTP makes Server an http.Handler (tests use it with httptest).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Run serves until ctx ends, then finishes in-flight requests.
func (s *Server) Run(ctx context.Context, addr string, ready func(addr string)) error {
	srv := &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      5 * time.Minute, // certificate ZIPs stream for a while
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		// net/http's own lines (a bad query, a panic it caught) go to the
		// service's log, in order with the rest, not to bare stderr.
		ErrorLog: slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
	}
	withAnswerConns(srv)
	ln, err := listen(addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", addr, err)
	case <-ctx.Done():
	}
	s.Log.Info("shutting down, finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), s.Config.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	s.opens.flush(sctx) // link visits noted in the last moment
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// fixedHeaders go on every answer. They are assigned as ready one-value
// slices under their canonical keys: Header.Set canonicalised each key
// and allocated its slice, seven allocations per request. Sharing the
// slices is safe: Header.Set and Del replace a key's slice, and Add
// appends to a full (len == cap) slice, which copies it.
var fixedHeaders = []struct {
	key   string
	value []string
}{
	{"Content-Security-Policy", []string{"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"}},
	{"X-Content-Type-Options", []string{"nosniff"}},
	{"Referrer-Policy", []string{"no-referrer"}},
	{"X-Frame-Options", []string{"DENY"}},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}},
	{"Permissions-Policy", []string{"camera=(), microphone=(), geolocation=()"}},
}

var hstsHeader = []string{"max-age=31536000; includeSubDomains"}

// securityHeaders are sent on every response. The CSP allows no inline
// script or style: the only script is static/sign.js.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		for _, f := range fixedHeaders {
			h[f.key] = f.value
		}
		if c.Request().TLS != nil || s.Config.SecureCookies {
			h["Strict-Transport-Security"] = hstsHeader
		}
		return next(c)
	}
}

func (s *Server) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogError: true,
		Skipper: func(c echo.Context) bool { return strings.HasPrefix(c.Path(), "/static") || c.Path() == "/healthz" },
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			// Never log signing tokens: they are credentials.
			p := v.URIPath
			if strings.HasPrefix(p, "/sign/") {
				p = "/sign/…"
			}
			s.RequestLog.LogAttrs(c.Request().Context(), level, "request", slog.String("id", v.RequestID),
				slog.String("method", v.Method), slog.String("path", p), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency))
			return nil
		},
	})
}

// handleError renders one friendly page for every error. Unexpected errors
// are logged with the request id; users never see internals.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		s.api.WriteProblem(err, c) // API clients get problem+json, never the HTML page
		return
	}
	code := http.StatusInternalServerError
	var he *echo.HTTPError
	var msg *i18n.Error
	if errors.As(err, &he) {
		code = he.Code
		// 503s carry our own words (a certificate waiting for trusted
		// time); other 5xx messages could hold internals. Only a message
		// from the catalogue is shown: Echo's own ("Not Found") are
		// English status texts, and the page says it in the reader's
		// language instead.
		if m, ok := he.Message.(*i18n.Error); ok && (code < 500 || code == http.StatusServiceUnavailable) {
			msg = m
		}
	} else if errors.Is(err, store.ErrNotFound) {
		code = http.StatusNotFound
	} else if tooLarge := (*report.PDFTooLargeError)(nil); errors.As(err, &tooLarge) {
		// A PDF of more people than one may list (report.MaxPDFPeople):
		// the page says so and points to CSV and XLSX.
		code = http.StatusUnprocessableEntity
		errors.As(err, &msg)
	}
	if code >= 500 {
		s.Log.Error("request failed", "id", c.Response().Header().Get(echo.HeaderXRequestID), "path", c.Request().URL.Path, "err", err)
	}
	if code == http.StatusRequestEntityTooLarge {
		msg = i18n.New("err_too_large")
	}
	if strings.HasPrefix(c.Request().URL.Path, "/healthz") || c.Request().Method == http.MethodHead {
		_ = c.String(code, http.StatusText(code))
		return
	}
	p := s.page(c, "")
	d := errorData{Code: code}
	if msg != nil {
		d.OtherLang = "en"
		if p.Lang == "en" {
			d.OtherLang = "id"
		}
		d.Message, d.Other = msg.In(p.Lang), msg.In(d.OtherLang)
	}
	p.Data = d
	if code == http.StatusNotFound {
		p.Title = p.T["not_found"]
	} else {
		p.Title = p.T["error"]
	}
	if rerr := c.Render(code, "error", p); rerr != nil {
		s.Log.Error("render error page", "err", rerr)
		_ = c.String(code, http.StatusText(code))
	}
}

type errorData struct {
	Code    int
	Message string // in the page's language
	// Other is the same message in the other language, marked with its
	// language so screen readers read it right (and it stays second).
	Other, OtherLang string
}

// page is what every template receives.
type page struct {
	Lang    string
	T       map[string]string
	csrf    *pageToken // printed as {{.CSRF}}
	Title   string
	LangURL string
	User    *store.User
	Data    any
}

// CSRF is the request's CSRF token for the page's forms, made when a page
// first asks for it (pageToken); "" on a request without a binding.
func (p page) CSRF() string {
	if p.csrf == nil {
		return ""
	}
	return p.csrf.get()
}

func (s *Server) page(c echo.Context, titleKey string) page {
	lang := langOf(c)
	p := page{Lang: lang, T: i18n.Table(lang), LangURL: switchURL(c, lang)}
	if tok, ok := c.Get(ctxCSRF).(*pageToken); ok {
		p.csrf = tok
	}
	if u, ok := c.Get(ctxUser).(*store.User); ok {
		p.User = u
	}
	if titleKey != "" {
		p.Title = p.T[titleKey]
	}
	return p
}

const ctxUser = "user"
