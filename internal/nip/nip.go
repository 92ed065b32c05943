// Package nip validates and generates the 18-digit identity numbers (Nomor
// Induk Pegawai) of Indonesian civil servants, both PNS and PPPK.
//
// Layout (1-based digit positions):
//
//	PNS : 1–8 birth date YYYYMMDD, 9–14 appointment (TMT CPNS) YYYYMM,
//	      15 gender (1 male, 2 female), 16–18 serial.
//	PPPK: 1–8 birth date, 9–12 appointment year, 13 is '2',
//	      14 contract count (1–9), 15 gender, 16–18 serial.
//
// A NIP is printed on every payslip, so it identifies but never authenticates.
package nip

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ikrar/ikrar/internal/i18n"
)

// Length is the number of digits in a NIP.
const Length = 18

// Kinds of ASN a NIP can belong to.
const (
	KindPNS  = "PNS"
	KindPPPK = "PPPK"
)

// Genders as encoded in Info.Gender.
const (
	Male   = "L" // laki-laki
	Female = "P" // perempuan
)

// Parts of a NIP named in Error.Part.
const (
	PartFormat      = "format"
	PartBirthDate   = "tanggal lahir"
	PartAppointment = "pengangkatan"
	PartGender      = "jenis kelamin"
	PartSerial      = "nomor urut"
)

// MinBirthYear is the earliest plausible birth year: anyone born earlier is
// long past the retirement age of every ASN position.
const MinBirthYear = 1940

// minAgeAtBirthCheck is the youngest an ASN can be: recruitment requires 18,
// and a year of slack keeps people whose birthday is late in the year valid.
const minAgeAtBirthCheck = 17

// minAppointmentAge is the minimum age for appointment as CPNS or PPPK.
const minAppointmentAge = 18

// Info is what a valid NIP encodes.
type Info struct {
	BirthDate      time.Time // midnight UTC
	AppointedYear  int
	AppointedMonth int    // 0 for PPPK, whose NIP has no month
	Kind           string // KindPNS or KindPPPK
	Gender         string // Male or Female
	Serial         int
	ContractCount  int // PPPK only (digit 14), 0 for PNS
}

// Error says exactly what is wrong with a NIP: which part, and the
// message (worded in internal/i18n, keys nip_*).
type Error struct {
	Part string // one of the Part* constants
	Msg  *i18n.Error
}

// Error is the message in both languages, Indonesian first.
func (e *Error) Error() string { return e.Msg.Error() }

// Unwrap lets i18n.Message word the error in a reader's language.
func (e *Error) Unwrap() error { return e.Msg }

func newError(part, key string, args ...any) *Error {
	return &Error{Part: part, Msg: i18n.New(key, args...)}
}

// Validate checks s against the NIP rules using the current time as "now".
func Validate(s string) (Info, error) { return ValidateAt(s, time.Now()) }

