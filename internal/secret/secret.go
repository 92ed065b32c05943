// Package secret makes the random credentials ikrar hands out: signing
// tokens, access codes, certificate codes and session tokens.
package secret

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

// codeAlphabet leaves out characters people misread on paper (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// Token returns 128 random bits, URL-safe (22 characters).
func Token() string {
	b := make([]byte, 16)
	rand.Read(b) // crypto/rand.Read never fails on supported platforms (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Session returns 256 random bits for staff session cookies.
func Session() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Code returns n characters from the unambiguous alphabet, uniformly.
func Code(n int) string {
	var sb strings.Builder
	sb.Grow(n)
	buf := make([]byte, n*2)
	for sb.Len() < n {
		rand.Read(buf)
		for _, c := range buf {
			// Rejection sampling keeps every character equally likely.
			if int(c) >= 256-256%len(codeAlphabet) {
				continue
			}
			sb.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
			if sb.Len() == n {
				break
			}
		}
	}
	return sb.String()
}

// AccessCode is the 8-character code typed with a NIP at /sign.
func AccessCode() string { return Code(8) }

// CertificateCode identifies a certificate publicly: 16 characters
// (about 79 bits) so codes cannot be enumerated at /verify.
func CertificateCode() string {
	c := Code(16)
	return "IKR-" + c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16]
}

// NormalizeCode upper-cases and strips spaces and dashes from a typed code,
// so "ikr 7q4m..." and "IKR-7Q4M-..." compare the same.
func NormalizeCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "", "-", "").Replace(s)
}

// Equal compares secrets in constant time.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// APIToken returns a bearer token of the JSON API: 256 random bits with a
// recognisable prefix, so secret scanners and people can tell what leaked.
func APIToken() string { return "ikrar_" + Session() }
