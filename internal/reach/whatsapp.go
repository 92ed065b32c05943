package reach

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
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

// WhatsAppText is the prepared personal message for one person, in
// Indonesian.
func WhatsAppText(l Letter) string {
	var b strings.Builder
	b.WriteString(i18n.T("id", "wa_ask", l.Name, l.CampaignTitle))
	if l.Deadline != nil {
		b.WriteString(" " + i18n.T("id", "wa_before", wib.Deadline(*l.Deadline)))
	}
	b.WriteString(" " + i18n.T("id", "wa_link", l.Link))
	if l.AccessCode != "" { // heads send without codes: see report.PendingList.WithoutCodes
		b.WriteString(" " + i18n.T("id", "wa_code", l.AccessCode))
	}
	b.WriteString(". " + i18n.T("id", "wa_close", l.Instansi))
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
	b.WriteString(i18n.T("id", "wa_group_greeting", unit) + "\n\n")
	if len(names) == 0 {
		b.WriteString(i18n.T("id", "wa_group_all_signed", campaignTitle) + "\n")
		return b.String()
	}
	b.WriteString(i18n.T("id", "wa_group_pending", len(names), campaignTitle))
	if deadline != nil {
		b.WriteString(" " + i18n.T("id", "mail_by_deadline", wib.Deadline(*deadline)))
	}
	b.WriteString(":\n")
	for i, n := range names {
		fmt.Fprintf(&b, "%d. %s\n", i+1, n)
	}
	b.WriteString("\n" + i18n.T("id", "wa_group_how", signURL) + "\n")
	return b.String()
}
