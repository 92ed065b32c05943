package i18n

// apiMessages are the JSON API's problem titles and details (package
// api): title in Indonesian, title_en in English, detail both.
var apiMessages = map[string]Text{
	"api_title_400": {"Permintaan tidak valid", "Bad request"},
	"api_title_401": {"Token API tidak ada atau tidak sah", "Missing or invalid API token"},
	"api_title_403": {"Token tidak memiliki izin ini", "The token lacks this permission"},
	"api_title_404": {"Tidak ditemukan", "Not found"},
	"api_title_405": {"Metode tidak diizinkan", "Method not allowed"},
	"api_title_409": {"Konflik", "Conflict"},
	"api_title_413": {"Isi permintaan terlalu besar", "Request body too large"},
	"api_title_415": {"Jenis isi tidak didukung", "Unsupported media type"},
	"api_title_422": {"Data tidak valid", "Invalid data"},
	"api_title_429": {"Terlalu banyak permintaan", "Too many requests"},
	"api_title_500": {"Kesalahan server", "Server error"},
	"api_title_503": {"Layanan belum siap", "Service unavailable"},
	"api_auth_missing": {
		"Sertakan header Authorization: Bearer <token>.",
		"Send an Authorization: Bearer <token> header.",
	},
	"api_token_unknown": {
		"Token tidak dikenal.",
		"Unknown token.",
	},
	"api_token_revoked": {
		"Token sudah dicabut atau kedaluwarsa.",
		"The token was revoked or has expired.",
	},
	"api_too_many": {
		"Terlalu banyak permintaan untuk token ini; coba lagi sebentar.",
		"Too many requests for this token; retry shortly.",
	},
	"api_scope_missing": {
		"Token ini tidak memiliki cakupan %s.",
		"This token lacks the scope %s.",
	},
	"api_cursor_invalid": {
		"Kursor tidak sah.",
		"Invalid cursor.",
	},
	"api_limit_range": {
		"limit harus 1 sampai %s.",
		"limit must be 1 to %s.",
	},
	"api_json_unreadable": {
		"JSON tidak terbaca: %s",
		"JSON not understood: %s",
	},
	"api_campaign_not_found": {
		"Kampanye %s tidak ditemukan.",
		"Campaign %s not found.",
	},
	"api_kind_invalid": {
		"kind harus invitation atau reminder.",
		"kind must be invitation or reminder.",
	},
	"api_campaign_not_open": {
		"Kampanye tidak sedang dibuka untuk penandatanganan.",
		"The campaign is not open for signing.",
	},
	"api_unit_not_found": {
		"Unit kerja %s tidak ditemukan.",
		"Unit %s not found.",
	},
	"api_campaign_required": {
		"Parameter campaign (id kampanye) wajib diisi.",
		"The campaign parameter (a campaign id) is required.",
	},
	"api_certificate_not_found": {
		"Sertifikat %s tidak ditemukan.",
		"Certificate %s not found.",
	},
	"api_certificates_off": {
		"Layanan sertifikat tidak aktif.",
		"The certificate service is not running.",
	},
	"api_certificate_waiting_tsa": {
		"Sertifikat sedang menunggu cap waktu tepercaya.",
		"The certificate is waiting for a trusted timestamp.",
	},
	"api_updated_since_invalid": {
		"updated_since harus waktu RFC 3339, mis. 2026-11-29T08:00:00Z.",
		"updated_since must be an RFC 3339 time, e.g. 2026-11-29T08:00:00Z.",
	},
	"api_send_json": {
		"Kirim JSON (Content-Type: application/json).",
		"Send JSON (Content-Type: application/json).",
	},
	"api_idempotency_too_long": {
		"Idempotency-Key terlalu panjang (maks. 255).",
		"Idempotency-Key is too long (at most 255).",
	},
	"api_idempotency_reused": {
		"Idempotency-Key ini sudah dipakai untuk permintaan lain.",
		"This Idempotency-Key was used for a different request.",
	},
	"api_idempotency_running": {
		"Permintaan dengan Idempotency-Key ini masih diproses.",
		"A request with this Idempotency-Key is still running.",
	},
	"api_rows_empty": {
		"rows kosong.",
		"rows is empty.",
	},
	"api_rows_too_many": {
		"Maksimal %s baris per panggilan.",
		"At most %s rows per call.",
	},
	"api_rows_invalid": {
		"%s masalah; tidak ada yang disimpan.",
		"%s problems; nothing was saved.",
	},
	"api_unit_out_of_scope":   {"unit kerja di luar cakupan token ini", "the unit is outside this token's units"},
	"api_parent_out_of_scope": {"unit induk di luar cakupan token ini", "the parent unit is outside this token's units"},
	"api_person_out_of_scope": {
		"pegawai ini terdaftar di unit kerja di luar cakupan token ini",
		"this person is on the roster of a unit outside this token's units",
	},
	// API tokens (package api: CreateToken, ParseExpiry), on the admin page and from ikrar token add.
	"token_name_invalid":      {"nama token: huruf, angka, . _ - (maks. 64)", "token name: letters, digits, . _ - (at most 64)"},
	"token_scope_unknown":     {"cakupan %q tidak dikenal", "unknown scope %q (known: %s)"},
	"token_scope_none":        {"pilih minimal satu cakupan", "choose at least one scope"},
	"token_expiry_past":       {"tanggal kedaluwarsa sudah lewat", "the expiry is in the past"},
	"token_unit_unknown":      {"unit kerja %q tidak ada", "unit %q does not exist"},
	"token_name_taken":        {"nama token %q sudah dipakai", "token name %q is taken"},
	"token_expiry_unreadable": {"kedaluwarsa %q tidak terbaca (contoh: 90d, 2027-06-30)", "expiry %q not understood (e.g. 90d, 2027-06-30)"},
}
