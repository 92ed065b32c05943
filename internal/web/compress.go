package web

import (
	"bytes"
	"compress/gzip"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
)

// compressible are the content types worth gzipping: text that shrinks to
// a quarter or less. PDFs, ZIPs, XLSX files and PNGs are compressed
// already; gzipping them again costs CPU and gains nothing.
var compressible = map[string]bool{
	"text/html": true, "text/css": true, "text/csv": true, "text/javascript": true,
	"application/javascript": true, "application/json": true, "image/svg+xml": true,
}

func isCompressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return compressible[strings.TrimSpace(strings.ToLower(mt))]
}

// acceptsGzip reads Accept-Encoding, honouring "gzip;q=0" as a refusal.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// gzipPool reuses gzip writers: a writer's tables are the costly part.
// BestSpeed keeps most of the saving on pages of a few kilobytes for a
// fraction of the CPU of the default level, which matters on the signing
// path.
type gzipPool struct{ p sync.Pool }

func (g *gzipPool) get(w *bytes.Buffer) *gzip.Writer {
	if z, ok := g.p.Get().(*gzip.Writer); ok {
		z.Reset(w)
		return z
	}
	z, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	z.Reset(w)
	return z
}

// compress gzips text responses for clients that accept it. It decides by
// the Content-Type the handler sets, when the handler writes its header,
// so no route list can fall out of date: a streamed certificate ZIP or a
// PDF passes through untouched.
func (s *Server) compress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		res := c.Response()
		res.Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		if c.Request().Method == http.MethodHead || !acceptsGzip(c.Request().Header.Get(echo.HeaderAcceptEncoding)) {
			return next(c)
		}
		w := &gzipWriter{ResponseWriter: res.Writer, pool: &s.gzip}
		res.Writer = w
		defer func() {
			w.finish()
			res.Writer = w.ResponseWriter
		}()
		// The friendly error page is rendered here, while the gzip writer
		// is in place, rather than after every middleware has returned.
		if err := next(c); err != nil {
			c.Error(err)
		}
		return nil
	}
}

// gzipWriter compresses the body when the header it is given says the
// body is compressible text; otherwise it is a plain pass-through.
type gzipWriter struct {
	http.ResponseWriter
	pool    *gzipPool
	decided bool
	buf     bytes.Buffer // compressed bytes not yet sent
	z       *gzip.Writer
}

func (w *gzipWriter) WriteHeader(code int) {
	if !w.decided {
		w.decided = true
		h := w.Header()
		// A range of a file (206) is a slice of the plain bytes: never gzip it.
		if code >= 200 && code != http.StatusNoContent && code != http.StatusNotModified && code != http.StatusPartialContent &&
			h.Get(echo.HeaderContentEncoding) == "" && isCompressible(h.Get(echo.HeaderContentType)) {
			h.Del(echo.HeaderContentLength)
			h.Set(echo.HeaderContentEncoding, "gzip")
			w.z = w.pool.get(&w.buf)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get(echo.HeaderContentType) == "" {
			w.Header().Set(echo.HeaderContentType, http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.z == nil {
		return w.ResponseWriter.Write(b)
	}
	if _, err := w.z.Write(b); err != nil {
		return 0, err
	}
	// Send what is compressed so far once it is worth a packet; a page
	// of a few kilobytes goes out in one piece at the end.
	if w.buf.Len() >= 32<<10 {
		if _, err := w.ResponseWriter.Write(w.buf.Bytes()); err != nil {
			return 0, err
		}
		w.buf.Reset()
	}
	return len(b), nil
}

// Flush sends everything written so far, compressed, for streamed bodies.
func (w *gzipWriter) Flush() {
	if w.z != nil {
		_ = w.z.Flush()
		_, _ = w.ResponseWriter.Write(w.buf.Bytes())
		w.buf.Reset()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish closes the gzip stream and returns the writer to the pool.
func (w *gzipWriter) finish() {
	if w.z == nil {
		return
	}
	_ = w.z.Close()
	_, _ = w.ResponseWriter.Write(w.buf.Bytes())
	w.buf.Reset()
	w.pool.p.Put(w.z)
	w.z = nil
}

// gzipStatic compresses a static file once, at start-up, for the types
// worth it; nil when gzip would not make it smaller.
func gzipStatic(name string, b []byte) []byte {
	if !isCompressible(mime.TypeByExtension(path.Ext(name))) {
		return nil
	}
	var buf bytes.Buffer
	z, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = z.Write(b)
	_ = z.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}
