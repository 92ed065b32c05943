package config

import (
	"flag"
	"io"
	"testing"
)

func TestPrecedenceAndValidation(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr bool
		check   func(Config) bool
	}{
		{"defaults", nil, nil, false, func(c Config) bool {
			return c.Addr == ":8080" && c.DB == "data/ikrar.db" && c.BaseURL == "http://localhost:8080" && !c.SecureCookies
		}},
		{"env over default", map[string]string{"IKRAR_ADDR": ":9000", "IKRAR_DATA": "/srv/ikrar"}, nil, false, func(c Config) bool {
			return c.Addr == ":9000" && c.DB == "/srv/ikrar/ikrar.db"
		}},
		{"flag over env", map[string]string{"IKRAR_ADDR": ":9000"}, []string{"--addr", ":7000"}, false, func(c Config) bool { return c.Addr == ":7000" }},
		{"https base url makes cookies secure", map[string]string{"IKRAR_BASE_URL": "https://ikrar.example.go.id/"}, nil, false, func(c Config) bool {
			return c.SecureCookies && c.BaseURL == "https://ikrar.example.go.id"
		}},
		{"unknown driver", map[string]string{"IKRAR_DB_DRIVER": "oracle"}, nil, true, nil},
		{"postgres needs a DSN", map[string]string{"IKRAR_DB_DRIVER": "postgres"}, nil, true, nil},
		{"cert without key", nil, []string{"--signing-cert", "c.pem"}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Defaults()
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			c.Register(fs, func(k string) string { return tt.env[k] })
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := c.Finish()
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.check != nil && !tt.check(c) {
				t.Fatalf("config %+v", c)
			}
		})
	}
}
