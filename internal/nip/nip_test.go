package nip

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
)

// now is fixed so the plausibility bounds in the cases below never drift.
var now = time.Date(2024, time.June, 15, 10, 0, 0, 0, time.UTC)

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestValidateAtValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Info
	}{
		{"PNS male", "198703122010121002",
			Info{BirthDate: date(1987, 3, 12), AppointedYear: 2010, AppointedMonth: 12, Kind: KindPNS, Gender: Male, Serial: 2}},
		{"PNS female", "196508171990032001",
			Info{BirthDate: date(1965, 8, 17), AppointedYear: 1990, AppointedMonth: 3, Kind: KindPNS, Gender: Female, Serial: 1}},
		{"PPPK first contract", "200012312024211001",
			Info{BirthDate: date(2000, 12, 31), AppointedYear: 2024, Kind: KindPPPK, Gender: Male, Serial: 1, ContractCount: 1}},
		{"PPPK third contract female", "199001012021232999",
			Info{BirthDate: date(1990, 1, 1), AppointedYear: 2021, Kind: KindPPPK, Gender: Female, Serial: 999, ContractCount: 3}},
		{"surrounding spaces trimmed", " \t198703122010121002 \n",
			Info{BirthDate: date(1987, 3, 12), AppointedYear: 2010, AppointedMonth: 12, Kind: KindPNS, Gender: Male, Serial: 2}},
		{"leap day", "198802292010011123",
			Info{BirthDate: date(1988, 2, 29), AppointedYear: 2010, AppointedMonth: 1, Kind: KindPNS, Gender: Male, Serial: 123}},
		{"appointed this month", "198703122024061002",
			Info{BirthDate: date(1987, 3, 12), AppointedYear: 2024, AppointedMonth: 6, Kind: KindPNS, Gender: Male, Serial: 2}},
		{"oldest plausible birth year", "194001011960011001",
			Info{BirthDate: date(1940, 1, 1), AppointedYear: 1960, AppointedMonth: 1, Kind: KindPNS, Gender: Male, Serial: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateAt(tt.in, now)
			if err != nil {
				t.Fatalf("ValidateAt(%q) error = %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ValidateAt(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidateAtInvalid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		part string
		want string // the exact Error() text
	}{
		{"empty", "", PartFormat, "NIP kosong / NIP is empty"},
		{"blank", "   ", PartFormat, "NIP kosong / NIP is empty"},
		{"17 digits", "19870312201012100", PartFormat,
			"NIP harus 18 digit angka (ada 17) / NIP must be 18 digits (got 17)"},
		{"19 digits", "1987031220101210021", PartFormat,
			"NIP harus 18 digit angka (ada 19) / NIP must be 18 digits (got 19)"},
		{"inner space", "19870312 201012 1 002", PartFormat,
			"NIP tidak boleh berisi spasi (posisi 9); tulis 18 digit tanpa pemisah / NIP must not contain spaces (position 9); write the 18 digits without separators"},
		{"letter", "19870312201012100a", PartFormat,
			"NIP hanya boleh berisi angka, ada 'a' pada posisi 18 / NIP must contain digits only, found 'a' at position 18"},
		{"dash", "19870312-201012-1-002", PartFormat,
			"NIP hanya boleh berisi angka, ada '-' pada posisi 9 / NIP must contain digits only, found '-' at position 9"},
		{"full-width digit", "１98703122010121002", PartFormat,
			"NIP hanya boleh berisi angka, ada '１' pada posisi 1 / NIP must contain digits only, found '１' at position 1"},
		{"invalid UTF-8", "1987\xff03122010121002", PartFormat,
			"NIP berisi byte yang bukan UTF-8 pada posisi 5 / NIP contains a non-UTF-8 byte at position 5"},
		{"month 13 in birth date", "198713322010121002", PartBirthDate,
			"tanggal lahir 19871332 (digit 1–8) bukan tanggal yang valid / birth date 19871332 (digits 1–8) is not a real date"},
		{"february 29 of a common year", "198702292010121002", PartBirthDate,
			"tanggal lahir 19870229 (digit 1–8) bukan tanggal yang valid / birth date 19870229 (digits 1–8) is not a real date"},
		{"day 00", "198703002010121002", PartBirthDate,
			"tanggal lahir 19870300 (digit 1–8) bukan tanggal yang valid / birth date 19870300 (digits 1–8) is not a real date"},
		{"birth year too old", "193001011960011001", PartBirthDate,
			"tahun lahir 1930 tidak masuk akal (harus 1940–2007) / birth year 1930 is implausible (must be 1940–2007)"},
		{"birth year too recent", "201001012024211001", PartBirthDate,
			"tahun lahir 2010 tidak masuk akal (harus 1940–2007) / birth year 2010 is implausible (must be 1940–2007)"},
		{"appointment month 00", "198703122010001002", PartAppointment,
			"bulan pengangkatan 00 (digit 13–14) tidak valid: PNS 01–12, PPPK 21–29 / appointment month 00 (digits 13–14) is invalid: PNS 01–12, PPPK 21–29"},
		{"appointment month 13", "198703122010131002", PartAppointment,
			"bulan pengangkatan 13 (digit 13–14) tidak valid: PNS 01–12, PPPK 21–29 / appointment month 13 (digits 13–14) is invalid: PNS 01–12, PPPK 21–29"},
		{"PPPK contract count 0", "200012312024201001", PartAppointment,
			"bulan pengangkatan 20 (digit 13–14) tidak valid: PNS 01–12, PPPK 21–29 / appointment month 20 (digits 13–14) is invalid: PNS 01–12, PPPK 21–29"},
		{"appointment month 31", "198703122010311002", PartAppointment,
			"bulan pengangkatan 31 (digit 13–14) tidak valid: PNS 01–12, PPPK 21–29 / appointment month 31 (digits 13–14) is invalid: PNS 01–12, PPPK 21–29"},
		{"appointed before 18", "198703122000121002", PartAppointment,
			"tahun pengangkatan 2000 terlalu awal: lahir 1987, minimal 2005 (usia 18) / appointment year 2000 is too early: born 1987, earliest 2005 (age 18)"},
		{"PNS appointed next month", "198703122024071002", PartAppointment,
			"tanggal pengangkatan 202407 (digit 9–14) ada di masa depan / appointment date 202407 (digits 9–14) is in the future"},
		{"PPPK appointed next year", "200012312025211001", PartAppointment,
			"tanggal pengangkatan 2025 (digit 9–14) ada di masa depan / appointment date 2025 (digits 9–14) is in the future"},
		{"gender 0", "198703122010120002", PartGender,
			"kode jenis kelamin 0 (digit 15) tidak valid: harus 1 (laki-laki) atau 2 (perempuan) / gender code 0 (digit 15) is invalid: must be 1 (male) or 2 (female)"},
		{"gender 3", "198703122010123002", PartGender,
			"kode jenis kelamin 3 (digit 15) tidak valid: harus 1 (laki-laki) atau 2 (perempuan) / gender code 3 (digit 15) is invalid: must be 1 (male) or 2 (female)"},
		{"serial 000", "198703122010121000", PartSerial,
			"nomor urut (digit 16–18) tidak boleh 000 / serial number (digits 16–18) must not be 000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := ValidateAt(tt.in, now)
			if err == nil {
				t.Fatalf("ValidateAt(%q) = %+v, want an error", tt.in, info)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("ValidateAt(%q) error %T is not *Error", tt.in, err)
			}
			if e.Part != tt.part {
				t.Errorf("Part = %q, want %q", e.Part, tt.part)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Error() =\n  %s\nwant\n  %s", got, tt.want)
			}
			if got := e.Msg.In("id") + " / " + e.Msg.In("en"); got != err.Error() {
				t.Errorf("Error() %q is not ID / EN %q", err.Error(), got)
			}
			if info != (Info{}) {
				t.Errorf("info = %+v on error, want zero", info)
			}
		})
	}
}

// TestValidateUsesWallClock guards the time.Now wiring: a NIP appointed
// next year must fail Validate whatever year the test runs in.
func TestValidateUsesWallClock(t *testing.T) {
	next := time.Now().Year() + 1
	future := Generate(nil, KindPPPK, date(1990, 5, 5), date(next, 1, 1), 1, 1)
	if _, err := Validate(future); err == nil {
		t.Errorf("Validate(%q) accepted an appointment in %d", future, next)
	}
	if _, err := Validate("198703122010121002"); err != nil {
		t.Errorf("Validate(valid) error = %v", err)
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"198703122010121002", "1987xxxxxxxxxx1002"},
		{" 198703122010121002 ", "1987xxxxxxxxxx1002"},
		{"123456789", "1234x6789"},
		{"12345678", "xxxxxxxx"},
		{"", ""},
		{"ééééééééé", "ééééxéééé"},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGenerateValidates(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	kinds := map[string]int{}
	for i := 0; i < 5000; i++ {
		s := Generate(r, "", time.Time{}, time.Time{}, 0, 0)
		info, err := ValidateAt(s, now)
		if err != nil {
			t.Fatalf("generated %q does not validate: %v", s, err)
		}
		kinds[info.Kind]++
	}
	if kinds[KindPNS] == 0 || kinds[KindPPPK] == 0 {
		t.Errorf("random kinds = %v, want both PNS and PPPK", kinds)
	}
}

func TestGenerateExplicit(t *testing.T) {
	tests := []struct {
		kind      string
		birth     time.Time
		appointed time.Time
		gender    int
		serial    int
		want      string
	}{
		{KindPNS, date(1987, 3, 12), date(2010, 12, 1), 1, 2, "198703122010121002"},
		{KindPPPK, date(2000, 12, 31), date(2024, 4, 1), 1, 1, "200012312024211001"},
		{KindPNS, date(1965, 8, 17), date(1990, 3, 1), 2, 999, "196508171990032999"},
	}
	for _, tt := range tests {
		got := Generate(nil, tt.kind, tt.birth, tt.appointed, tt.gender, tt.serial)
		if got != tt.want {
			t.Errorf("Generate(%s, %v, %v, %d, %d) = %q, want %q", tt.kind, tt.birth, tt.appointed, tt.gender, tt.serial, got, tt.want)
		}
		info, err := ValidateAt(got, now)
		if err != nil {
			t.Fatalf("ValidateAt(%q) error = %v", got, err)
		}
		if info.Kind != tt.kind || !info.BirthDate.Equal(tt.birth) || info.AppointedYear != tt.appointed.Year() || info.Serial != tt.serial {
			t.Errorf("ValidateAt(%q) = %+v, does not round-trip", got, info)
		}
	}
}

func TestGeneratePanicsOnProgrammingErrors(t *testing.T) {
	tests := []struct {
		name           string
		kind           string
		gender, serial int
	}{
		{"unknown kind", "honorer", 1, 1},
		{"gender 3", KindPNS, 3, 1},
		{"serial 1000", KindPNS, 1, 1000},
		{"negative serial", KindPNS, 1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Generate did not panic")
				}
			}()
			Generate(nil, tt.kind, date(1987, 3, 12), date(2010, 1, 1), tt.gender, tt.serial)
		})
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"198703122010121002", "200012312024211001", "19870312 201012 1 002", "", "198713322010121002"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		info, err := ValidateAt(s, now)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Msg == nil || !i18n.Has(e.Msg.Key) || e.Part == "" {
				t.Fatalf("ValidateAt(%q) error %#v is not a complete *Error", s, err)
			}
			return
		}
		trimmed := strings.TrimSpace(s)
		if len(trimmed) != Length || strings.Trim(trimmed, "0123456789") != "" {
			t.Fatalf("ValidateAt(%q) accepted something other than 18 digits", s)
		}
		again, err := ValidateAt(trimmed, now)
		if err != nil || again != info {
			t.Fatalf("re-validating %q gave %+v, %v; first %+v", trimmed, again, err, info)
		}
		if info.Kind != KindPNS && info.Kind != KindPPPK {
			t.Fatalf("ValidateAt(%q) kind %q", s, info.Kind)
		}
		if m := Mask(s); len(m) != Length || m[:4] != trimmed[:4] || m[14:] != trimmed[14:] {
			t.Fatalf("Mask(%q) = %q", s, m)
		}
	})
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"198703122010121002", "198703122010121002"},
		{"  198703122010121002\t", "198703122010121002"},
		{"19940423 201911 1 776", "199404232019111776"},
		{"19940423.201911.1.776", "199404232019111776"},
		{"19940423-201911-1-776", "199404232019111776"},
		{"19940423\u00a0201911\u00a01\u00a0776", "199404232019111776"},
		{"19940423 – 201911 – 1 – 776", "199404232019111776"},
		{"'198703122010121002", "198703122010121002"},
		{`="198703122010121002"`, "198703122010121002"},
		// Not a NIP with separators: left for Validate to explain.
		{"1.98703E+17", "1.98703E+17"},
		{"NIP 198703122010121002", "NIP 198703122010121002"},
		{"", ""},
		{" - ", "-"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
