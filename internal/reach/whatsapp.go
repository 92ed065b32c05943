package reach

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/wib"
)

// NormalizePhone turns an Indonesian mobile number as people write it
// ("0812-3456-789", "+62 812 3456 789", "62812…", "812…") into the form
// wa.me takes ("628123456789"), or "" when it is not one.
func NormalizePhone(s string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0, r == ' ', r == '-', r == '.', r == '(', r == ')':
		default:
			return ""
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "62"):
	case strings.HasPrefix(d, "0"):
		d = "62" + d[1:]
	case strings.HasPrefix(d, "8"):
		d = "62" + d
	default:
		return ""
	}
	// 62 + 8xx…: Indonesian mobile numbers have 9 to 13 digits after 62.
	if len(d) < 11 || len(d) > 15 || d[2] != '8' {
		return ""
	}
	return d
}

// WhatsAppText is the prepared personal message for one person.
func WhatsAppText(l Letter) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Yth. %s, mohon segera menandatangani %s", l.Name, l.CampaignTitle)
	if l.Deadline != nil {
		fmt.Fprintf(&b, " sebelum %s", wib.Deadline(*l.Deadline))
	}
	fmt.Fprintf(&b, " melalui tautan pribadi berikut: %s", l.Link)
	if l.AccessCode != "" { // heads send without codes: see report.PendingList.WithoutCodes
		fmt.Fprintf(&b, " (kode akses %s)", l.AccessCode)
	}
	fmt.Fprintf(&b, ". Tautan ini khusus untuk Anda. Terima kasih. — %s", l.Instansi)
	return b.String()
}

// WhatsAppLink opens a chat with the number (or, without one, lets the
// sender pick the chat) with text prepared.
func WhatsAppLink(phone, text string) string {
	return "https://wa.me/" + NormalizePhone(phone) + "?text=" + url.QueryEscape(text)
}

// GroupText is the ready message for a unit's WhatsApp group: who has not
// signed yet and where to sign. It never carries personal links (anyone in
// the group could sign for someone else): people sign at /sign with their
// NIP and access code.
func GroupText(unit, campaignTitle string, deadline *time.Time, signURL string, names []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Assalamu'alaikum / Salam sejahtera, Bapak/Ibu ASN %s.\n\n", unit)
	if len(names) == 0 {
		fmt.Fprintf(&b, "Terima kasih, semua pegawai sudah menandatangani %s.\n", campaignTitle)
		return b.String()
	}
	fmt.Fprintf(&b, "Berikut %d pegawai yang belum menandatangani %s", len(names), campaignTitle)
	if deadline != nil {
		fmt.Fprintf(&b, " (batas waktu %s)", wib.Deadline(*deadline))
	}
	b.WriteString(":\n")
	for i, n := range names {
		fmt.Fprintf(&b, "%d. %s\n", i+1, n)
	}
	fmt.Fprintf(&b, "\nSilakan buka %s lalu masukkan NIP dan kode akses masing-masing (tercetak pada undangan atau tanyakan kepada admin kepegawaian). Terima kasih.\n", signURL)
	return b.String()
}
