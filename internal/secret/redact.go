package secret

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// Passwords and keys hide in DSNs and URLs that are otherwise worth
// logging (which database, which SMTP server). These patterns cover the
// URL form (scheme://user:password@host) and the PostgreSQL keyword form
// (password=...), quoted or not.
var (
	urlPassword = regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*):([^@\s/]*)@`)
	kwPassword  = regexp.MustCompile(`(?i)\b((?:ssl)?password|pass|pwd|secret|token)(\s*=\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;]+)`)
)

// Redacted replaces a redacted part.
const Redacted = "***"

// Redact removes passwords from DSNs and URLs in s.
func Redact(s string) string {
	if !strings.Contains(s, "@") && !strings.Contains(s, "=") {
		return s
	}
	s = urlPassword.ReplaceAllString(s, "$1:"+Redacted+"@")
	return kwPassword.ReplaceAllString(s, "$1$2"+Redacted)
}

// RedactingHandler passes records on with every message and attribute
// redacted (Redact), and the given literal secrets (a PKCS#12 password)
// replaced wherever they appear. It is the one place that keeps secrets
// out of ikrar's logs, whatever a caller passes in.
type RedactingHandler struct {
	next     slog.Handler
	literals []string
}

// NewRedactingHandler wraps next. Empty literals are ignored.
func NewRedactingHandler(next slog.Handler, literals ...string) *RedactingHandler {
	h := &RedactingHandler{next: next}
	for _, l := range literals {
		if len(l) >= 4 { // a shorter "secret" would blank out ordinary words
			h.literals = append(h.literals, l)
		}
	}
	return h
}

func (h *RedactingHandler) clean(s string) string {
	s = Redact(s)
	for _, l := range h.literals {
		s = strings.ReplaceAll(s, l, Redacted)
	}
	return s
}

func (h *RedactingHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.clean(v.String()))
	case slog.KindGroup:
		as := v.Group()
		out := make([]any, len(as))
		for i, g := range as {
			out[i] = h.attr(g)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		// Errors and Stringers print their text: redact that text.
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, h.clean(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, h.clean(x.String()))
		case []byte:
			return slog.String(a.Key, h.clean(string(x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// Enabled implements slog.Handler.
func (h *RedactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle implements slog.Handler.
func (h *RedactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.clean(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *RedactingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return &RedactingHandler{next: h.next.WithAttrs(clean), literals: h.literals}
}

// WithGroup implements slog.Handler.
func (h *RedactingHandler) WithGroup(name string) slog.Handler {
	return &RedactingHandler{next: h.next.WithGroup(name), literals: h.literals}
}
