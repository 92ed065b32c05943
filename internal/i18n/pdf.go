package i18n

// certificateWords are the words printed on a certificate (package
// certificate), Indonesian with an English line under some. Verifying a
// certificate whose file is gone renders it again and compares bytes
// (certificate.TestRenderBytesAreStable pins them): changing one of these
// words makes every certificate made before it fail that comparison, so
// change them only on purpose, as a new layout. They are their own keys,
// never shared with a page, for that reason.
var certificateWords = map[string]Text{
	"cert_doc_title":   {"Sertifikat Ikrar Netralitas ASN - %s", "ASN Neutrality Pledge Certificate - %s"},
	"cert_heading":     {"SERTIFIKAT IKRAR NETRALITAS", "NEUTRALITY PLEDGE CERTIFICATE"},
	"cert_heading_2":   {"APARATUR SIPIL NEGARA", "OF A CIVIL SERVANT"},
	"cert_undersigned": {"Yang bertanda tangan di bawah ini:", "The undersigned:"},
	"cert_name":        {"Nama", "Name"},
	"cert_nip":         {"NIP", "NIP"},
	"cert_position":    {"Jabatan", "Position"},
	"cert_department":  {"Unit Kerja", "Department"},
	"cert_signed_at":   {"Ditandatangani secara elektronik pada", "Signed electronically on"},
	"cert_nip_line":    {"NIP. %s", "NIP %s"},
	"cert_scan":        {"Pindai untuk verifikasi", "Scan to verify"},
	"cert_code_label":  {"Kode sertifikat: ", "Certificate code: "},
	"cert_pledge_hash": {"SHA-256 teks ikrar: ", "SHA-256 of the pledge text: "},
	"cert_footer": {
		"Dokumen ini ditandatangani secara elektronik oleh sistem ikrar %s. Keaslian dan keutuhannya dapat diperiksa dengan memindai kode QR atau membuka tautan verifikasi; perubahan sekecil apa pun membatalkan tanda tangan elektronik.",
		"This document is electronically signed by the ikrar system of %s. Its authenticity and integrity can be checked by scanning the QR code or opening the verification link; the smallest change voids the electronic signature.",
	},
	"cert_footer_short": {
		"Dokumen ini ditandatangani secara elektronik. Pindai kode QR untuk memeriksa keaslian dan keutuhannya.",
		"This document is electronically signed. Scan the QR code to verify that it is authentic and unaltered.",
	},
	"cert_signature_reason": {"Ikrar Netralitas ASN", "ASN Neutrality Pledge"},
}