// ValidateAt checks s against the NIP rules. now bounds the plausible birth
// year and forbids appointments in the future; passing it in keeps tests and
// imports deterministic.
func ValidateAt(s string, now time.Time) (Info, error) {
	s = strings.TrimSpace(s)
	if err := checkFormat(s); err != nil {
		return Info{}, err
	}
	var info Info

	birth := s[0:8]
	by, bm, bd := atoi(s[0:4]), atoi(s[4:6]), atoi(s[6:8])
	date := time.Date(by, time.Month(bm), bd, 0, 0, 0, 0, time.UTC)
	// time.Date normalises 1987-13-32 into 1988-02-01, so a round trip
	// exposes impossible dates.
	if date.Year() != by || int(date.Month()) != bm || date.Day() != bd {
		return Info{}, newError(PartBirthDate, "nip_birth_date", birth)
	}
	maxBirthYear := now.Year() - minAgeAtBirthCheck
	if by < MinBirthYear || by > maxBirthYear {
		return Info{}, newError(PartBirthDate, "nip_birth_year", by, MinBirthYear, maxBirthYear)
	}
	info.BirthDate = date

	ay := atoi(s[8:12])
	month := atoi(s[12:14])
	switch {
	case month >= 1 && month <= 12:
		info.Kind = KindPNS
		info.AppointedMonth = month
	case s[12] == '2' && s[13] >= '1' && s[13] <= '9':
		info.Kind = KindPPPK
		info.ContractCount = int(s[13] - '0')
	default:
		return Info{}, newError(PartAppointment, "nip_appointment_month", s[12:14])
	}
	info.AppointedYear = ay
	if ay < by+minAppointmentAge {
		return Info{}, newError(PartAppointment, "nip_appointment_early", ay, by, by+minAppointmentAge)
	}
	if ay > now.Year() || (info.Kind == KindPNS && ay == now.Year() && month > int(now.Month())) {
		appointed := s[8:14]
		if info.Kind == KindPPPK {
			appointed = s[8:12]
		}
		return Info{}, newError(PartAppointment, "nip_appointment_future", appointed)
	}

	switch s[14] {
	case '1':
		info.Gender = Male
	case '2':
		info.Gender = Female
	default:
		return Info{}, newError(PartGender, "nip_gender", s[14])
	}

	info.Serial = atoi(s[15:18])
	if info.Serial == 0 {
		return Info{}, newError(PartSerial, "nip_serial_zero")
	}
	return info, nil
}

// checkFormat reports the first character that is not a digit before the
// length, because "NIP must be 18 digits (got 19)" is a poor message for a
// NIP that merely contains a space.
func checkFormat(s string) error {
	if s == "" {
		return newError(PartFormat, "nip_empty")
	}
	pos := 0
	for i, r := range s {
		pos++
		switch {
		case r >= '0' && r <= '9':
			continue
		case r == utf8.RuneError && !startsValid(s[i:]):
			return newError(PartFormat, "nip_not_utf8", pos)
		case r == ' ' || r == '\t' || r == '\u00a0':
			return newError(PartFormat, "nip_space", pos)
		default:
			return newError(PartFormat, "nip_not_digit", r, pos)
		}
	}
	if n := len(s); n != Length {
		return newError(PartFormat, "nip_length", n)
	}
	return nil
}

// startsValid reports whether s begins with a well-formed rune, which tells a
// literal U+FFFD apart from a decoding error.
func startsValid(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return r != utf8.RuneError || size > 1
}

// atoi parses a string already known to hold ASCII digits only.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Mask hides the middle of a NIP, keeping the first and last four characters
// (1987xxxxxxxxxx1002), so a public verification page does not reveal the
// birth and appointment dates. Anything of eight characters or fewer is fully
// masked.
func Mask(nip string) string {
	r := []rune(strings.TrimSpace(nip))
	if len(r) <= 8 {
		return strings.Repeat("x", len(r))
	}
	for i := 4; i < len(r)-4; i++ {
		r[i] = 'x'
	}
	return string(r)
}

// Normalize turns a NIP as people type, print or paste it into the bare 18
// digits: surrounding spaces, the grouping printed on documents
// ("19870312 201012 1 002"), dots and dashes ("19870312.201012.1.002",
// "19870312-201012-1-002"), a leading apostrophe that forces text in a
// spreadsheet, and the ="…" text form of ikrar's own CSV exports. It only
// removes separators when what remains is all digits, so anything else
// comes back trimmed but otherwise as typed, and Validate can say what is
// wrong with it. Every place that takes a NIP from a person or a file
// calls this first (signing, imports, search).
func Normalize(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "'")
	if inner, ok := strings.CutPrefix(s, `="`); ok {
		if inner, ok := strings.CutSuffix(inner, `"`); ok {
			s = strings.TrimSpace(inner)
		}
	}
	var b strings.Builder
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			digits++
		case isNIPSeparator(r):
		default:
			return s
		}
	}
	if digits == 0 {
		return s
	}
	return b.String()
}

func isNIPSeparator(r rune) bool {
	switch r {
	case ' ', '\t', '\u00a0', '\u202f', '.', '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014':
		return true
	}
	return false
}
