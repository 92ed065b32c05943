package web

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Request body caps: forms are small; uploads of certificates and rosters
// get their own, larger, limits on their routes.
const (
	formLimit   = "256K"
	verifyLimit = "2M"
	importLimit = "64M"
)

func (s *Server) routes() {
	e := s.echo
	// Rate limits key on the client address, so it must not come from a
	// header the client controls unless a trusted proxy replaces it.
	e.IPExtractor = echo.ExtractIPDirect()
	if s.Config.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader() // trusts loopback and private-range proxies only
	}
	e.Use(middleware.RequestID(), s.requestLogger(), middleware.Recover(), s.securityHeaders)
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit: formLimit,
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			return p == "/verify" || strings.HasPrefix(p, "/admin/roster")
		},
	}))
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:_csrf",
		CookieName:     "_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   s.Config.SecureCookies,
		CookieSameSite: http.SameSiteLaxMode,
		Skipper: func(c echo.Context) bool {
			return strings.HasPrefix(c.Request().URL.Path, "/static/") || c.Request().URL.Path == "/healthz"
		},
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "Formulir kedaluwarsa atau tidak sah; muat ulang halaman dan coba lagi. / The form expired or is invalid; reload the page and try again.")
		},
	}))
	e.Use(s.loadUser)

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
	e.POST("/verify", s.verifySubmit, middleware.BodyLimit(verifyLimit))
	e.GET("/verify/:code", s.verifyCode)
	e.GET("/audit/checkpoint.txt", s.auditCheckpoint)

	s.staffRoutes()
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
		r := c.Request().Clone(c.Request().Context())
		r.URL.Path = "/" + name
		fileServer.ServeHTTP(c.Response(), r)
		return nil
	}
}

func (s *Server) renderer() *renderer { return s.echo.Renderer.(*renderer) }

func (s *Server) healthz(c echo.Context) error {
	if err := s.Store.Ping(c.Request().Context()); err != nil {
		return c.String(http.StatusServiceUnavailable, "database unreachable")
	}
	return c.String(http.StatusOK, "ok")
}

func (s *Server) home(c echo.Context) error {
	return c.Render(http.StatusOK, "home", s.page(c, "home_title"))
}
