// Package wib is Western Indonesia Time and the way Indonesian documents
// write dates, shared by the pages, the certificates, the reports and the
// per-day counts so that they always agree.
package wib

import (
	"fmt"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
)

// Zone is UTC+7. A fixed zone avoids depending on tzdata; Indonesia has had
// no daylight saving since 1964.
var Zone = time.FixedZone("WIB", 7*3600)

var (
	months   = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
	weekdays = [...]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
)

// Month is the Indonesian name of m ("Agustus").
func Month(m time.Month) string { return months[m-1] }

// Weekday is the Indonesian name of d ("Senin").
func Weekday(d time.Weekday) string { return weekdays[d] }

// DateTime renders t the way official letters do: "28 Agustus 2023 12.20 WIB".
// The zero time renders as "".
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Zone)
	return fmt.Sprintf("%d %s %d %02d.%02d WIB", t.Day(), Month(t.Month()), t.Year(), t.Hour(), t.Minute())
}

// Date renders the WIB day of t: "28 Agustus 2023". The zero time
// renders as "".
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Zone)
	return fmt.Sprintf("%d %s %d", t.Day(), Month(t.Month()), t.Year())
}

// Deadline renders t in the long form of an official letter, the way an
// invitation states its closing time and a certificate its signing time:
// "Jumat, 20 Desember 2024 pukul 23.59 WIB". The zero time renders as "".
func Deadline(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Zone)
	return fmt.Sprintf("%s, %d %s %d pukul %02d.%02d WIB", Weekday(t.Weekday()), t.Day(), Month(t.Month()), t.Year(), t.Hour(), t.Minute())
}

// DeadlineEN is Deadline in English: "Friday, 20 December 2024 at 23:59 WIB".
func DeadlineEN(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format("Monday, 2 January 2006 at 15:04") + " WIB"
}

// DaysLeft counts WIB calendar days from now to the deadline's day: 0 on
// the deadline's own day, 1 the day before, negative once the day has
// passed. People plan by calendar day ("besok", "3 hari lagi"), not by
// multiples of 24 hours.
func DaysLeft(now, deadline time.Time) int {
	n, d := now.In(Zone), deadline.In(Zone)
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	return int(day(d).Sub(day(n)).Hours() / 24)
}

// Remaining says in words how long is left before a deadline: "3 hari
// lagi", "besok", "hari ini", "sudah lewat" (worded in internal/i18n, keys
// remaining_*), in lang.
func Remaining(now, deadline time.Time, lang string) string {
	switch n := DaysLeft(now, deadline); {
	case !now.Before(deadline):
		return i18n.T(lang, "remaining_passed")
	case n == 0:
		return i18n.T(lang, "remaining_today")
	case n == 1:
		return i18n.T(lang, "remaining_tomorrow")
	default:
		return i18n.T(lang, "remaining_days", n)
	}
}
