package api

import (
	"testing"
	"time"
)

// Each token has its own budget: one spending its burst does not slow
// another, and the budget refills with time (the API's clock).
func TestRateLimitPerToken(t *testing.T) {
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	a := New(Deps{Now: func() time.Time { return now }, Rate: 2, Burst: 3})
	for i := range 3 {
		if !a.limiter(1).AllowN(now, 1) {
			t.Fatalf("request %d within the burst refused", i+1)
		}
	}
	if a.limiter(1).AllowN(now, 1) {
		t.Error("request over the burst allowed")
	}
	if !a.limiter(2).AllowN(now, 1) {
		t.Error("another token is limited by the first one's use")
	}
	if !a.limiter(1).AllowN(now.Add(time.Second), 1) {
		t.Error("the budget does not refill")
	}
}

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"90d":                  "2027-02-27T08:00:00Z",
		"36h":                  "2026-11-30T20:00:00Z",
		"2027-06-30":           "2027-06-30T23:59:59Z",
		"2027-01-01T00:00:00Z": "2027-01-01T00:00:00Z",
	} {
		got, err := ParseExpiry(in, now)
		if err != nil || got.UTC().Format(time.RFC3339) != want {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, bad := range []string{"soon", "-3d", "0d"} {
		if _, err := ParseExpiry(bad, now); err == nil {
			t.Errorf("ParseExpiry(%q) accepted", bad)
		}
	}
	if got, err := ParseExpiry("", now); got != nil || err != nil {
		t.Errorf("empty expiry: %v, %v", got, err)
	}
}
