package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// serverKeys are derived from one random secret kept in the database, so
// every instance behind a load balancer accepts the others' tokens.
type serverKeys struct {
	csrf    *keyedMAC // CSRF tokens
	known   []byte    // the "this account has logged in here before" cookie
	pending []byte    // the "password right, code still due" cookie
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported systems
	}
	return b
}

func loadKeys(st *store.Store) (serverKeys, error) {
	root := randomBytes(32)
	if st != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var err error
		if root, err = st.Secret(ctx, "web", func() []byte { return randomBytes(32) }); err != nil {
			return serverKeys{}, err
		}
	}
	return serverKeys{csrf: newKeyedMAC(mac(root, "csrf")), known: mac(root, "known-browser"), pending: mac(root, "second-factor")}, nil
}

// mac is HMAC-SHA256 of the parts, each written as "len:part".
func mac(key []byte, parts ...string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(framed(parts))
	return h.Sum(nil)
}

// framed is the parts as mac hashes them, "len:part" each, in one buffer
// rather than an fmt.Fprintf per part.
func framed(parts []string) []byte {
	n := 0
	for _, p := range parts {
		n += 20 + 1 + len(p)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = strconv.AppendInt(b, int64(len(p)), 10)
		b = append(b, ':')
		b = append(b, p...)
	}
	return b
}

// keyedMAC is mac with one key, its HMAC states kept for reuse: a CSRF
// token is made on every page and checked on every form, and hmac.New
// hashes the key into two pads and allocates two SHA-256 states each
// time, where a used HMAC's Reset restores its keyed state from a copy.
type keyedMAC struct{ pool sync.Pool }

func newKeyedMAC(key []byte) *keyedMAC {
	k := &keyedMAC{}
	k.pool.New = func() any { return hmac.New(sha256.New, key) }
	return k
}

// sum is mac(key, parts...).
func (k *keyedMAC) sum(parts ...string) []byte {
	h := k.pool.Get().(hash.Hash)
	h.Reset()
	h.Write(framed(parts))
	out := h.Sum(nil)
	k.pool.Put(h)
	return out
}

const (
	csrfCookie = "_csrf" // the anonymous binding: a random value, no meaning
	csrfField  = "_csrf" // form field (or X-CSRF-Token header) carrying the token
	ctxCSRF    = "csrf"
)

// csrf protects every unsafe request with a token bound to the visitor:
// to the session when logged in (so a new token at every login and none
// valid after logout), otherwise to a random anonymous cookie, which
// anonymous forms (signing, verifying, logging in) need. The token is an
// HMAC of that binding under a server key, so a cookie planted by someone
// else together with a form value of their choosing never matches. It is
// masked with fresh randomness on every page so compressed responses do
// not leak it.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := c.Request().URL.Path
		// The API authenticates with bearer tokens, never cookies, so a
		// cross-site request cannot carry its credential.
		if strings.HasPrefix(p, "/static/") || p == "/healthz" || strings.HasPrefix(p, "/api/") {
			return next(c)
		}
		r := c.Request()
		safe := r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions
		binding := s.csrfBinding(c, safe)
		if !safe {
			tok := r.Header.Get("X-CSRF-Token")
			if tok == "" {
				tok = r.FormValue(csrfField) // parsed already, within the body limit
			}
			if binding == "" || !s.csrfValid(binding, tok) {
				return echo.NewHTTPError(http.StatusForbidden, i18n.New("err_csrf"))
			}
		}
		if binding != "" {
			c.Set(ctxCSRF, &pageToken{s: s, binding: binding})
		}
		return next(c)
	}
}

// csrfBinding is what the token is bound to; on safe requests an
// anonymous visitor without one gets a fresh anonymous cookie.
func (s *Server) csrfBinding(c echo.Context, create bool) string {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		return "session:" + ck.Value
	}
	if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 && len(ck.Value) <= 64 {
		return "anon:" + ck.Value
	}
	if !create {
		return ""
	}
	v := base64.RawURLEncoding.EncodeToString(randomBytes(32))
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: v, Path: "/", HttpOnly: true, Secure: s.Config.SecureCookies,
		SameSite: http.SameSiteLaxMode})
	return "anon:" + v
}

// clearAnonCSRF drops the anonymous binding at login and logout, so a
// token issued before either is worthless after it.
func (s *Server) clearAnonCSRF(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Config.SecureCookies,
		SameSite: http.SameSiteLaxMode})
}

// pageToken is a request's CSRF token, made when a page first prints it
// (page.CSRF): the receipt a signing POST answers with has no form, and
// the token made for it (an HMAC, 32 random bytes, their encoding) was
// thrown away.
type pageToken struct {
	s       *Server
	binding string
	tok     string
}

func (t *pageToken) get() string {
	if t.tok == "" && t.s != nil {
		t.tok = t.s.csrfToken(t.binding)
	}
	return t.tok
}

func (s *Server) csrfToken(binding string) string {
	m := s.keys.csrf.sum(binding)
	mask := randomBytes(len(m))
	out := make([]byte, 2*len(m))
	copy(out, mask)
	subtle.XORBytes(out[len(m):], mask, m)
	return base64.RawURLEncoding.EncodeToString(out)
}

func (s *Server) csrfValid(binding, token string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 2*sha256.Size {
		return false
	}
	got := make([]byte, sha256.Size)
	subtle.XORBytes(got, raw[:sha256.Size], raw[sha256.Size:])
	return hmac.Equal(got, s.keys.csrf.sum(binding))
}
