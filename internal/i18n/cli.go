package i18n

// cliMessages are what the command line prints and the errors its
// commands return (packages cli, store, backup, report, certificate);
// the CLI prints both languages, Indonesian first (i18n.Both).
var cliMessages = map[string]Text{
	"migrate_too_precise": {
		"sumber menyimpan waktu lebih halus dari mikrodetik (dari versi ikrar lama); PostgreSQL akan membulatkannya sehingga rantai audit tidak lagi terverifikasi",
		"the source holds times finer than a microsecond, written before ikrar kept microseconds; PostgreSQL would round them and the audit chain would no longer verify there",
	},
	"migrate_target_not_empty": {
		"basis data tujuan tidak kosong (%s berisi %d baris); salin hanya ke basis data kosong",
		"the target database is not empty (%s has %d rows); copy only into an empty database",
	},
	"backup_use_pg_dump": {
		"backup: pada PostgreSQL gunakan pg_dump, mis. pg_dump -Fc -f ikrar.dump \"$IKRAR_DB\"",
		"on PostgreSQL use pg_dump, e.g. pg_dump -Fc -f ikrar.dump \"$IKRAR_DB\" (see docs/DEPLOY.md)",
	},
	"backup_key_elsewhere": {
		"backup: kunci penandatanganan disimpan di luar folder data (--signing-cert/--signing-key atau --signing-p12); cadangkan kunci itu di tempat penyimpanannya (mis. berkas PKCS#12 BSrE dan kata sandinya), lalu jalankan `ikrar backup --db-only`",
		"the signing key is configured outside the data folder (--signing-cert/--signing-key or --signing-p12); back it up where it is kept (e.g. the BSrE PKCS#12 file and its password), then run `ikrar backup --db-only`",
	},
	"reissue_reason_required": {
		"alasan wajib diisi",
		"a reason is required",
	},
	"audit_date_invalid": {
		"tanggal %q tidak valid (YYYY-MM-DD)",
		"date %q is not valid (YYYY-MM-DD)",
	},
	"department_unknown": {
		"unit kerja %q tidak dikenal",
		"unknown department %q",
	},
	"cli_email_set": {
		"email %s diatur ke %q",
		"email of %s set to %q",
	},
	"cli_twofa_off": {
		"verifikasi dua langkah %s dimatikan",
		"two-step verification of %s turned off",
	},
	"cli_db_missing": {
		"basis data %s tidak ada",
		"database %s does not exist",
	},
	"migrate_sessions_not_copied": {
		"Sesi tidak disalin: staf masuk kembali.",
		"Sessions are not copied: staff sign in again.",
	},
	"cli_no_campaign": {
		"belum ada kampanye",
		"no campaign yet",
	},
	"cli_campaign_closed": {
		"kampanye %d (%s) sudah ditutup atau lewat batas waktu",
		"campaign %d (%s) is closed or past its deadline",
	},
	"cli_out_is_folder": {
		"--out %s adalah folder",
		"--out %s is a folder",
	},
	"cli_base_url_local": {
		"alamat publik %s menunjuk ke komputer ini; tautan dan kode QR tidak akan bisa dibuka orang lain. Jalankan ikrar serve dengan --base-url https://… (dicatat untuk perintah lain) atau beri --base-url, atau --allow-localhost untuk uji coba",
		"the public address %s points at this machine; links and QR codes would open for nobody else. Run ikrar serve with --base-url https://… (recorded for other commands) or pass --base-url, or --allow-localhost for a test",
	},
	"cli_mass_deactivation": {
		"impor ini akan menonaktifkan %d dari %d ASN aktif (lebih dari %d%%); periksa dengan --dry-run, lalu konfirmasi dengan --confirm-deactivate %d",
		"this import would deactivate %d of %d active ASN (more than %d%%); check with --dry-run, then confirm with --confirm-deactivate %d",
	},
	"cli_roster_not_imported": {
		"Roster tidak diimpor: %d masalah ditemukan; tidak ada yang ditulis.",
		"Roster not imported: %d problem(s) found; nothing was written.",
	},
	"cli_roster_map_hint": {
		"Petakan dengan --map \"nama di berkas=unit yang ada\" atau konfirmasi dengan --confirm-new-units.",
		"Map with --map \"name in file=existing unit\" or confirm with --confirm-new-units.",
	},
	"cli_roster_similar": {
		"unit baru %q (baris %d, %d baris) mirip dengan %q",
		"new unit %q (line %d, %d lines) is similar to %q",
	},
	"cli_roster_deactivated": {
		"dinonaktifkan (%d, %d di antaranya sudah tanda tangan: tanda tangan dan sertifikatnya tetap sah):",
		"deactivated (%d, of whom %d already signed: their signatures and certificates stay valid):",
	},
	"cli_roster_signed": {
		"sudah tanda tangan",
		"signed",
	},
	"cli_units_not_imported": {
		"Unit tidak diimpor: %d masalah ditemukan; tidak ada yang ditulis.",
		"Units not imported: %d problem(s) found; nothing was written.",
	},
	// ikrar verify: labels in both languages, each value printed once.
	"cli_valid_replaced":   {"SAH, SUDAH DIGANTI", "VALID, REPLACED"},
	"label_by":             {"oleh", "by"},
	"label_version":        {"versi", "version"},
	"label_signed":         {"Ditandatangani", "Signed"},
	"label_certificate":    {"sertifikat", "certificate"},
	"label_key":            {"Kunci", "Key"},
	"label_valid_from_to":  {"berlaku", "valid"},
	"label_trusted_time":   {"Waktu tepercaya", "Trusted time"},
	"config_proxy_invalid": {"IKRAR_TRUSTED_PROXIES: %q bukan alamat atau CIDR", "IKRAR_TRUSTED_PROXIES: %q is not an address or CIDR"},
}
