package staff_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/staff"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
	"github.com/pquerna/otp/totp"
)

func TestTOTPAndRecoveryCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, b storetest.Backend) {
		ctx := context.Background()
		st := storetest.Open(t, b)
		u, err := staff.Add(ctx, st, "test", "admin", store.RoleAdmin, "kata-sandi-uji-123", nil)
		if err != nil {
			t.Fatal(err)
		}
		sec, url, err := staff.NewTOTPKey("ikrar Kota Uji", "admin")
		if err != nil || sec == "" || url == "" {
			t.Fatalf("key: %v", err)
		}
		now := time.Date(2024, 2, 14, 8, 0, 0, 0, time.UTC)
		code := func(at time.Time) string {
			c, err := totp.GenerateCode(sec, at)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		if _, err := staff.EnableTOTP(ctx, st, "test", u, sec, "000000", now); !errors.Is(err, staff.ErrBadSecondFactor) && code(now) != "000000" {
			t.Fatalf("setup with a wrong code: %v", err)
		}
		recovery, err := staff.EnableTOTP(ctx, st, "test", u, sec, code(now), now)
		if err != nil || len(recovery) != staff.RecoveryCodeCount {
			t.Fatalf("setup: %d codes, %v", len(recovery), err)
		}
		u, _ = st.UserByUsername(ctx, "admin")
		for _, h := range []string{recovery[0], recovery[1]} {
			if u.RecoveryCodes == "" || strings.Contains(u.RecoveryCodes, h) {
				t.Fatal("recovery codes stored in clear")
			}
		}
		later := now.Add(5 * time.Minute)
		steps := []struct {
			name, code string
			ok         bool
		}{
			{"the code that confirmed the setup", code(now), false},
			{"current code", code(later), true},
			{"the same code again", code(later), false},
			{"code of the previous step, older than the one used", code(later.Add(-30 * time.Second)), false},
			{"code from an hour ago", code(now.Add(-time.Hour)), false},
			{"recovery code", recovery[3], true},
			{"recovery code again", recovery[3], false},
			{"recovery code typed loosely", " " + strings.ToLower(recovery[4]) + " ", true},
			{"next step's code", code(later.Add(30 * time.Second)), true},
		}
		for _, s := range steps {
			u, _ = st.UserByUsername(ctx, "admin")
			err := staff.CheckSecondFactor(ctx, st, u, s.code, later)
			if (err == nil) != s.ok {
				t.Fatalf("%s: err %v, want ok=%v", s.name, err, s.ok)
			}
		}
		if err := st.DisableTOTP(ctx, "test", u.ID); err != nil {
			t.Fatal(err)
		}
		u, _ = st.UserByUsername(ctx, "admin")
		if u.TOTPSecret != "" || u.RecoveryCodes != "" {
			t.Fatal("disable left the secret or codes")
		}
	})
}
