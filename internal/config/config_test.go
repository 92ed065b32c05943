package config

import (
	"flag"
	"io"
	"testing"
	"time"
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
		{"no proxies trusted by default", nil, nil, false, func(c Config) bool { return len(c.TrustedProxies) == 0 }},
		{"trusted proxies by CIDR and address", map[string]string{"IKRAR_TRUSTED_PROXIES": "10.0.0.0/24, 192.0.2.7"}, nil, false, func(c Config) bool {
			return len(c.TrustedProxies) == 2 && c.TrustedProxies[0].String() == "10.0.0.0/24" && c.TrustedProxies[1].String() == "192.0.2.7/32"
		}},
		{"trusted proxies flag over env", map[string]string{"IKRAR_TRUSTED_PROXIES": "10.0.0.0/24"}, []string{"--trusted-proxies", "::1"}, false, func(c Config) bool {
			return len(c.TrustedProxies) == 1 && c.TrustedProxies[0].String() == "::1/128"
		}},
		{"IKRAR_TRUST_PROXY=1 trusts loopback and private ranges", map[string]string{"IKRAR_TRUST_PROXY": "1"}, nil, false, func(c Config) bool {
			return len(c.TrustedProxies) == 8 && c.TrustedProxies[0].String() == "127.0.0.0/8"
		}},
		{"bad proxy", map[string]string{"IKRAR_TRUSTED_PROXIES": "proxy.local"}, nil, true, nil},
		{"digest at 07.00 WIB by default", nil, nil, false, func(c Config) bool { return c.DigestAt == 7*time.Hour && !c.NoDigest }},
		{"digest time from env", map[string]string{"IKRAR_DIGEST_TIME": "16.30"}, nil, false, func(c Config) bool { return c.DigestAt == 16*time.Hour+30*time.Minute }},
		{"digest time flag over env", map[string]string{"IKRAR_DIGEST_TIME": "16:30"}, []string{"--digest-time", "off"}, false, func(c Config) bool { return c.NoDigest }},
		{"bad digest time", map[string]string{"IKRAR_DIGEST_TIME": "24:00"}, nil, true, nil},
		{"digest time without minutes", nil, []string{"--digest-time", "7"}, true, nil},
		{"completed check", map[string]string{"IKRAR_COMPLETED_CHECK": "5s"}, nil, false, func(c Config) bool { return c.CompletedCheck == 5*time.Second }},
		{"completed check too often", nil, []string{"--completed-check", "10ms"}, true, nil},
		{"2FA required", map[string]string{"IKRAR_REQUIRE_2FA": "1"}, nil, false, func(c Config) bool { return c.Require2FA }},
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
