package i18n

// mailMessages are the words of what ikrar sends (package reach): the
// invitation and reminder e-mails, a head's daily digest, the "unit at
// 100 %" message, the prepared WhatsApp texts and the webhook test event.
// An e-mail is Indonesian first with an English part, so its templates ask
// for each key in both languages; the WhatsApp texts are Indonesian only
// and their English here is for the catalogue's reader.
var mailMessages = map[string]Text{
	// Shared by the e-mails.
	"mail_dear":           {"Yth. %s,", "Dear %s,"},
	"mail_regards":        {"Hormat kami,", "Kind regards,"},
	"mail_english_part":   {"-- Bahasa Inggris --", "-- English --"},
	"mail_deadline":       {"Batas waktu: %s", "Deadline: %s"},
	"mail_dashboard":      {"Dasbor: %s", "Dashboard: %s"},
	"mail_open_dashboard": {"Buka dasbor", "Open the dashboard"},

	// Invitation and reminder.
	"mail_invitation_subject": {"Undangan menandatangani %s — %s", "Invitation to sign %s — %s"},
	"mail_reminder_subject":   {"Pengingat: %s belum Anda tandatangani", "Reminder: you have not signed %s yet"},
	"mail_by_deadline":        {"(batas waktu %s)", "(deadline %s)"}, // also the WhatsApp group text
	"mail_invitation_lead":    {"%s mengundang Anda menandatangani %s secara elektronik.", "%s invites you to sign %s online."},
	"mail_reminder_lead":      {"Kami mencatat Anda belum menandatangani %s.", "Our records show you have not signed %s yet."},
	"mail_your_link":          {"Tautan pribadi Anda:", "Your personal link:"},
	"mail_sign_button":        {"Tanda tangani ikrar", "Sign the pledge"},
	"mail_or_open":            {"Atau buka %s lalu masukkan NIP %s dan kode akses %s.", "Or open %s and enter NIP %s with access code %s."},
	"mail_button_or_open": {
		"Tautan pribadi Anda adalah tombol di atas; atau buka %s dengan NIP %s dan kode akses %s.",
		"Your personal link is the button above; or open %s with NIP %s and access code %s.",
	},
	"mail_private":       {"Tautan dan kode akses ini khusus untuk Anda; jangan dibagikan.", "This link and code are for you alone; do not share them."},
	"mail_private_short": {"Tautan dan kode akses ini khusus untuk Anda.", "This link and code are for you alone."},

	// A head's daily digest.
	"mail_digest_subject":      {"Ringkasan harian ikrar: %d dari %d sudah menandatangani — %s", "ikrar daily summary: %d of %d signed — %s"},
	"mail_digest_title":        {"Ringkasan harian", "Daily summary"},
	"mail_digest_lead":         {"Ringkasan penandatanganan per %s:", "Daily signing summary for %s:"},
	"mail_days_left":           {"(%d hari lagi)", "(%d days left)"},
	"mail_n_of_m":              {"%d dari %d", "%d of %d"},
	"mail_digest_total":        {"Sudah: %s pegawai (%s %%), belum: %d.", "Signed: %s staff (%s %%), pending: %d."},
	"mail_digest_unit":         {"%s: %d/%d (%s %%), belum %d", "%s: %d/%d (%s %%), %d pending"},
	"mail_digest_pending":      {"Belum menandatangani:", "Not signed yet:"},
	"mail_digest_person":       {"%s (NIP %s), %s", "%s (NIP %s), %s"},
	"mail_digest_more":         {"dan %d orang lagi (daftar lengkap di halaman unit).", "and %d more (the unit page lists everyone)."},
	"mail_digest_all_signed":   {"Semua pegawai unit Anda sudah menandatangani.", "Everyone in your units has signed."},
	"mail_digest_summary":      {"%s: %d dari %d sudah menandatangani (%s %%), belum %d.", "%s: %d of %d signed (%s %%), %d pending."},
	"mail_digest_names_above":  {"Nama yang belum menandatangani tercantum di atas; rincian ada di dasbor.", "The names still pending are listed above; the dashboard has the details."},
	"mail_digest_names_listed": {"Nama yang belum menandatangani tercantum di atas.", "The names still pending are listed above."},

	// A unit at 100 %.
	"mail_done_subject": {"%s: 100 %% sudah menandatangani %s", "%s: 100 %% have signed %s"},
	"mail_done_lead":    {"Selamat: semua pegawai %s (%d dari %d) sudah menandatangani %s.", "All staff of %s (%d of %d) have signed %s."},
	"mail_done_thanks":  {"Terima kasih atas dukungan Anda.", "Thank you for your support."},

	// The prepared WhatsApp texts (Indonesian only when sent).
	"wa_ask":       {"Yth. %s, mohon segera menandatangani %s", "Dear %s, please sign %s soon"},
	"wa_before":    {"sebelum %s", "before %s"},
	"wa_link":      {"melalui tautan pribadi berikut: %s", "through this personal link: %s"},
	"wa_code":      {"(kode akses %s)", "(access code %s)"},
	"wa_close":     {"Tautan ini khusus untuk Anda. Terima kasih. — %s", "This link is for you alone. Thank you. — %s"},
	"wa_dashboard": {"Yth. %s, mohon menandatangani Ikrar Netralitas ASN melalui tautan pribadi berikut: %s", "Dear %s, please sign the ASN neutrality pledge through this personal link: %s"},
	"wa_group_greeting": {
		"Assalamu'alaikum / Salam sejahtera, Bapak/Ibu ASN %s.",
		"Greetings to the civil servants of %s.",
	},
	"wa_group_all_signed": {"Terima kasih, semua pegawai sudah menandatangani %s.", "Thank you, everyone has signed %s."},
	"wa_group_pending":    {"Berikut %d pegawai yang belum menandatangani %s", "These %d staff have not signed %s yet"},
	"wa_group_how": {
		"Silakan buka %s lalu masukkan NIP dan kode akses masing-masing (tercetak pada undangan atau tanyakan kepada admin kepegawaian). Terima kasih.",
		"Please open %s and enter your own NIP and access code (printed on the invitation, or ask the staff administrator). Thank you.",
	},

	// The webhook test event's message (both languages in one field).
	"webhook_test_message": {"Uji webhook ikrar", "ikrar webhook test"},

	// Why a message was skipped, held back or failed: stored with its
	// outbox row when it happens and shown as stored on /admin/outbox, in
	// English (reach.NoteLang), as before the catalogue held these words.
	// T formats only when given arguments, so note_unit_not_done's lone "%"
	// prints as it is.
	"note_stopped":            {"tidak terkirim: ikrar berhenti", "not sent: ikrar stopped"},
	"note_too_many_attempts":  {"terlalu banyak percobaan", "too many attempts"},
	"note_cannot_write_staff": {"tidak terkirim: instans ini tidak dapat menyusun pesan staf", "not sent: this instance cannot write staff messages"},
	"note_not_on_roster":      {"orang ini tidak lagi ada di daftar pegawai", "person no longer on the roster"},
	"note_campaign_closed":    {"kampanye ditutup", "campaign closed"},
	"note_no_address":         {"tanpa alamat", "no address"},
	"note_already_signed":     {"sudah menandatangani", "already signed"},
	"note_webhook_removed":    {"webhook atau peristiwanya dihapus", "webhook or event removed"},
	"note_webhook_off":        {"webhook dimatikan", "webhook switched off"},
	"note_receiver_answered":  {"penerima menjawab %d", "receiver answered %d"},
	"note_user_gone":          {"pengguna tidak ada lagi", "user no longer exists"},
	"note_user_disabled":      {"pengguna dinonaktifkan", "user disabled"},
	"note_not_staff":          {"bukan pesan staf", "not a staff message"},
	"note_not_head":           {"bukan kepala unit lagi", "no longer a head"},
	"note_no_unit":            {"tidak terikat ke unit mana pun", "bound to no unit"},
	"note_no_campaign_open":   {"tidak ada kampanye yang dibuka", "no campaign open"},
	"note_campaign_gone":      {"kampanye tidak ada lagi", "campaign no longer exists"},
	"note_unit_gone":          {"unit tidak ada lagi", "unit no longer exists"},
	"note_unit_not_done":      {"unit tidak lagi 100 %", "unit no longer at 100 %"},
}
