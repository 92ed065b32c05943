package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientIP returns the address rate limits key on. Without trusted proxies
// it is the connection's peer. Behind trusted proxies it is the right-most
// address in X-Forwarded-For that is not a trusted proxy: every hop to the
// right of it was added by our own proxies, and everything to its left is
// whatever the client chose to send, so rotating it changes nothing.
func clientIP(trusted []netip.Prefix) func(*http.Request) string {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return func(r *http.Request) string {
		peer := parseAddr(r.RemoteAddr)
		if !peer.IsValid() {
			return r.RemoteAddr
		}
		if len(trusted) == 0 || !isTrusted(peer) {
			return peer.String()
		}
		hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a := parseAddr(strings.TrimSpace(hops[i]))
			if !a.IsValid() {
				// Garbage where a proxy should have written an address:
				// the last address we can vouch for is this hop's sender.
				break
			}
			if !isTrusted(a) {
				return a.String()
			}
			peer = a
		}
		return peer.String()
	}
}

// parseAddr reads "ip", "ip:port" or "[ipv6]:port".
func parseAddr(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}
