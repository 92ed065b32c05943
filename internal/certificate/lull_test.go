package certificate

import (
	"context"
	"testing"
	"time"
)

// TestWaitForLull checks that background workers hold back while
// signatures arrive, yet never longer than maxDefer, and stop with ctx.
// Only lower bounds on elapsed time are asserted: they cannot flake on a
// slow machine.
func TestWaitForLull(t *testing.T) {
	tests := []struct {
		name            string
		wake            bool
		quiet, maxDefer time.Duration
		cancel          bool
		atLeast         time.Duration
	}{
		{name: "no signature yet: no wait", quiet: time.Hour, maxDefer: time.Hour},
		{name: "recent signature: waits for the quiet period", wake: true, quiet: 60 * time.Millisecond, maxDefer: time.Hour, atLeast: 60 * time.Millisecond},
		{name: "steady signing: waits at most maxDefer", wake: true, quiet: time.Hour, maxDefer: 40 * time.Millisecond, atLeast: 40 * time.Millisecond},
		{name: "stops when the context ends", wake: true, quiet: time.Hour, maxDefer: time.Hour, cancel: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewService(nil, nil, "", nil)
			s.quiet, s.maxDefer = tc.quiet, tc.maxDefer
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel {
				cancel()
			}
			start := time.Now()
			if tc.wake {
				s.Wake()
			}
			s.waitForLull(ctx) // a wrong implementation hangs here for an hour
			if got := time.Since(start); got < tc.atLeast {
				t.Errorf("returned after %v, want at least %v", got, tc.atLeast)
			}
		})
	}
}
