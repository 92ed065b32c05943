package nip

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Generate builds a NIP for demo data, tests and load tools. Zero values are
// filled in from r: kind "" (PNS about 85% of the time, as in a typical city
// roster), a zero birth (1965–1999), a zero appointed (20–35 years after
// birth, no later than 2023), gender 0 and serial 0. A nil r uses the
// math/rand/v2 top-level source.
//
// The result validates as long as the explicit dates are plausible (see
// ValidateAt); Generate does not check them so callers can craft invalid
// NIPs for tests. It panics on an unknown kind, a gender other than 0, 1 or
// 2, or a serial outside 0–999, which are programming errors.
func Generate(r *rand.Rand, kind string, birth time.Time, appointed time.Time, gender int, serial int) string {
	intN := rand.IntN
	if r != nil {
		intN = r.IntN
	}
	if kind == "" {
		kind = KindPNS
		if intN(100) < 15 {
			kind = KindPPPK
		}
	}
	if kind != KindPNS && kind != KindPPPK {
		panic(fmt.Sprintf("nip.Generate: unknown kind %q", kind))
	}
	if gender < 0 || gender > 2 {
		panic(fmt.Sprintf("nip.Generate: gender %d is not 0, 1 or 2", gender))
	}
	if serial < 0 || serial > 999 {
		panic(fmt.Sprintf("nip.Generate: serial %d is not in 0–999", serial))
	}
	if birth.IsZero() {
		first := time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC)
		days := int(time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC).Sub(first).Hours() / 24)
		birth = first.AddDate(0, 0, intN(days+1))
	}
	if appointed.IsZero() {
		from := birth.Year() + 20
		to := min(birth.Year()+35, 2023)
		year := from
		if to > from {
			year += intN(to - from + 1)
		}
		appointed = time.Date(year, time.Month(1+intN(12)), 1, 0, 0, 0, 0, time.UTC)
	}
	if gender == 0 {
		gender = 1 + intN(2)
	}
	if serial == 0 {
		serial = 1 + intN(999)
	}
	if kind == KindPPPK {
		// Digit 13 is the PPPK marker and digit 14 the contract count; a
		// first contract is by far the most common.
		return fmt.Sprintf("%04d%02d%02d%04d21%d%03d",
			birth.Year(), int(birth.Month()), birth.Day(), appointed.Year(), gender, serial)
	}
	return fmt.Sprintf("%04d%02d%02d%04d%02d%d%03d",
		birth.Year(), int(birth.Month()), birth.Day(), appointed.Year(), int(appointed.Month()), gender, serial)
}