// reportWords are the words printed in the reports, the signing-link cards
// and the pending list (package report, pdfkit's page numbers), all in
// Indonesian (report.pdfLang), and the reach column of the CSV and XLSX
// reports.
var reportWords = map[string]Text{
	"pdf_page_of":         {"Halaman %s dari %s", "Page %s of %s"},
	"report_title":        {"Laporan Penyelesaian Ikrar Netralitas", "Neutrality Pledge Completion Report"},
	"report_continued":    {"(lanjutan)", "(continued)"},
	"report_all_units":    {"Semua unit kerja", "All departments"},
	"report_scope":        {"CAKUPAN", "SCOPE"},
	"report_time":         {"WAKTU LAPORAN", "REPORT TIME"},
	"report_made_by":      {"Dibuat oleh ikrar", "Made by ikrar"},
	"report_made_by_at":   {"Dibuat oleh ikrar pada %s", "Made by ikrar on %s"},
	"report_card_roster":  {"JUMLAH PEGAWAI", "STAFF"},
	"report_card_signed":  {"SUDAH MENANDATANGANI", "SIGNED"},
	"report_card_pending": {"BELUM MENANDATANGANI", "NOT SIGNED"},
	"report_card_percent": {"PERSENTASE", "PERCENTAGE"},
	"report_total_line":   {"%s dari %s pegawai telah menandatangani ikrar netralitas (%s).", "%s of %s staff have signed the neutrality pledge (%s)."},
	"report_units_title":  {"Ringkasan per unit kerja", "Summary by department"},
	"report_col_code":     {"Kode", "Code"},
	"report_col_unit":     {"Unit kerja", "Department"},
	"report_col_staff":    {"Pegawai", "Staff"},
	"report_col_signed":   {"Sudah", "Signed"},
	"report_col_pending":  {"Belum", "Pending"},
	"report_col_percent":  {"Persen", "Percent"},
	"report_col_progress": {"Progres", "Progress"},
	"report_total_row":    {"Jumlah", "Total"},
	"report_chart_title":  {"Persentase penyelesaian per unit kerja", "Completion by department"},
	"report_chart_top":    {"Persentase penyelesaian: %d unit kerja tertinggi dari %d", "Completion: the top %d departments of %d"},
	"report_daily_title":  {"Tanda tangan per hari", "Signatures per day"},
	"report_daily_last":   {"Tanda tangan per hari (%d hari terakhir)", "Signatures per day (last %d days)"},
	"report_signed_n":     {"Sudah menandatangani (%s)", "Signed (%s)"},
	"report_none_signed":  {"Belum ada pegawai yang menandatangani.", "Nobody has signed yet."},
	"report_pending_n":    {"Belum menandatangani (%s)", "Not signed yet (%s)"},
	"report_all_signed":   {"Semua pegawai telah menandatangani.", "Everyone has signed."},
	"report_col_no":       {"No.", "No."},
	"report_col_name":     {"Nama", "Name"},
	"report_col_nip":      {"NIP", "NIP"},
	"report_col_position": {"Jabatan", "Position"},
	"report_col_time":     {"Waktu (WIB)", "Time (WIB)"},
	"report_moved_from":   {"pindah dari %s", "moved from %s"},

	// A pending person's reach (CSV and XLSX reports).
	"report_reach_invited":     {"diundang (%s, %s)", "invited (%s, %s)"},
	"report_reach_not_invited": {"belum diundang", "not invited"},
	"report_reach_opened":      {"dibuka %s", "opened %s"},
	"report_reach_reminded":    {"diingatkan %d× (terakhir %s)", "reminded %d× (last %s)"},
	"report_reach_refused":     {"alamat ditolak: %s", "address refused: %s"},

	// The signing-link cards.
	"links_doc_title": {"Tautan penandatanganan — %s", "Signing links — %s"},
	"links_empty":     {"Tidak ada pegawai dalam daftar ini.", "Nobody is on this list."},
	"links_printed":   {"dicetak %s", "printed %s"},
	"links_header":    {"Kartu tautan penandatanganan ikrar netralitas", "Neutrality pledge signing-link cards"},
	"links_nip":       {"NIP %s", "NIP %s"},
	"links_code":      {"KODE AKSES", "ACCESS CODE"},
	"links_help":      {"Pindai kode QR dengan kamera ponsel, atau buka %s dan masukkan NIP + kode akses.", "Scan the QR code with a phone camera, or open %s and enter the NIP + access code."},
	"links_help_qr":   {"Pindai kode QR dengan kamera ponsel, lalu ikuti petunjuk di layar.", "Scan the QR code with a phone camera, then follow the steps on screen."},

	// The pending list to call or visit people from.
	"pending_doc_title":    {"Belum menandatangani — %s", "Not signed yet — %s"},
	"pending_col_no":       {"No", "No"},
	"pending_col_phone":    {"Telepon", "Phone"},
	"pending_col_code":     {"Kode akses", "Access code"},
	"pending_col_initials": {"Paraf", "Initials"},
	"pending_sub":          {"Belum menandatangani %s", "Not signed yet: %s"},
	"pending_deadline":     {"batas waktu %s", "deadline %s"},
	"pending_how":          {"tanda tangan di %s dengan NIP dan kode akses", "sign at %s with the NIP and access code"},
	"pending_all_signed":   {"Semua pegawai sudah menandatangani.", "Everyone has signed."},

	// The XLSX report's column heads and labels (its sheet names are part
	// of the file's format, package report).
	"xlsx_col_code":       {"Kode", "Code"},
	"xlsx_col_parent":     {"Kode Induk", "Parent Code"},
	"xlsx_col_level":      {"Tingkat", "Level"},
	"xlsx_col_unit":       {"Unit Kerja", "Department"},
	"xlsx_col_own":        {"Pegawai Sendiri", "Own Staff"},
	"xlsx_col_roster":     {"Jumlah Pegawai", "Total Staff"},
	"xlsx_col_kind":       {"Jenis", "Kind"},
	"xlsx_col_status":     {"Status", "Status"},
	"xlsx_col_signed_at":  {"Waktu Tanda Tangan (WIB)", "Signed At (WIB)"},
	"xlsx_col_cert":       {"Kode Sertifikat", "Certificate Code"},
	"xlsx_col_moved":      {"Pindah Dari", "Moved From"},
	"xlsx_col_reach":      {"Jangkauan", "Reach"},
	"xlsx_status_signed":  {"Sudah", "Signed"},
	"xlsx_status_pending": {"Belum", "Pending"},
	"xlsx_info_instansi":  {"Instansi", "Agency"},
	"xlsx_info_campaign":  {"Kampanye", "Campaign"},
	"xlsx_info_scope":     {"Cakupan", "Scope"},
	"xlsx_info_time":      {"Waktu laporan (WIB)", "Report time (WIB)"},
	"xlsx_info_made_by":   {"Dibuat oleh", "Made by"},
}
