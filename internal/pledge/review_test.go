package pledge

import (
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/store"
)

func TestClusters(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	note := func(dev, nip string, minutes int) store.SignatureNote {
		return store.SignatureNote{DeviceKey: dev, SignerNIP: nip, SignedAt: t0.Add(time.Duration(minutes) * time.Minute)}
	}
	tests := []struct {
		name  string
		sigs  []store.SignatureNote
		sizes []int
	}{
		{"none", nil, nil},
		{"two people are not a cluster", []store.SignatureNote{note("a", "1", 0), note("a", "2", 1)}, nil},
		{"three within the window", []store.SignatureNote{note("a", "1", 0), note("a", "2", 10), note("a", "3", 24)}, []int{3}},
		{"a gap over the window splits", []store.SignatureNote{note("a", "1", 0), note("a", "2", 10), note("a", "3", 26)}, nil},
		{"devices apart", []store.SignatureNote{note("a", "1", 0), note("a", "2", 1), note("b", "3", 2), note("b", "4", 3), note("b", "5", 4), note("b", "6", 5)}, []int{4}},
		{"one person three times is not a cluster", []store.SignatureNote{note("a", "1", 0), note("a", "1", 1), note("a", "1", 2)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Clusters(tt.sigs)
			if len(got) != len(tt.sizes) {
				t.Fatalf("%d clusters, want %d", len(got), len(tt.sizes))
			}
			for i, c := range got {
				if len(c.Signatures) != tt.sizes[i] {
					t.Errorf("cluster %d has %d signatures, want %d", i, len(c.Signatures), tt.sizes[i])
				}
			}
		})
	}
}

func TestDeviceKey(t *testing.T) {
	ua := "Mozilla/5.0 (Linux; Android 14) Chrome/130"
	tests := []struct {
		name      string
		a, b      [2]string
		wantEqual bool
	}{
		{"same /24", [2]string{"10.1.2.3", ua}, [2]string{"10.1.2.200", ua}, true},
		{"other /24", [2]string{"10.1.2.3", ua}, [2]string{"10.1.3.3", ua}, false},
		{"other browser", [2]string{"10.1.2.3", ua}, [2]string{"10.1.2.3", ua + " Edg"}, false},
		{"IPv4-mapped IPv6 is IPv4", [2]string{"::ffff:10.1.2.3", ua}, [2]string{"10.1.2.9", ua}, true},
		{"same IPv6 /48", [2]string{"2001:db8:1:2::1", ua}, [2]string{"2001:db8:1:ffff::9", ua}, true},
		{"other IPv6 /48", [2]string{"2001:db8:1::1", ua}, [2]string{"2001:db8:2::1", ua}, false},
	}
	for _, tt := range tests {
		ka, kb := DeviceKey(tt.a[0], tt.a[1]), DeviceKey(tt.b[0], tt.b[1])
		if len(ka) != 16 || (ka == kb) != tt.wantEqual {
			t.Errorf("%s: %s vs %s, want equal %v", tt.name, ka, kb, tt.wantEqual)
		}
	}
}
