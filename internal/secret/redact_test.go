package secret

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://ikrar:S3cr%40t@db.internal:5432/ikrar?sslmode=require", "postgres://ikrar:***@db.internal:5432/ikrar?sslmode=require"},
		{"smtps://mailer:hunter2@smtp.example.go.id:465", "smtps://mailer:***@smtp.example.go.id:465"},
		{"host=db user=ikrar password=S3cret dbname=ikrar", "host=db user=ikrar password=*** dbname=ikrar"},
		{`host=db password='it\'s s3cret' dbname=ikrar`, "host=db password=*** dbname=ikrar"},
		{`dsn "host=db PASSWORD = x9 sslmode=disable"`, `dsn "host=db PASSWORD = *** sslmode=disable"`},
		{"https://tsa.example/?token=abc123&x=1", "https://tsa.example/?token=***&x=1"},
		{"postgres://ikrar@db/ikrar", "postgres://ikrar@db/ikrar"},
		{"data/ikrar.db", "data/ikrar.db"},
		{"budi@example.go.id", "budi@example.go.id"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRedactingHandler(t *testing.T) {
	for _, json := range []bool{false, true} {
		var buf bytes.Buffer
		var h slog.Handler = slog.NewTextHandler(&buf, nil)
		if json {
			h = slog.NewJSONHandler(&buf, nil)
		}
		log := slog.New(NewRedactingHandler(h, "p12-Passw0rd"))
		log = log.With("dsn", "postgres://u:TopSecret1@h/db")
		log.Info("open postgres://u:TopSecret2@h/db", "db", "postgres://u:TopSecret3@h/db",
			"err", errors.New("connect host=h password=TopSecret4 failed"),
			slog.Group("g", "url", "smtp://m:TopSecret5@h"), "p12", "the bundle password is p12-Passw0rd")
		out := buf.String()
		if strings.Contains(out, "TopSecret") || strings.Contains(out, "p12-Passw0rd") {
			t.Fatalf("json=%v: a secret reached the log:\n%s", json, out)
		}
		if !strings.Contains(out, "h/db") || !strings.Contains(out, Redacted) {
			t.Fatalf("json=%v: the rest of the line is gone:\n%s", json, out)
		}
	}
}
