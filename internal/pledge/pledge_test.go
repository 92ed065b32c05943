package pledge

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

func TestNamesMatch(t *testing.T) {
	tests := []struct {
		typed, roster string
		want          bool
	}{
		{"Budi Santosa", "Drs. Budi Santosa, M.Pd.", true},
		{"budi   santosa", "Drs. Budi Santosa, M.Pd.", true},
		{"Drs. Budi Santosa, M.Pd.", "Drs. Budi Santosa, M.Pd.", true},
		{"BUDI SANTOSA", "Budi Santosa", true},
		{"Budi Santoso", "Budi Santosa", false},
		{"Budi", "Budi Santosa", false},
		{"Kartini", "R.A. Kartini, S.Pd., M.Si.", true},
		{"R.A. Kartini", "R.A. Kartini, S.Pd., M.Si.", true},
		{"Zoe Ngatiyem", "Zoë Ngatiyem", true},
		{"Zoë Ngatiyem", "Zoë Ngatiyem", true},
		{"ONeil", "O'Neil", true},
		{"O’Neil", "O'Neil", true},
		{"Ni Luh Putu Ayu", "Ni Luh Putu Ayu", true},
		{"Siti Rahayu", "Hj. Siti Rahayu, S.E.", true},
		{"dr. Andi", "dr. Andi Wijaya", false},
		{"", "Budi", false},
		{"   ", "Budi", false},
		{"Drs.", "Drs. Budi", false},
	}
	for _, tt := range tests {
		t.Run(tt.typed+"|"+tt.roster, func(t *testing.T) {
			if got := NamesMatch(tt.typed, tt.roster); got != tt.want {
				t.Errorf("NamesMatch(%q, %q) = %v, want %v (keys %q / %q)", tt.typed, tt.roster, got, tt.want, NameKey(tt.typed), NameKey(tt.roster))
			}
		})
	}
}

func FuzzNamesMatch(f *testing.F) {
	f.Add("Drs. Budi Santosa, M.Pd.", "budi santosa")
	f.Add("R.A. Kartini, S.Pd., M.Si.", "Kartini")
	f.Add("Zoë", "Zoe")
	f.Fuzz(func(t *testing.T, a, b string) {
		// Symmetric, and every name matches itself once it has a key.
		if NamesMatch(a, b) != NamesMatch(b, a) {
			t.Fatalf("not symmetric for %q, %q", a, b)
		}
		if NameKey(a) != "" && !NamesMatch(a, a) {
			t.Fatalf("%q does not match itself", a)
		}
		if NameKey(NameKey(a)) != NameKey(a) && !strings.ContainsAny(a, ",.") {
			t.Fatalf("key of %q not stable: %q vs %q", a, NameKey(a), NameKey(NameKey(a)))
		}
	})
}

func pngBytes(t testing.TB, w, h int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, h/2, color.Gray{Y: 10})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecodeDrawing(t *testing.T) {
	good := pngBytes(t, 300, 100)
	big := make([]byte, MaxDrawingBytes+10)
	copy(big, good)
	tests := []struct {
		name  string
		in    string
		ok    bool
		empty bool
	}{
		{"empty is fine", "", true, true},
		{"data url png", "data:image/png;base64," + base64.StdEncoding.EncodeToString(good), true, false},
		{"bare base64 png", base64.StdEncoding.EncodeToString(good), true, false},
		{"jpeg data url", "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(good), false, false},
		{"not base64", "data:image/png;base64,@@@@", false, false},
		{"not a png", "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("<svg onload=alert(1)>")), false, false},
		{"too large", "data:image/png;base64," + base64.StdEncoding.EncodeToString(big), false, false},
		{"truncated png", "data:image/png;base64," + base64.StdEncoding.EncodeToString(good[:len(good)/2]), false, false},
		{"huge dimensions", base64.StdEncoding.EncodeToString(pngBytes(t, 5000, 10)), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := DecodeDrawing(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && (len(b) == 0) != tt.empty {
				t.Fatalf("got %d bytes, want empty=%v", len(b), tt.empty)
			}
		})
	}
}

func FuzzDecodeDrawing(f *testing.F) {
	f.Add("data:image/png;base64," + base64.StdEncoding.EncodeToString(pngBytes(f, 20, 10)))
	f.Add("data:image/png;base64,iVBORw0KGgo=")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeDrawing(s)
		if err == nil && len(b) > 0 {
			if len(b) > MaxDrawingBytes {
				t.Fatalf("accepted %d bytes", len(b))
			}
			if _, err := png.Decode(bytes.NewReader(b)); err != nil {
				t.Fatalf("accepted a PNG that does not decode: %v", err)
			}
		}
	})
}

func TestCanonicalHashStable(t *testing.T) {
	a := DefaultID.Hash("Pemerintah Kota Yogyakarta")
	if a != DefaultID.Hash("Pemerintah Kota Yogyakarta") || len(a) != 64 {
		t.Fatalf("hash unstable or wrong length: %s", a)
	}
	if a == DefaultID.Hash("Pemerintah Kabupaten Sleman") {
		t.Fatal("instansi does not change the hash")
	}
	changed := DefaultID
	changed.Points = append([]string(nil), DefaultID.Points...)
	changed.Points[3] = "Menolak politik uang."
	if changed.Hash("Pemerintah Kota Yogyakarta") == a {
		t.Fatal("changed point does not change the hash")
	}
	c := DefaultID.Canonical("Pemerintah Kota Yogyakarta")
	for _, want := range []string{"di lingkungan Pemerintah Kota Yogyakarta berikrar:", "4. Menolak politik uang dan segala jenis pemberian dalam bentuk apa pun."} {
		if !strings.Contains(c, want) {
			t.Errorf("canonical text lacks %q", want)
		}
	}
}
