package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
)

// TestMACFraming pins what mac hashes ("len:part" for each part, as
// fmt.Fprintf wrote it before): the keys derived from the database's
// secret and the cookies made with them must not change with an upgrade.
// The pooled CSRF MAC gives the same sums, also when used concurrently.
func TestMACFraming(t *testing.T) {
	key := []byte("a key of some length, longer than nothing")
	reference := func(parts ...string) []byte {
		h := hmac.New(sha256.New, key)
		for _, p := range parts {
			fmt.Fprintf(h, "%d:%s", len(p), p)
		}
		return h.Sum(nil)
	}
	cases := [][]string{
		{}, {""}, {"csrf"}, {"anon:abc", ""}, {"session:" + string(bytes.Repeat([]byte("x"), 300))},
		{"1:2", "3"}, {"ünïcødé", "\x00\xff"},
	}
	k := newKeyedMAC(key)
	for _, parts := range cases {
		want := reference(parts...)
		if got := mac(key, parts...); !bytes.Equal(got, want) {
			t.Errorf("mac(%q) = %x, want %x", parts, got, want)
		}
		if got := k.sum(parts...); !bytes.Equal(got, want) {
			t.Errorf("keyedMAC.sum(%q) = %x, want %x", parts, got, want)
		}
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				b := fmt.Sprintf("anon:%d-%d", i, j)
				if got := k.sum(b); !bytes.Equal(got, reference(b)) {
					t.Errorf("concurrent keyedMAC.sum(%q) differs", b)
					return
				}
			}
		})
	}
	wg.Wait()
}
