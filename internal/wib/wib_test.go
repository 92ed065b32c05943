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

func TestDeadline(t *testing.T) {
	// 23.59 WIB on Friday 20 December 2024 is 16:59 UTC.
	dl := time.Date(2024, 12, 20, 16, 59, 0, 0, time.UTC)
	if got, want := Deadline(dl), "Jumat, 20 Desember 2024 pukul 23.59 WIB"; got != want {
		t.Errorf("Deadline = %q, want %q", got, want)
	}
	if got, want := DeadlineEN(dl), "Friday, 20 December 2024 at 23:59 WIB"; got != want {
		t.Errorf("DeadlineEN = %q, want %q", got, want)
	}
	if Deadline(time.Time{}) != "" {
		t.Error("zero deadline not empty")
	}
	tests := []struct {
		now    time.Time
		days   int
		id, en string
	}{
		{time.Date(2024, 12, 17, 2, 0, 0, 0, time.UTC), 3, "3 hari lagi", "3 days left"},
		// 18:00 UTC on the 18th is already the 19th in WIB: one day left.
		{time.Date(2024, 12, 18, 18, 0, 0, 0, time.UTC), 1, "besok", "tomorrow"},
		{time.Date(2024, 12, 20, 0, 0, 0, 0, time.UTC), 0, "hari ini", "today"},
		{time.Date(2024, 12, 20, 16, 59, 0, 0, time.UTC), 0, "sudah lewat", "deadline passed"},
		{time.Date(2024, 12, 22, 1, 0, 0, 0, time.UTC), -2, "sudah lewat", "deadline passed"},
	}
	for _, tt := range tests {
		if got := DaysLeft(tt.now, dl); got != tt.days {
			t.Errorf("DaysLeft(%v) = %d, want %d", tt.now, got, tt.days)
		}
		if got := Remaining(tt.now, dl, "id"); got != tt.id {
			t.Errorf("Remaining(%v) = %q, want %q", tt.now, got, tt.id)
		}
		if got := Remaining(tt.now, dl, "en"); got != tt.en {
			t.Errorf("Remaining en(%v) = %q, want %q", tt.now, got, tt.en)
		}
	}
}

// TestDeadlineDays: the long form the certificates print their signing
// time in, across day, month and zone boundaries.
func TestDeadlineDays(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2023, 8, 28, 5, 20, 0, 0, time.UTC), "Senin, 28 Agustus 2023 pukul 12.20 WIB"},
		// 17:05 UTC is already the next day in WIB.
		{time.Date(2024, 2, 13, 17, 5, 0, 0, time.UTC), "Rabu, 14 Februari 2024 pukul 00.05 WIB"},
		{time.Date(2024, 11, 27, 1, 9, 59, 0, time.UTC), "Rabu, 27 November 2024 pukul 08.09 WIB"},
		{time.Date(2024, 12, 31, 16, 59, 0, 0, time.UTC), "Selasa, 31 Desember 2024 pukul 23.59 WIB"},
		{time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), "Minggu, 1 Januari 2023 pukul 07.00 WIB"},
		{time.Date(2023, 3, 3, 5, 0, 0, 0, time.FixedZone("WITA", 8*3600)), "Jumat, 3 Maret 2023 pukul 04.00 WIB"},
	}
	for _, tt := range tests {
		if got := Deadline(tt.in); got != tt.want {
			t.Errorf("Deadline(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
