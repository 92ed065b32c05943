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

	// What the commands print and their usage errors. They print in
	// English (cli.outLang), as before the catalogue held them; the
	// Indonesian is here for when they print both.
	"cli_password_prompt": {
		"Kata sandi: ",
		"Password: ",
	},
	"cli_user_added": {
		"pengguna %s ditambahkan (peran %s)",
		"user %s added (role %s)",
	},
	"cli_audit_broken": {
		"RUSAK %s",
		"BROKEN %s",
	},
	"cli_audit_head_gone": {
		"RUSAK kepala rantai yang diharapkan %s tidak lagi ada di rantai",
		"BROKEN the expected head %s is no longer in the chain",
	},
	"cli_audit_head_missing": {
		"kepala rantai yang diharapkan %s tidak ada di rantai audit",
		"expected head %s is not in the audit chain",
	},
	"cli_checkpoint_broken": {
		"RUSAK titik periksa %s: %s",
		"BROKEN checkpoint %s: %s",
	},
	"cli_checkpoint_holds": {
		"titik periksa %s berlaku: peristiwa ke-%d pada %s berkepala %s",
		"checkpoint %s holds: event %d of %s has head %s",
	},
	"cli_audit_ok": {
		"ok %d peristiwa, kepala %s",
		"ok %d events, head %s",
	},
	"cli_checkpoint_written": {
		"titik periksa %d peristiwa ditulis ke %s",
		"checkpoint of %d events written to %s",
	},
	"cli_backup_db_only": {
		"cadangan ditulis ke %s (hanya basis data: simpan cadangan kunci penandatanganan bersamanya)",
		"backup written to %s (database only: keep the signing key's own backup with it)",
	},
	"cli_backup_written": {
		"cadangan ditulis ke %s (basis data dan kunci penandatanganan %s); pulihkan dengan: ikrar restore --data FOLDER_BARU %s",
		"backup written to %s (database and signing key %s); restore with: ikrar restore --data NEW_FOLDER %s",
	},
	"cli_restored": {
		"%s dipulihkan ke %s: %d tanda tangan, rantai audit ok (%d peristiwa, kepala %s), kunci penandatanganan %s",
		"restored %s into %s: %d signatures, audit chain ok (%d events, head %s), signing key %s",
	},
	"cli_key_rotated": {
		"kunci penandatanganan diganti: sertifikat baru SHA-256 %s; yang lama (%s) tinggal untuk verifikasi, berkasnya dipindah ke %s. Jalankan ulang server agar menandatangani dengan kunci baru, lalu buat cadangan baru.",
		"signing key rotated: new certificate SHA-256 %s; the old one (%s) stays verify-only, its files moved to %s. Restart the server to sign with the new key, and take a new backup.",
	},
	"cli_revoked": {
		"sertifikat %s dicabut oleh %s: %s",
		"certificate %s revoked by %s: %s",
	},
	"cli_unknown_command": {
		"ikrar: perintah %q tidak dikenal",
		"ikrar: unknown command %q",
	},
	"cli_usage_of": {
		"cara pakai: ikrar %s",
		"usage: ikrar %s",
	},
	"cli_usage": {
		"cara pakai: ikrar PERINTAH [flag]",
		"usage: ikrar COMMAND [flags]",
	},
	"cli_every_command": {
		"Setiap perintah menerima --data, --db, --db-driver, --base-url (dan variabel lingkungan IKRAR_*).",
		"Every command takes --data, --db, --db-driver, --base-url (and IKRAR_* environment variables).",
	},
	"cli_links_written": {
		"%d tautan penandatanganan ditulis ke %s",
		"%d signing links written to %s",
	},
	"cli_report_written": {
		"laporan ditulis ke %s (%d dari %d sudah menandatangani)",
		"report written to %s (%d of %d signed)",
	},
	"cli_certs_written": {
		"%d sertifikat ditulis ke %s",
		"%d certificates written to %s",
	},
	"cli_progress_certificates": {
		"sertifikat",
		"certificates",
	},
	"cli_messages_queued": {
		"%d pesan %s diantrekan (kampanye %d); %d belum, %d sudah pernah menerima, %d tanpa alamat email",
		"queued %d %s messages (campaign %d); %d pending, %d already had one, %d without an email address",
	},
	"cli_messages_would_queue": {
		"%d pesan %s akan diantrekan (kampanye %d); %d belum, %d sudah pernah menerima, %d tanpa alamat email",
		"would queue %d %s messages (campaign %d); %d pending, %d already had one, %d without an email address",
	},
	"cli_messages_no_smtp": {
		"catatan: SMTP belum diatur di sini; server dengan --smtp-url (IKRAR_SMTP_URL) yang mengirimnya",
		"note: SMTP is not set here; a server with --smtp-url (IKRAR_SMTP_URL) sends them",
	},
	"cli_messages_kind": {
		"jenis",
		"kind",
	},
	"cli_message_failed": {
		"gagal: %s %s <%s>: %s",
		"failed: %s %s <%s>: %s",
	},
	"cli_migrate_copying": {
		"menyalin basis data %s ke basis data %s",
		"copying %s database into %s database",
	},
	"cli_migrate_rows": {
		"%-17s %d baris",
		"%-17s %d rows",
	},
	"cli_migrate_ok": {
		"ok: jumlah baris %d tabel cocok; rantai audit terverifikasi di tujuan: %d peristiwa, kepala %s",
		"ok: row counts of %d tables match; audit chain verified in the target: %d events, head %s",
	},
	"cli_migrate_db_form": {
		"%q: gunakan sqlite:PATH atau postgres:DSN",
		"%q: want sqlite:PATH or postgres:DSN",
	},
	"cli_migrate_driver": {
		"driver basis data %q tidak dikenal (gunakan sqlite atau postgres)",
		"unknown database driver %q (want sqlite or postgres)",
	},
	"cli_imported": {
		"Diimpor",
		"Imported",
	},
	"cli_dry_run": {
		"Uji coba (tidak ada yang ditulis)",
		"Dry run (nothing written)",
	},
	"cli_roster_result": {
		"%s: %d ditambahkan, %d diperbarui, %d tidak berubah, %d dinonaktifkan, %d unit baru",
		"%s: %d added, %d updated, %d unchanged, %d deactivated, %d new departments",
	},
	"cli_roster_moved_signed": {
		"%d penanda tangan pindah ke unit lain: tanda tangannya tetap mencatat unit saat menandatangani dan dihitung di unit barunya",
		"%d signers move to another unit: their signatures keep the unit as signed and count where they are now",
	},
	"cli_map_form": {
		"--map memerlukan \"nama di berkas=nama atau kode unit yang ada\"",
		"--map wants \"name in the file=existing unit name or code\"",
	},
	"cli_problems_in": {
		"%d masalah di %s",
		"%d problem(s) in %s",
	},
	"cli_units_result": {
		"%s: %d unit ditambahkan, %d diganti nama, %d dipindah, %d tidak berubah",
		"%s: %d units added, %d renamed, %d moved, %d unchanged",
	},
	"cli_audit_written": {
		"%d peristiwa audit ditulis ke %s",
		"%d audit events written to %s",
	},
	"cli_reissued": {
		"%d sertifikat diterbitkan ulang dengan %s",
		"%d certificates re-issued with %s",
	},
	"cli_demo_created": {
		"Data demo dibuat: %d ASN.",
		"Demo data created: %d ASN.",
	},
	"cli_demo_department": {
		"(unit kerja %s)",
		"(department %s)",
	},
	"cli_demo_links": {
		"tautan penandatanganan:",
		"signing links:",
	},
	"cli_demo_exists": {
		"Basis data sudah berisi data; data demo tidak ditambahkan.",
		"Database already has data; demo data not added.",
	},
	"cli_serve_no_smtp": {
		"SMTP belum diatur (--smtp-url / IKRAR_SMTP_URL): undangan dan pengingat tetap dalam antrean; lihat /admin/outbox",
		"SMTP is not set (--smtp-url / IKRAR_SMTP_URL): invitations and reminders stay queued; see /admin/outbox",
	},
	"cli_listening": {
		"ikrar mendengarkan di %s — buka %s",
		"ikrar listening on %s — open %s",
	},
	"cli_token_added": {
		"token %s ditambahkan (cakupan: %s); hanya ditampilkan sekarang, simpan dengan aman:",
		"token %s added (scopes: %s); it is shown only now, store it safely:",
	},
	"cli_need_role_username": {
		"--role dan --username wajib diisi",
		"--role and --username are required",
	},
	"cli_need_username": {
		"--username wajib diisi",
		"--username is required",
	},
	"cli_need_out": {
		"--out wajib diisi",
		"--out is required",
	},
	"cli_one_backup": {
		"berikan satu arsip cadangan",
		"give one backup archive",
	},
	"cli_restore_sqlite": {
		"restore menulis basis data SQLite; pada PostgreSQL gunakan pg_restore",
		"restore writes a SQLite database; on PostgreSQL use pg_restore",
	},
	"cli_revoke_args": {
		"berikan satu kode sertifikat, --reason dan --by",
		"give one certificate code, --reason and --by",
	},
	"cli_revoke_lengths": {
		"--by paling banyak 100 karakter dan --reason paling banyak 1000",
		"--by is at most 100 characters and --reason at most 1000",
	},
	"cli_unexpected_args": {
		"argumen tidak terduga",
		"unexpected arguments",
	},
	"cli_out_csv_pdf": {
		"--out harus berupa berkas .csv atau .pdf (atau - dengan --format csv|pdf)",
		"--out must name a .csv or .pdf file (or - with --format csv|pdf)",
	},
	"cli_out_zip": {
		"--out harus berupa berkas .zip (atau -)",
		"--out must name a .zip file (or -)",
	},
	"cli_one_pdf": {
		"berikan satu PDF sertifikat",
		"give one certificate PDF",
	},
	"cli_kind": {
		"--kind harus invitation atau reminder",
		"--kind must be invitation or reminder",
	},
	"cli_need_from_to": {
		"--from dan --to wajib diisi",
		"--from and --to are required",
	},
	"cli_same_db": {
		"--from dan --to menunjuk basis data yang sama",
		"--from and --to name the same database",
	},
	"cli_need_name_scope": {
		"--name dan --scope wajib diisi",
		"--name and --scope are required",
	},
	"cli_reissue_args": {
		"berikan --reason dan --code KODE (boleh berulang) atau --stale",
		"give --reason and either --code CODE (repeatable) or --stale",
	},
}
