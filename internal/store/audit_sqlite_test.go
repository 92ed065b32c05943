//go:build cgo

package store

import (
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"
)

// FuzzSQLiteTime holds the batch reader's time parsing to the driver's:
// mattn/go-sqlite3 reads a TEXT column declared as a time by trying its
// SQLiteTimestampFormats in order, in UTC, after trimming a final Z, and
// gives the zero time when none fits.
func FuzzSQLiteTime(f *testing.F) {
	for _, s := range []string{
		"2024-01-08 01:00:00.001+00:00", "2024-01-08 01:00:00+00:00", "2024-02-29 23:59:59.999999999+00:00",
		"2023-02-29 01:00:00+00:00", "2024-01-08 24:00:00+00:00", "2024-01-08 01:00:00.1234567891+00:00",
		"2024-01-08T01:00:00Z", "2024-01-08 08:00:00+07:00", "2024-01-08", "0000-01-01 00:00:00.5+00:00", "kemarin",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := time.Time{}
		trimmed := strings.TrimSuffix(s, "Z")
		for _, layout := range sqlite3.SQLiteTimestampFormats {
			if v, err := time.ParseInLocation(layout, trimmed, time.UTC); err == nil {
				want = v
				break
			}
		}
		if got := sqliteTime(s); !got.Equal(want) || got.Location().String() != want.Location().String() {
			t.Fatalf("sqliteTime(%q) = %v, the driver reads %v", s, got, want)
		}
	})
}
