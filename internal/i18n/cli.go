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

	// Flag help (-h) of the commands (package cli) and of the shared
	// configuration flags (package config), printed in English as before.
	"flag_accept_new_key": {
		"mulai dengan kunci penandatanganan selain yang tercatat di basis data, lalu catat kunci itu (IKRAR_ACCEPT_NEW_KEY=1)",
		"start with a signing key other than the one recorded in the database, and record it (IKRAR_ACCEPT_NEW_KEY=1)",
	},
	"flag_addr": {
		"alamat yang didengarkan (IKRAR_ADDR)",
		"listen address (IKRAR_ADDR)",
	},
	"flag_allow_localhost": {
		"izinkan perintah menulis tautan dan sertifikat dengan alamat localhost (IKRAR_ALLOW_LOCALHOST=1)",
		"let commands write links and certificates with a localhost address (IKRAR_ALLOW_LOCALHOST=1)",
	},
	"flag_audit_actor": {
		"hanya peristiwa yang pelakunya memuat teks ini",
		"only events whose actor contains this",
	},
	"flag_audit_department": {
		"hanya peristiwa tentang unit kerja ini (kode) dan sub-unitnya",
		"only events about this department (code) and its sub-units",
	},
	"flag_audit_format": {
		"csv atau jsonl",
		"csv or jsonl",
	},
	"flag_audit_from": {
		"hari pertama, YYYY-MM-DD (WIB)",
		"first day, YYYY-MM-DD (WIB)",
	},
	"flag_audit_kind": {
		"hanya jenis peristiwa ini (mis. signature.created, atau campaign)",
		"only this kind of event (e.g. signature.created, or campaign)",
	},
	"flag_audit_to": {
		"hari terakhir, YYYY-MM-DD (WIB)",
		"last day, YYYY-MM-DD (WIB)",
	},
	"flag_base_url": {
		"URL dasar publik untuk tautan dan kode QR (IKRAR_BASE_URL)",
		"public base URL used in links and QR codes (IKRAR_BASE_URL)",
	},
	"flag_campaign": {
		"id kampanye (bawaan: kampanye terbuka yang terbaru)",
		"campaign id (default: the newest open campaign)",
	},
	"flag_campaign_open": {
		"id kampanye (bawaan: yang terbuka paling baru)",
		"campaign id (default: the newest open one)",
	},
	"flag_cert_workers": {
		"pekerja latar yang membuat sertifikat setelah penandatanganan; 0: tiap sertifikat dibuat saat pertama diunduh (IKRAR_CERT_WORKERS)",
		"background workers making certificates after signing; 0: each is made at its first download (IKRAR_CERT_WORKERS)",
	},
	"flag_checkpoint": {
		"berkas titik periksa dari `ikrar audit checkpoint`; gagal kecuali berkas itu milik kita dan rantai masih memuat kepalanya",
		"a checkpoint file made by `ikrar audit checkpoint`; fail unless it is ours and the chain still holds its head",
	},
	"flag_completed_check": {
		"seberapa sering mencari unit yang mencapai 100 % (IKRAR_COMPLETED_CHECK)",
		"how often to look for units that reached 100 % (IKRAR_COMPLETED_CHECK)",
	},
	"flag_confirm_deactivate": {
		"jumlah orang yang dinonaktifkan, wajib bila lebih dari 5% pegawai aktif",
		"the number of people to deactivate, required when it is more than 5% of the active roster",
	},
	"flag_confirm_new_units": {
		"buat unit baru meskipun namanya mirip unit yang ada",
		"create new units even when their names look like existing ones",
	},
	"flag_data": {
		"folder data (IKRAR_DATA)",
		"data folder (IKRAR_DATA)",
	},
	"flag_db": {
		"berkas SQLite atau DSN PostgreSQL (IKRAR_DB), bawaan $IKRAR_DATA/ikrar.db",
		"SQLite file or PostgreSQL DSN (IKRAR_DB), default $IKRAR_DATA/ikrar.db",
	},
	"flag_db_driver": {
		"driver basis data: sqlite atau postgres (IKRAR_DB_DRIVER)",
		"database driver: sqlite or postgres (IKRAR_DB_DRIVER)",
	},
	"flag_db_only": {
		"tulis hanya salinan basis data SQLite (kunci penandatanganan dicadangkan di tempat lain)",
		"write only a copy of the SQLite database (the signing key is backed up elsewhere)",
	},
	"flag_deactivate_missing": {
		"nonaktifkan ASN aktif yang tidak ada di berkas (tidak pernah dihapus)",
		"deactivate active ASN that are not in the file (they are never deleted)",
	},
	"flag_demo": {
		"pada basis data kosong, buat kampanye, unit kerja, daftar pegawai dan pengguna demo",
		"on an empty database, create a demo campaign, departments, roster and users",
	},
	"flag_department": {
		"hanya unit kerja ini (dan sub-unitnya)",
		"only this department (and its sub-units)",
	},
	"flag_dev": {
		"baca templat dan berkas statis dari direktori kerja (untuk menyunting)",
		"read templates and static files from the working directory (for editing)",
	},
	"flag_digest_time": {
		"jam (WIB, HH:MM) ringkasan harian tiap kepala unit dikirim, atau off (IKRAR_DIGEST_TIME)",
		"time of day (WIB, HH:MM) each head's daily digest is sent, or off (IKRAR_DIGEST_TIME)",
	},
	"flag_dry_run": {
		"periksa berkas dan tunjukkan yang akan berubah, tanpa menulis",
		"check the file and show what would change, write nothing",
	},
	"flag_email": {
		"alamat untuk ringkasan harian dan pesan unit 100 % (opsional)",
		"address for the daily digest and unit-at-100 % messages (optional)",
	},
	"flag_expect_head": {
		"hash kepala dari audit verify sebelumnya; gagal kecuali masih ada di rantai",
		"a head hash printed by an earlier audit verify; fail unless it is still in the chain",
	},
	"flag_instansi": {
		"nama instansi pemerintah (IKRAR_INSTANSI)",
		"name of the government body (IKRAR_INSTANSI)",
	},
	"flag_links_format": {
		"csv atau pdf (bawaan: dari ekstensi --out)",
		"csv or pdf (default: from the --out extension)",
	},
	"flag_mail_from": {
		"alamat pengirim pesan, mis. \"BKPSDM Kota Yogyakarta <ikrar@jogjakota.go.id>\" (IKRAR_MAIL_FROM)",
		"From address of messages, e.g. \"BKPSDM Kota Yogyakarta <ikrar@jogjakota.go.id>\" (IKRAR_MAIL_FROM)",
	},
	"flag_mail_lease": {
		"berapa lama pengirim memegang pesan yang diambilnya sebelum instans lain boleh mengambil alih (IKRAR_MAIL_LEASE)",
		"how long a sender holds claimed messages before another instance may take them over (IKRAR_MAIL_LEASE)",
	},
	"flag_mail_rate": {
		"jumlah pesan terbanyak yang dikirim per menit (IKRAR_MAIL_RATE)",
		"most messages sent per minute (IKRAR_MAIL_RATE)",
	},
	"flag_messages_dry_run": {
		"hitung saja, tidak mengantrekan apa pun",
		"count, queue nothing",
	},
	"flag_messages_kind": {
		"invitation atau reminder",
		"invitation or reminder",
	},
	"flag_migrate_from": {
		"basis data sumber: sqlite:PATH atau postgres:DSN",
		"source database: sqlite:PATH or postgres:DSN",
	},
	"flag_migrate_to": {
		"basis data tujuan yang kosong: postgres:DSN atau sqlite:PATH",
		"empty target database: postgres:DSN or sqlite:PATH",
	},
	"flag_out": {
		"berkas keluaran, atau - untuk keluaran standar",
		"output file, or - for standard output",
	},
	"flag_out_backup": {
		"arsip yang ditulis (belum boleh ada)",
		"archive to write (must not exist)",
	},
	"flag_out_checkpoint": {
		"berkas tujuan titik periksa bertanda tangan (- untuk keluaran standar)",
		"file to write the signed checkpoint to (- for standard output)",
	},
	"flag_out_links": {
		"berkas keluaran: .csv atau .pdf, atau - untuk keluaran standar (CSV, atau --format pdf)",
		"output file: .csv or .pdf, or - for standard output (CSV, or --format pdf)",
	},
	"flag_out_zip": {
		"berkas .zip keluaran, atau - untuk keluaran standar",
		"output .zip file, or - for standard output",
	},
	"flag_password_stdin": {
		"baca kata sandi dari masukan standar",
		"read the password from standard input",
	},
	"flag_reissue_campaign": {
		"dengan --stale: id kampanye (bawaan: kampanye terbuka yang terbaru)",
		"with --stale: campaign id (default: the newest open campaign)",
	},
	"flag_reissue_code": {
		"kode sertifikat yang diterbitkan ulang (boleh berulang)",
		"certificate code to re-issue (repeatable)",
	},
	"flag_reissue_department": {
		"dengan --stale: hanya unit kerja ini (dan sub-unitnya)",
		"with --stale: only this department (and its sub-units)",
	},
	"flag_reissue_reason": {
		"alasannya (dicatat di rantai audit)",
		"why (recorded in the audit chain)",
	},
	"flag_reissue_stale": {
		"terbitkan ulang setiap sertifikat yang berbeda dari hasil render catatannya sekarang (mis. alamat publik lain)",
		"re-issue every certificate that differs from what its record renders to now (e.g. another public address)",
	},
	"flag_report_department": {
		"laporan satu unit kerja (bawaan: ringkasan semua unit kerja)",
		"department report (default: summary of all departments)",
	},
	"flag_report_format": {
		"pdf, csv atau xlsx",
		"pdf, csv or xlsx",
	},
	"flag_revoke_by": {
		"siapa yang mencabutnya (disimpan di rantai audit)",
		"who revokes it (kept in the audit chain)",
	},
	"flag_revoke_reason": {
		"alasan sertifikat dicabut (wajib, disimpan di rantai audit)",
		"why the certificate is revoked (required, kept in the audit chain)",
	},
	"flag_role": {
		"admin atau head",
		"admin or head",
	},
	"flag_roster_map": {
		"arahkan nama unit baru di berkas ke unit yang ada: \"Nama di berkas=Unit yang ada\" (boleh berulang)",
		"send a new unit name in the file to an existing unit: \"Name in file=Existing unit\" (repeatable)",
	},
	"flag_set_email": {
		"alamat untuk ringkasan harian dan pesan unit 100 %; \"\" mengosongkannya",
		"address for the daily digest and unit-at-100 % messages; \"\" clears it",
	},
	"flag_signing_cert": {
		"sertifikat PEM untuk menandatangani PDF (IKRAR_SIGNING_CERT)",
		"PEM certificate for signing PDFs (IKRAR_SIGNING_CERT)",
	},
	"flag_signing_key": {
		"kunci privat PEM untuk menandatangani PDF (IKRAR_SIGNING_KEY)",
		"PEM private key for signing PDFs (IKRAR_SIGNING_KEY)",
	},
	"flag_signing_p12": {
		"berkas PKCS#12 untuk menandatangani PDF (IKRAR_SIGNING_P12)",
		"PKCS#12 bundle for signing PDFs (IKRAR_SIGNING_P12)",
	},
	"flag_smtp_url": {
		"server SMTP untuk undangan dan pengingat: smtp://user:pass@host:587 (STARTTLS) atau smtps://user:pass@host:465 (IKRAR_SMTP_URL)",
		"SMTP server for invitations and reminders: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (IKRAR_SMTP_URL)",
	},
	"flag_token_department": {
		"kode unit yang terikat pada token (boleh berulang; tanpa = semua unit)",
		"unit code the token is bound to (repeatable; none = every unit)",
	},
	"flag_token_expires": {
		"masa berlaku: 90d, 720h, 2027-06-30 atau waktu RFC 3339 (bawaan: tidak pernah)",
		"expiry: 90d, 720h, 2027-06-30 or an RFC 3339 time (default: never)",
	},
	"flag_token_name": {
		"nama token, tampil di rantai audit (mis. simpeg-sync)",
		"token name, shown in the audit chain (e.g. simpeg-sync)",
	},
	"flag_trusted_proxies": {
		"CIDR reverse proxy yang X-Forwarded-For-nya dipercaya, dipisah koma (IKRAR_TRUSTED_PROXIES)",
		"comma-separated CIDRs of reverse proxies whose X-Forwarded-For is trusted (IKRAR_TRUSTED_PROXIES)",
	},
	"flag_tsa_url": {
		"otoritas cap waktu RFC 3161 untuk tanda tangan sertifikat (IKRAR_TSA_URL)",
		"RFC 3161 timestamp authority for certificate signatures (IKRAR_TSA_URL)",
	},
	"flag_user_department": {
		"kode unit kerja yang boleh dilihat kepala unit (boleh berulang)",
		"department code a head may see (repeatable)",
	},
	"flag_username": {
		"nama login",
		"login name",
	},

	// Configuration errors (package config) and backup/restore errors (package
	// backup), printed by the CLI in English as before.
	"config_data_empty": {
		"folder data tidak boleh kosong",
		"data folder must not be empty",
	},
	"config_pg_dsn": {
		"IKRAR_DB harus berisi DSN PostgreSQL bila IKRAR_DB_DRIVER=postgres",
		"IKRAR_DB must hold the PostgreSQL DSN when IKRAR_DB_DRIVER=postgres",
	},
	"config_cert_workers": {
		"--cert-workers (IKRAR_CERT_WORKERS) tidak boleh negatif",
		"--cert-workers (IKRAR_CERT_WORKERS) must not be negative",
	},
	"config_mail_rate": {
		"--mail-rate (IKRAR_MAIL_RATE) paling sedikit 1 pesan per menit",
		"--mail-rate (IKRAR_MAIL_RATE) must be at least 1 message per minute",
	},
	"config_mail_lease": {
		"--mail-lease (IKRAR_MAIL_LEASE) paling sedikit 1s",
		"--mail-lease (IKRAR_MAIL_LEASE) must be at least 1s",
	},
	"config_completed_check": {
		"--completed-check (IKRAR_COMPLETED_CHECK) paling sedikit 1s",
		"--completed-check (IKRAR_COMPLETED_CHECK) must be at least 1s",
	},
	"config_smtp_scheme": {
		"--smtp-url (IKRAR_SMTP_URL) harus diawali smtp:// atau smtps://",
		"--smtp-url (IKRAR_SMTP_URL) must start with smtp:// or smtps://",
	},
	"config_mail_from_needed": {
		"--mail-from (IKRAR_MAIL_FROM) diperlukan bersama --smtp-url",
		"--mail-from (IKRAR_MAIL_FROM) is needed with --smtp-url",
	},
	"config_cert_key_pair": {
		"--signing-cert dan --signing-key harus diisi bersama",
		"--signing-cert and --signing-key go together",
	},
	"config_digest_time": {
		"--digest-time (IKRAR_DIGEST_TIME) harus jam WIB seperti 07:00, atau off, bukan %q",
		"--digest-time (IKRAR_DIGEST_TIME) must be a WIB time like 07:00, or off, not %q",
	},
	"backup_exists": {
		"backup: %s sudah ada",
		"backup: %s already exists",
	},
	"restore_exists": {
		"restore: %s sudah ada; pulihkan ke folder data yang baru",
		"restore: %s already exists; restore into a fresh data folder",
	},
	"restore_unexpected_entry": {
		"restore: entri tak terduga %q di %s",
		"restore: unexpected entry %q in %s",
	},
	"restore_entry_twice": {
		"restore: entri %q dua kali di %s",
		"restore: entry %q twice in %s",
	},
	"restore_no_manifest": {
		"restore: %s tidak memiliki manifes %s (tidak lengkap atau bukan arsip cadangan ikrar)",
		"restore: %s has no %s manifest (incomplete or not an ikrar backup archive)",
	},
	"restore_files_missing": {
		"restore: %s memuat %d dari %d berkas yang seharusnya (basis data, kunci penandatanganan, sertifikat)",
		"restore: %s holds %d of the %d files it should (database, signing key, certificate)",
	},
	"restore_checksum": {
		"restore: %s di %s tidak cocok dengan SHA-256-nya di manifes (arsip rusak)",
		"restore: %s in %s does not match its SHA-256 in the manifest (damaged archive)",
	},
}
