package pdfkit

import (
	"math/rand"
	"strings"
	"testing"
)

// TestQREncodeMatchesGoQRCode checks the fast encoder module by module
// against github.com/skip2/go-qrcode. Inputs are mostly lower-case so that
// go-qrcode also encodes them in byte mode (its segmenter would otherwise use
// alphanumeric or numeric segments and build a different but valid symbol).
func TestQREncodeMatchesGoQRCode(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const alphabet = "abcdefghijklmnopqrstuvwxyz"
	var inputs []string
	inputs = append(inputs, "https://ikrar.example.go.id/verify/ikr-7q4m-9xkd-2hpa", "a", "hello world")
	// Lengths chosen to cross every version boundary up to version 40.
	for _, n := range []int{1, 13, 14, 15, 25, 26, 27, 41, 42, 43, 61, 62, 63, 83, 84, 85, 105, 106, 107, 179, 180, 181, 212, 213, 214, 330, 331, 332, 500, 1000, 1500, 2000, 2331} {
		inputs = append(inputs, randomText(rng, alphabet, n))
	}
	for i := 0; i < 150; i++ {
		inputs = append(inputs, randomText(rng, alphabet, 1+rng.Intn(400)))
	}
	for _, in := range inputs {
		got, err := qrEncode(in)
		if err != nil {
			t.Fatalf("qrEncode(%d chars): %v", len(in), err)
		}
		want, err := encodeQRReference(in)
		if err != nil {
			t.Fatalf("go-qrcode(%d chars): %v", len(in), err)
		}
		if got.n != want.n {
			t.Fatalf("%d chars: size %d, go-qrcode %d", len(in), got.n, want.n)
		}
		for i := range got.dark {
			if got.dark[i] != want.dark[i] {
				t.Fatalf("%d chars (size %d): module (%d,%d) differs", len(in), got.n, i%got.n, i/got.n)
			}
		}
	}
}

func TestQREncodeTooLong(t *testing.T) {
	if _, err := qrEncode(strings.Repeat("a", 2332)); err == nil {
		t.Fatal("2332 bytes encoded; level M holds at most 2331")
	}
	// encodeQR falls back to go-qrcode, which also refuses.
	if _, err := EncodeQR(strings.Repeat("a", 5000)); err == nil {
		t.Fatal("5000 bytes encoded")
	}
}

func randomText(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.Intn(len(alphabet))]
	}
	return string(b)
}

func BenchmarkQREncode(b *testing.B) {
	const url = "https://ikrar.jogjakota.go.id/verify/IKR-7Q4M-9XKD-2HPA"
	b.Run("fast", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := qrEncode(url); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("go-qrcode", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := encodeQRReference(url); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestQRMaskWordsMatchQRMask(t *testing.T) {
	for k := 0; k < 8; k++ {
		for y := 0; y < 64; y++ {
			for x := 0; x < 64; x++ {
				want := qrMask(k, x, y)
				if got := qrMaskWords.rows[k][y%12]>>uint(x)&1 == 1; got != want {
					t.Fatalf("mask %d row word at (%d,%d): %v, want %v", k, x, y, got, want)
				}
				if got := qrMaskWords.cols[k][x%6]>>uint(y)&1 == 1; got != want {
					t.Fatalf("mask %d column word at (%d,%d): %v, want %v", k, x, y, got, want)
				}
			}
		}
	}
}
