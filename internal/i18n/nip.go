package i18n

// nipErrors word what is wrong with a NIP (package nip).
var nipErrors = map[string]Text{
	"nip_birth_date": {
		"tanggal lahir %s (digit 1–8) bukan tanggal yang valid",
		"birth date %s (digits 1–8) is not a real date",
	},
	"nip_birth_year": {
		"tahun lahir %d tidak masuk akal (harus %d–%d)",
		"birth year %d is implausible (must be %d–%d)",
	},
	"nip_appointment_month": {
		"bulan pengangkatan %s (digit 13–14) tidak valid: PNS 01–12, PPPK 21–29",
		"appointment month %s (digits 13–14) is invalid: PNS 01–12, PPPK 21–29",
	},
	"nip_appointment_early": {
		"tahun pengangkatan %d terlalu awal: lahir %d, minimal %d (usia 18)",
		"appointment year %d is too early: born %d, earliest %d (age 18)",
	},
	"nip_appointment_future": {
		"tanggal pengangkatan %s (digit 9–14) ada di masa depan",
		"appointment date %s (digits 9–14) is in the future",
	},
	"nip_gender": {
		"kode jenis kelamin %c (digit 15) tidak valid: harus 1 (laki-laki) atau 2 (perempuan)",
		"gender code %c (digit 15) is invalid: must be 1 (male) or 2 (female)",
	},
	"nip_serial_zero": {
		"nomor urut (digit 16–18) tidak boleh 000",
		"serial number (digits 16–18) must not be 000",
	},
	"nip_empty": {
		"NIP kosong",
		"NIP is empty",
	},
	"nip_not_utf8": {
		"NIP berisi byte yang bukan UTF-8 pada posisi %d",
		"NIP contains a non-UTF-8 byte at position %d",
	},
	"nip_space": {
		"NIP tidak boleh berisi spasi (posisi %d); tulis 18 digit tanpa pemisah",
		"NIP must not contain spaces (position %d); write the 18 digits without separators",
	},
	"nip_not_digit": {
		"NIP hanya boleh berisi angka, ada %q pada posisi %d",
		"NIP must contain digits only, found %q at position %d",
	},
	"nip_length": {
		"NIP harus 18 digit angka (ada %d)",
		"NIP must be 18 digits (got %d)",
	},
}
