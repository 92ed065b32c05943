package wib

import (
	"testing"
	"time"
)

func TestDateTime(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2023, 8, 28, 5, 20, 0, 0, time.UTC), "28 Agustus 2023 12.20 WIB"},
		{time.Date(2024, 2, 13, 17, 5, 0, 0, time.UTC), "14 Februari 2024 00.05 WIB"}, // the day turns at 17:00 UTC
		{time.Time{}, ""},
	}
	for _, tt := range tests {
		if got := DateTime(tt.in); got != tt.want {
			t.Errorf("DateTime(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if Weekday(time.Monday) != "Senin" || Month(time.December) != "Desember" {
		t.Error("names wrong")
	}
}
