package audit

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func chain(n int) []Stored {
	prev := Genesis
	var out []Stored
	for i := 1; i <= n; i++ {
		e := Event{Seq: uint64(i), At: time.Date(2024, 2, 14, 8, 0, i, 0, time.UTC), Actor: "asn:1", Action: "signature.created", Subject: "s", Detail: `{"n":"1"}`, PrevHash: prev}
		h := Hash(e)
		out = append(out, Stored{Event: e, Hash: h})
		prev = h
	}
	return out
}

func TestHashCoversEveryField(t *testing.T) {
	base := chain(1)[0].Event
	variants := map[string]func(e *Event){
		"seq":     func(e *Event) { e.Seq++ },
		"time":    func(e *Event) { e.At = e.At.Add(time.Nanosecond) },
		"actor":   func(e *Event) { e.Actor += "x" },
		"action":  func(e *Event) { e.Action += "x" },
		"subject": func(e *Event) { e.Subject += "x" },
		"detail":  func(e *Event) { e.Detail += " " },
		"prev":    func(e *Event) { e.PrevHash = strings.Repeat("1", 64) },
		// Moving characters between fields must change the hash too.
		"shift": func(e *Event) { e.Actor, e.Action = e.Actor+e.Action[:1], e.Action[1:] },
	}
	for name, change := range variants {
		e := base
		change(&e)
		if Hash(e) == Hash(base) {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
}

func TestVerifierFindsFirstBreak(t *testing.T) {
	tests := []struct {
		name   string
		mutate func([]Stored) []Stored
		seq    uint64
	}{
		{"intact", func(c []Stored) []Stored { return c }, 0},
		{"edited detail", func(c []Stored) []Stored { c[2].Detail = "{}"; return c }, 3},
		{"deleted event", func(c []Stored) []Stored { return append(c[:1], c[2:]...) }, 2},
		{"swapped events", func(c []Stored) []Stored { c[1], c[2] = c[2], c[1]; return c }, 2},
		{"rehashed edit", func(c []Stored) []Stored { c[3].Actor = "x"; c[3].Hash = Hash(c[3].Event); return c }, 5},
	}
	for _, tt := range tests {
		// Check event by event, and CheckBatch (hashes on several cores)
		// over the same events, must find the same first break; the long
		// chain makes CheckBatch use more than one worker.
		for _, n := range []int{6, 2000} {
			for _, batch := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%d/batch=%v", tt.name, n, batch), func(t *testing.T) {
					testVerifier(t, tt.mutate(chain(n)), n, tt.seq, batch)
				})
			}
		}
	}
}

func testVerifier(t *testing.T, events []Stored, n int, seq uint64, batch bool) {
	v := NewVerifier()
	var err error
	if batch {
		err = v.CheckBatch(events)
	} else {
		for _, s := range events {
			if err = v.Check(s); err != nil {
				break
			}
		}
	}
	if seq == 0 {
		if err != nil {
			t.Fatal(err)
		}
		if got, head := v.Head(); got != n || head != chain(n)[n-1].Hash {
			t.Fatalf("head %d %s", got, head)
		}
		return
	}
	var b *BrokenError
	if !errors.As(err, &b) || b.Seq != seq {
		t.Fatalf("err = %v, want broken at %d", err, seq)
	}
}

// TestSignatureDigestV2Golden pins the v2 digest rule: every stored
// signature event carries one, so its bytes may never change.
func TestSignatureDigestV2Golden(t *testing.T) {
	tests := []struct {
		f    SignatureFacts
		want string
	}{
		{SignatureFacts{NIP: "199001012015031001", CampaignID: 3, DepartmentID: 12, SignedAt: time.Date(2024, 1, 8, 1, 2, 3, 456789000, time.FixedZone("WIB", 7*3600)),
			TypedName: "Siti Aminah", Name: "Siti Aminah, S.Kom.", Position: "Analis Kebijakan Ahli Muda", PledgeHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			CertCode: "IKR-AB12-CD34", DrawnPNG: []byte("\x89PNG drawn")}, "118d4e96d52200de2994a033b11b8a50361cbc99238911f0d2e19d29fcdf09ac"},
		{SignatureFacts{}, "1924e4dd6549a284e79b7004f7842abdd23188474084da34aa0c6c6f60126490"},
	}
	for _, tt := range tests {
		if got := SignatureDigestV2(tt.f); got != tt.want {
			t.Errorf("SignatureDigestV2(%+v) = %s, want %s", tt.f, got, tt.want)
		}
	}
}

func BenchmarkSignatureDigestV2(b *testing.B) {
	f := SignatureFacts{NIP: "199001012015031001", CampaignID: 3, DepartmentID: 12, SignedAt: time.Date(2024, 1, 8, 1, 2, 3, 456789000, time.UTC),
		TypedName: "Siti Aminah", Name: "Siti Aminah, S.Kom.", Position: "Analis Kebijakan Ahli Muda", PledgeHash: strings.Repeat("9f", 32),
		CertCode: "IKR-AB12-CD34", DrawnPNG: []byte(strings.Repeat("\x89PNG drawn signature ", 20))}
	b.ReportAllocs()
	for b.Loop() {
		SignatureDigestV2(f)
	}
}

// TestDetailPairs wants DetailPairs to give Detail's bytes for the same
// fields: plain values, everything JSON escapes, and fields given out of
// order, repeated or without a last value.
func TestDetailPairs(t *testing.T) {
	tests := []struct {
		name string
		kv   []string
	}{
		{"none", nil},
		{"signature event", []string{"campaign_id", "7", "cert_code", "IKR-7K2M-9QXA", "department_id", "12", "digest",
			"3f8a6c0e3f8a6c0e3f8a6c0e3f8a6c0e3f8a6c0e3f8a6c0e3f8a6c0e3f8a6c0e", "nip", "198703122010121002", "signature_id", "4211", "v", "2"}},
		{"markup and quotes", []string{"a", `<script>alert("x")</script> & 'y'`, "b", `back\slash`}},
		{"control and Unicode", []string{"a", "line\nbreak\ttab\x00\x1f\x7f", "b", "Ñoño 中文 🙂 \u2028\u2029", "c", "\xff\xfe broken"}},
		{"escaped keys", []string{"<k>", "v", "k\"", "w"}},
		{"empty strings", []string{"", "", "x", ""}},
		{"out of order", []string{"v", "2", "nip", "1"}},
		{"repeated key", []string{"a", "1", "a", "2"}},
		{"odd count", []string{"a", "1", "b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := DetailPairs(tc.kv...), detailOfPairs(tc.kv); got != want {
				t.Errorf("DetailPairs = %s\nDetail      = %s", got, want)
			}
		})
	}
}

// detailOfPairs is Detail of kv as a map (see pairsMap).
func detailOfPairs(kv []string) string { return Detail(pairsMap(kv)) }

func FuzzDetailPairs(f *testing.F) {
	f.Add("campaign_id", "7", "cert_code", "IKR-7K2M-9QXA", "nip", "198703122010121002")
	f.Add("a", `<b>"&'\`, "b", "\x00\xff\u2028", "c", "🙂")
	f.Add("z", "1", "a", "2", "a", "3")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2, k3, v3 string) {
		kv := []string{k1, v1, k2, v2, k3, v3}
		if got, want := DetailPairs(kv...), detailOfPairs(kv); got != want {
			t.Errorf("DetailPairs(%q) = %s, Detail = %s", kv, got, want)
		}
	})
}
