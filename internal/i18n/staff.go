package i18n

// staffErrors word the rules for staff accounts, passwords and two-step
// verification (package staff), on the admin pages and from the CLI.
var staffErrors = map[string]Text{
	"password_common": {
		"kata sandi ini termasuk kata sandi yang umum dipakai; pilih yang lain",
		"this password is on the list of common passwords; choose another",
	},
	"password_has_username": {
		"kata sandi tidak boleh memuat nama pengguna",
		"the password must not contain the username",
	},
	"password_trivial": {
		"kata sandi berupa pengulangan atau urutan (seperti aaaaaaaaaa atau abcdefghij); pilih yang lain",
		"the password is a repeat or a sequence (like aaaaaaaaaa or abcdefghij); choose another",
	},
	"password_too_short": {
		"kata sandi minimal %d karakter",
		"password must be at least %d characters",
	},
	"password_too_long": {
		"kata sandi maksimal 72 byte",
		"password must be at most 72 bytes",
	},
	"staff_email_invalid": {
		"alamat email tidak valid (contoh: nama@instansi.go.id)",
		"not a valid email address (e.g. name@agency.go.id)",
	},
	"staff_username_invalid": {
		"nama pengguna 3–64 huruf kecil, angka, titik, tanda hubung atau garis bawah",
		"username must be 3–64 lowercase letters, digits, dot, dash or underscore",
	},
	"staff_role_invalid": {
		"peran harus admin atau head, bukan %q",
		"role must be admin or head, not %q",
	},
	"staff_head_needs_unit": {
		"kepala unit perlu minimal satu unit kerja",
		"a head needs at least one --department",
	},
	"twofa_code_wrong": {
		"kode verifikasi salah atau sudah dipakai",
		"wrong or already used verification code",
	},
}
