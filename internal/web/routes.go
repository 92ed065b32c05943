package web

import (
	"github.com/ikrar/ikrar/internal/store"
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes registers every route of the web application, grouped by who may
// call it; a group's role check sits on the group, so no handler repeats
// it (heads get 404 on /admin, anonymous users the login page). Request
// body caps are set in one place too: bodylimit.go, keyed by these routes.
// The JSON API's routes are registered by internal/api, behind its bearer
// tokens.
func (s *Server) routes() {
	e := s.echo
	// Rate limits key on the client address, so it must not come from a
	// header the client controls unless a trusted proxy replaces it.
	e.IPExtractor = clientIP(s.Config.TrustedProxies)
	// Order matters: the session is resolved from cookies alone, then the
	// body is capped (per route and role) before the CSRF check reads the
	// form, so nothing reads an uncapped body.
	ids := newRequestIDs()
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{Generator: ids.next}), s.requestLogger(), middleware.Recover(), s.securityHeaders, s.compress)
	e.Use(s.loadUser, s.bodyLimit, s.csrf)

	// Anyone: signers, verifiers, the health check.
	static, _ := fs.Sub(s.Assets, "static")
	e.GET("/static/*", s.serveStatic(static))
	e.GET("/healthz", s.healthz)
	e.GET("/", s.home)

	e.GET("/sign", s.signEntry)
	e.POST("/sign", s.signEntrySubmit)
	e.GET("/sign/:token", s.signPage)
	e.POST("/sign/:token", s.signSubmit)
	e.GET("/sign/:token/certificate.pdf", s.signCertificate)

	e.GET("/verify", s.verifyForm)
	e.POST("/verify", s.verifySubmit) // a certificate PDF: bodylimit.go
	e.GET("/verify/:code", s.verifyCode)
	e.GET("/audit/checkpoint.txt", s.auditCheckpoint)

	// Staff signing in and out.
	e.GET("/login", s.loginForm)
	e.POST("/login", s.loginSubmit)
	e.POST("/logout", s.logout)
	e.POST("/login/2fa", s.loginSecondFactor)

	// Heads and admins: their account, the dashboard and the reports of
	// the units they see (org.Scope).
	staff := requireStaff(store.RoleAdmin, store.RoleHead)
	account := e.Group("/account", staff)
	account.GET("/2fa", s.twoFAPage)
	account.POST("/2fa", s.twoFAEnable)
	account.POST("/2fa/disable", s.twoFADisable)

	dash := e.Group("/dashboard", staff)
	dash.GET("", s.dashboard)
	dash.GET("/departments/:code", s.departmentPage)
	dash.GET("/departments/:code/messages", s.unitMessagesConfirm)
	dash.POST("/departments/:code/messages", s.unitMessagesSend)
	dash.GET("/departments/:code/whatsapp", s.unitWhatsApp)
	dash.GET("/departments/:code/pending/:file", s.unitPendingFile)
	dash.GET("/certificates/:code", s.staffCertificate)
	dash.GET("/review", s.reviewPage)

	reports := e.Group("/reports", staff)
	reports.GET("/summary.:ext", s.reportSummary)
	reports.GET("/departments/:file", s.reportDepartment)

	// Admins only.
	admin := e.Group("/admin", requireStaff(store.RoleAdmin))
	admin.GET("", s.adminHome)

	admin.GET("/roster", s.adminRoster)
	admin.POST("/roster/preview", s.adminRosterPreview) // a roster file: bodylimit.go
	admin.GET("/roster/preview", s.adminRosterPreviewPage)
	admin.POST("/roster/commit", s.adminRosterCommit)
	// Units files share the roster's upload path and limits.
	admin.GET("/roster/units", s.adminUnits)
	admin.POST("/roster/units/preview", s.adminUnitsPreview)
	admin.POST("/roster/units/commit", s.adminUnitsCommit)

	admin.GET("/campaigns", s.adminCampaigns)
	admin.POST("/campaigns", s.adminCampaignCreate)
	admin.GET("/campaigns/:id/edit", s.adminCampaignEdit)
	admin.POST("/campaigns/:id", s.adminCampaignSave)
	admin.POST("/campaigns/:id/status", s.adminCampaignStatus)
	admin.POST("/campaigns/:id/deadline", s.adminCampaignDeadline)
	admin.POST("/campaigns/:id/reminders", s.adminCampaignReminders)
	admin.POST("/campaigns/:id/require-code", s.adminCampaignRequireCode)
	admin.POST("/signatures/:code/revoke", s.adminRevoke)
	admin.POST("/signatures/:code/reissue", s.adminReissue)

	admin.GET("/departments", s.adminDepartments)
	admin.POST("/departments", s.adminDepartmentCreate)
	admin.GET("/departments/:code", s.adminDepartmentEdit)
	admin.POST("/departments/:code", s.adminDepartmentSave)

	admin.GET("/users", s.adminUsers)
	admin.POST("/users", s.adminUserCreate)
	admin.POST("/users/:id/disable", s.adminUserDisable)
	admin.POST("/users/:id/enable", s.adminUserEnable)
	admin.POST("/users/:id/password", s.adminUserPassword)
	admin.POST("/users/:id/email", s.adminUserEmail)

	admin.GET("/audit", s.adminAudit)
	admin.GET("/audit/export.:format", s.adminAuditExport)

	admin.GET("/exports", s.adminExports)
	admin.GET("/exports/certificates.zip", s.adminExportCertificates)
	admin.GET("/exports/links.csv", s.adminExportLinks)
	admin.GET("/exports/links.pdf", s.adminExportLinks)

	admin.GET("/outbox", s.adminOutbox)
	admin.POST("/outbox/retry", s.adminOutboxRetry)

	admin.GET("/tokens", s.adminTokens)
	admin.POST("/tokens", s.adminTokenCreate)
	admin.POST("/tokens/:id/revoke", s.adminTokenRevoke)
	admin.GET("/webhooks", s.adminWebhooks)
	admin.POST("/webhooks", s.adminWebhookCreate)
	admin.POST("/webhooks/:id/test", s.adminWebhookTest)

	// Systems holding a bearer token: /api/v1 (internal/api).
	s.api.Register(e)
}

func (s *Server) serveStatic(files fs.FS) echo.HandlerFunc {
	fileServer := http.FileServer(http.FS(files))
	return func(c echo.Context) error {
		name := c.Param("*")
		if _, ok := s.renderer().static[name]; !ok {
			return echo.ErrNotFound
		}
		// URLs carry the content hash, so a file never changes under a URL.
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		// Text files were gzipped once at start-up at the best level.
		if gz := s.renderer().gz[name]; gz != nil && acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding)) && c.Request().Method == http.MethodGet {
			c.Response().Header().Set(echo.HeaderContentEncoding, "gzip")
			return c.Blob(http.StatusOK, mime.TypeByExtension(path.Ext(name)), gz)
		}
		r := c.Request().Clone(c.Request().Context())
		r.URL.Path = "/" + name
		fileServer.ServeHTTP(c.Response(), r)
		return nil
	}
}

func (s *Server) renderer() *renderer { return s.pages }

func (s *Server) healthz(c echo.Context) error {
	if err := s.Store.Ping(c.Request().Context()); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unreachable")
	}
	return c.String(http.StatusOK, "ok")
}

func (s *Server) home(c echo.Context) error {
	return c.Render(http.StatusOK, "home", s.page(c, "home_title"))
}

// Routes lists the registered routes as "METHOD /pattern", so tests can
// walk every one of them (body limits, CSRF) without a list to forget.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.echo.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}
