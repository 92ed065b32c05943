package reach

import (
	"strings"
	"testing"
	"time"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0812-3456-789", "628123456789"},
		{"+62 812 3456 789", "628123456789"},
		{"62 812.3456.7890", "6281234567890"},
		{"(0812) 3456 7890", "6281234567890"},
		{"8123456789", "628123456789"},
		{"", ""},
		{"0274-512345", ""}, // a landline (Yogyakarta) has no WhatsApp chat link
		{"12345", ""},
		{"0812-3456-789 ext 2", ""},
		{"+62812345678901234", ""},
		{"08123+456789", ""},
	}
	for _, tt := range tests {
		if got := NormalizePhone(tt.in); got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"0812-3456-789", "+62 812 3456 789", "8123456789", "", "+", "62", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := NormalizePhone(s)
		if p == "" {
			return
		}
		if !strings.HasPrefix(p, "628") || len(p) < 11 || len(p) > 15 || strings.Trim(p, "0123456789") != "" {
			t.Fatalf("NormalizePhone(%q) = %q", s, p)
		}
		if NormalizePhone(p) != p {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, p, NormalizePhone(p))
		}
	})
}

func TestWhatsAppTexts(t *testing.T) {
	dl := time.Date(2024, 12, 20, 16, 59, 59, 0, time.UTC)
	l := Letter{Name: "Budi", CampaignTitle: "Ikrar Netralitas ASN 2024", Link: "https://ikrar.test/sign/abc", AccessCode: "K7M3QX9A", Instansi: "Pemerintah Kota Yogyakarta", Deadline: &dl}
	link := WhatsAppLink("0812-3456-789", WhatsAppText(l))
	if !strings.HasPrefix(link, "https://wa.me/628123456789?text=Yth.+Budi") || !strings.Contains(link, "Jumat%2C+20+Desember+2024+pukul+23.59+WIB") {
		t.Errorf("wa.me link %s", link)
	}
	g := GroupText("Dinas Kesehatan", "Ikrar Netralitas ASN 2024", &dl, "https://ikrar.test/sign", []string{"Ani", "Budi"})
	if !strings.Contains(g, "1. Ani\n2. Budi\n") || !strings.Contains(g, "https://ikrar.test/sign lalu masukkan NIP") || strings.Contains(g, "/sign/") {
		t.Errorf("group text:\n%s", g)
	}
}

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		in   string
		want string
		bad  bool
	}{
		{"3, 1, 0", "3, 1, 0", false},
		{"0 1 3 1", "3, 1, 0", false},
		{"7;2", "7, 2", false},
		{"", "", false},
		{"-1", "", true},
		{"61", "", true},
		{"satu", "", true},
		{"1,2,3,4,5,6,7,8,9,10,11", "", true},
	}
	for _, tt := range tests {
		got, err := ParseSchedule(tt.in)
		if (err != nil) != tt.bad || (!tt.bad && FormatSchedule(got) != tt.want) {
			t.Errorf("ParseSchedule(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"3, 1, 0", "7;2", "", "-1", "60 60 0", "1,2,3,4,5,6,7,8,9,10,11"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		days, err := ParseSchedule(s)
		if err != nil {
			return
		}
		if len(days) > 10 {
			t.Fatalf("%q: %d days", s, len(days))
		}
		for i, d := range days {
			if d < 0 || d > 60 || (i > 0 && d >= days[i-1]) {
				t.Fatalf("%q: %v not distinct days 0-60, furthest first", s, days)
			}
		}
		again, err := ParseSchedule(FormatSchedule(days))
		if err != nil || FormatSchedule(again) != FormatSchedule(days) {
			t.Fatalf("%q: round trip %v -> %v (%v)", s, days, again, err)
		}
	})
}
