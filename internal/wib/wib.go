// Package wib is Western Indonesia Time and the way Indonesian documents
// write dates, shared by the pages, the certificates, the reports and the
// per-day counts so that they always agree.
package wib

import (
	"fmt"
	"time"
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
