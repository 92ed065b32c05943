package web

import (
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

func (s *Server) routes() {
	e := s.echo
	// Rate limits key on the client address, so it must not come from a
	// header the client controls unless a trusted proxy replaces it.
	e.IPExtractor = clientIP(s.Config.TrustedProxies)
	// Order matters: the session is resolved from cookies alone, then the
	// body is capped (per route and role) before the CSRF check reads the
	// form, so nothing reads an uncapped body.
	e.Use(middleware.RequestID(), s.requestLogger(), middleware.Recover(), s.securityHeaders, s.compress)
	e.Use(s.loadUser, s.bodyLimit, s.csrf)

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
	e.POST("/verify", s.verifySubmit)
	e.GET("/verify/:code", s.verifyCode)
	e.GET("/audit/checkpoint.txt", s.auditCheckpoint)

	s.staffRoutes()
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
