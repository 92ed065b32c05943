package web

import (
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// TestFixedHeaders: the shared header slices reach every answer whole,
// whatever an earlier answer did to its own headers.
func TestFixedHeaders(t *testing.T) {
	for _, f := range fixedHeaders {
		if k := textproto.CanonicalMIMEHeaderKey(f.key); k != f.key {
			t.Errorf("key %q is not canonical (%q): Header.Get would not find it", f.key, k)
		}
		if len(f.value) != 1 || cap(f.value) != 1 {
			t.Errorf("%s: value has len %d cap %d, want a full one-value slice (Add must copy it)", f.key, len(f.value), cap(f.value))
		}
	}
	e := echo.New()
	ids := newRequestIDs()
	s := &Server{}
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{Generator: ids.next}), s.securityHeaders)
	e.GET("/meddle", func(c echo.Context) error {
		h := c.Response().Header()
		h.Add("X-Frame-Options", "SAMEORIGIN")
		h.Set("Referrer-Policy", "origin")
		h.Del("X-Content-Type-Options")
		return c.String(http.StatusOK, "ok")
	})
	e.GET("/plain", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	get := func(path string) http.Header {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Header()
	}
	if h := get("/meddle"); len(h.Values("X-Frame-Options")) != 2 || h.Get("Referrer-Policy") != "origin" {
		t.Fatalf("a handler could not change its own headers: %v", h)
	}
	h := get("/plain")
	for _, f := range fixedHeaders {
		if got := h.Values(f.key); len(got) != 1 || got[0] != f.value[0] {
			t.Errorf("%s = %q after another answer changed it, want %q", f.key, got, f.value[0])
		}
	}
	if id := h.Get(echo.HeaderXRequestID); !strings.HasPrefix(id, ids.prefix) {
		t.Errorf("X-Request-Id %q, want one of ours (%q…)", id, ids.prefix)
	}
}
