package web

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"unicode"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/30"), netip.MustParsePrefix("::1/128")}
	tests := []struct {
		name, remote, xff string
		trusted           []netip.Prefix
		want              string
	}{
		{"no proxies: the peer, header ignored", "198.51.100.1:4000", "203.0.113.9", nil, "198.51.100.1"},
		{"untrusted peer: header ignored", "198.51.100.1:4000", "203.0.113.9", proxies, "198.51.100.1"},
		{"trusted peer: the hop it appended", "10.0.0.1:4000", "203.0.113.9", proxies, "203.0.113.9"},
		{"client-chosen left hops ignored", "10.0.0.1:4000", "1.2.3.4, 5.6.7.8, 203.0.113.9", proxies, "203.0.113.9"},
		{"two trusted proxies", "10.0.0.1:4000", "1.2.3.4, 203.0.113.9, 10.0.0.2", proxies, "203.0.113.9"},
		{"private client on the LAN is not a proxy", "10.0.0.1:4000", "9.9.9.9, 10.1.2.3", proxies, "10.1.2.3"},
		{"several headers", "10.0.0.1:4000", "1.2.3.4\n203.0.113.9", proxies, "203.0.113.9"},
		{"garbage hop stops the walk", "10.0.0.1:4000", "203.0.113.9, nonsense", proxies, "10.0.0.1"},
		{"all trusted: left-most", "10.0.0.1:4000", "10.0.0.2", proxies, "10.0.0.2"},
		{"IPv6 peer", "[::1]:4000", "2001:db8::7", proxies, "2001:db8::7"},
		{"IPv4-mapped hop", "10.0.0.1:4000", "::ffff:203.0.113.9", proxies, "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tt.remote, Header: http.Header{}}
			for _, v := range strings.Split(tt.xff, "\n") {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := clientIP(tt.trusted)(r); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func FuzzClientIP(f *testing.F) {
	f.Add("10.0.0.1:1", "1.2.3.4, 203.0.113.9")
	f.Add("[::1]:1", "garbage,,, [2001:db8::1]")
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	f.Fuzz(func(t *testing.T, remote, xff string) {
		r := &http.Request{RemoteAddr: remote, Header: http.Header{"X-Forwarded-For": {xff}}}
		got := clientIP(proxies)(r)
		// Whatever the header says, an untrusted peer is the answer.
		if p := parseAddr(remote); p.IsValid() && !proxies[0].Contains(p) && !proxies[1].Contains(p) && got != p.String() {
			t.Fatalf("untrusted peer %s, got %s", p, got)
		}
	})
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/dashboard", "/\t/evil.example", "//evil", "/\\evil", "/a?b=c", "/%2F%2Fevil", "/\u202e/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, n string) {
		got := safeNext(n)
		if got == "" {
			return
		}
		if got != n || !strings.HasPrefix(got, "/") || strings.Contains(got, "//") || strings.ContainsRune(got, '\\') {
			t.Fatalf("safeNext(%q) = %q", n, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("safeNext(%q) kept %U", n, r)
			}
		}
		u, err := url.Parse(got)
		if err != nil {
			return // a broken escape is still a path on this site
		}
		if u.Host != "" || u.Scheme != "" {
			t.Fatalf("safeNext(%q) = %q leaves the site (host %q)", n, got, u.Host)
		}
	})
}
