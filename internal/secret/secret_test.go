package secret

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestCredentials(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		tok := Token()
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(b) != 16 {
			t.Fatalf("token %q is not 128 URL-safe bits", tok)
		}
		code := AccessCode()
		if len(code) != 8 || strings.ContainsAny(code, "0O1IL") || strings.Trim(code, codeAlphabet) != "" {
			t.Fatalf("access code %q uses ambiguous or foreign characters", code)
		}
		cert := CertificateCode()
		if len(cert) != 23 || !strings.HasPrefix(cert, "IKR-") || strings.Count(cert, "-") != 4 {
			t.Fatalf("certificate code %q malformed", cert)
		}
		for _, s := range []string{tok, code, cert} {
			if seen[s] {
				t.Fatalf("%q repeated", s)
			}
			seen[s] = true
		}
	}
}

func TestCodeIsUniform(t *testing.T) {
	counts := map[rune]int{}
	const n = 200_000
	for _, r := range Code(n) {
		counts[r]++
	}
	want := n / len(codeAlphabet)
	for _, r := range codeAlphabet {
		if c := counts[r]; c < want*85/100 || c > want*115/100 {
			t.Errorf("%c drawn %d times, want about %d", r, c, want)
		}
	}
}

func TestNormalizeAndEqual(t *testing.T) {
	if NormalizeCode(" ikr-7q4m 9xkd ") != "IKR7Q4M9XKD" {
		t.Fatal(NormalizeCode(" ikr-7q4m 9xkd "))
	}
	if !Equal("ABCDEFGH", "ABCDEFGH") || Equal("ABCDEFGH", "ABCDEFGX") || Equal("ABC", "ABCD") {
		t.Fatal("Equal is wrong")
	}
}
