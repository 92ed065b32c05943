package reach

import (
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/i18n/i18ntest"
	"github.com/ikrar/ikrar/internal/wib"
)

// TestMessagesWordedFromCatalogue renders every message reach sends, in
// every variant, and fails on a word that is neither a catalogue word nor
// part of the data: wording written into a template or a Go string instead
// of the catalogue (package i18n) shows up here.
func TestMessagesWordedFromCatalogue(t *testing.T) {
	dl := time.Date(2024, 12, 20, 16, 59, 59, 0, time.UTC)
	dates := []string{wib.Deadline(dl), wib.DeadlineEN(dl), wib.Date(dl), dl.In(wib.Zone).Format("Monday, 2 January 2006")}
	data := append([]string{"Budi Santoso", "198001012005011001", "Dinas Kesehatan", "Pemerintah Kota Yogyakarta",
		"Ikrar Netralitas ASN 2024", "https://ikrar.test/sign/abc", "https://ikrar.test/sign", "K7M3QX9A",
		"https://ikrar.test/dashboard", "Bidang Gizi", "Ani", "Citra", "IKR"}, dates...)
	type msg struct{ name, text string }
	var msgs []msg
	for _, kind := range []string{KindInvitation, KindReminder} {
		for _, d := range []*time.Time{nil, &dl} {
			l := Letter{Kind: kind, Name: "Budi Santoso", NIP: "198001012005011001", Department: "Dinas Kesehatan",
				Instansi: "Pemerintah Kota Yogyakarta", CampaignTitle: "Ikrar Netralitas ASN 2024",
				Link: "https://ikrar.test/sign/abc", SignURL: "https://ikrar.test/sign", AccessCode: "K7M3QX9A", Deadline: d}
			subject, text, html, err := Compose(l)
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, msg{kind + " mail", subject + "\n" + text + "\n" + html}, msg{kind + " WhatsApp", WhatsAppText(l)})
			l.AccessCode = ""
			msgs = append(msgs, msg{kind + " WhatsApp without code", WhatsAppText(l)})
		}
	}
	for _, d := range []*time.Time{nil, &dl} {
		msgs = append(msgs,
			msg{"group text", GroupText("Dinas Kesehatan", "Ikrar Netralitas ASN 2024", d, "https://ikrar.test/sign", []string{"Ani", "Citra"})},
			msg{"group text, all signed", GroupText("Dinas Kesehatan", "Ikrar Netralitas ASN 2024", d, "https://ikrar.test/sign", nil)})
		subject, text, html, err := ComposeUnitDone(UnitDoneLetter{Name: "Budi Santoso", Unit: "Dinas Kesehatan",
			CampaignTitle: "Ikrar Netralitas ASN 2024", Instansi: "Pemerintah Kota Yogyakarta", Signed: 3, Roster: 3,
			Deadline: d, Dashboard: "https://ikrar.test/dashboard"})
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, msg{"unit at 100 %", subject + "\n" + text + "\n" + html})
		for _, pending := range [][]DigestPerson{nil, {{"Ani", "198001012005011001", "Bidang Gizi"}}} {
			c := DigestCampaign{Title: "Ikrar Netralitas ASN 2024", Instansi: "Pemerintah Kota Yogyakarta", Deadline: d, DaysLeft: 4,
				Total: DigestUnit{Name: "Dinas Kesehatan", Signed: 2, Roster: 3, PercentID: "66,7", PercentEN: "66.7", Pending: 1},
				Units: []DigestUnit{{Name: "Dinas Kesehatan", Signed: 2, Roster: 3, PercentID: "66,7", PercentEN: "66.7", Pending: 1},
					{Name: "Bidang Gizi", Depth: 1, Signed: 1, Roster: 2, PercentID: "50,0", PercentEN: "50.0", Pending: 1}},
				Pending: pending, MorePending: len(pending) * 5}
			subject, text, html, err := ComposeDigest(DigestLetter{Name: "Budi Santoso", Day: dl, Instansi: "Pemerintah Kota Yogyakarta",
				Campaigns: []DigestCampaign{c}, Dashboard: "https://ikrar.test/dashboard"})
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, msg{"digest", subject + "\n" + text + "\n" + html})
		}
	}
	for _, m := range msgs {
		if stray := i18ntest.Stray(m.text, data...); len(stray) > 0 {
			t.Errorf("%s: words from neither the catalogue nor the data: %q\n%s", m.name, stray, m.text)
		}
	}
}
