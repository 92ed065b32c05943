package web

import (
	"errors"
	"testing"
	"time"
)

// TestTTLCache checks when the cache loads: once while fresh, again after
// clear or expiry, and never keeps a failed load.
func TestTTLCache(t *testing.T) {
	tests := []struct {
		name      string
		ttl       time.Duration
		between   func(c *ttlCache[int, int])
		failFirst bool
		wantLoads int
		wantValue int
	}{
		{name: "fresh value is reused", ttl: time.Hour, wantLoads: 1, wantValue: 1},
		{name: "clear forces a reload", ttl: time.Hour, between: func(c *ttlCache[int, int]) { c.clear() }, wantLoads: 2, wantValue: 2},
		{name: "expired value is reloaded", ttl: 0, wantLoads: 2, wantValue: 2},
		{name: "failed load is not cached", ttl: time.Hour, failFirst: true, wantLoads: 2, wantValue: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newTTLCache[int, int](tc.ttl)
			loads := 0
			load := func() (int, error) {
				loads++
				if tc.failFirst && loads == 1 {
					return 0, errors.New("database down")
				}
				return loads, nil
			}
			_, _ = c.get(7, load)
			if tc.between != nil {
				tc.between(c)
			}
			v, err := c.get(7, load)
			if err != nil {
				t.Fatal(err)
			}
			if loads != tc.wantLoads || v != tc.wantValue {
				t.Errorf("loads = %d, value = %d; want %d, %d", loads, v, tc.wantLoads, tc.wantValue)
			}
		})
	}
}
