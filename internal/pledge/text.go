// Package pledge owns the pledge itself: the campaign text, its canonical
// hash, the rules for a valid signature and the signing service. How a
// campaign is created, versioned, opened and closed is package campaign's.
package pledge

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ikrar/ikrar/internal/store"
)

// Text is one language's version of a campaign's pledge.
type Text struct {
	Title    string
	Preamble string // may contain {instansi}
	Points   []string
	Closing  string
}

// DefaultID is the national template used for Pemilu and Pemilihan 2024.
var DefaultID = Text{
	Title:    "Ikrar Netralitas Pegawai Aparatur Sipil Negara pada Pemilu dan Pemilihan Tahun 2024",
	Preamble: "Dalam rangka menyukseskan pelaksanaan Pemilu dan Pemilihan Tahun 2024, kami Pegawai Aparatur Sipil Negara di lingkungan {instansi} berikrar:",
	Points: []string{
		"Menjaga dan menegakkan prinsip netralitas Pegawai ASN di instansi masing-masing dalam melaksanakan fungsi pelayanan publik baik sebelum, selama, maupun sesudah pelaksanaan Pemilu dan Pemilihan Tahun 2024.",
		"Menghindari konflik kepentingan, tidak melakukan praktik-praktik intimidasi dan ancaman kepada pegawai ASN dan seluruh elemen masyarakat serta tidak memihak kepada pasangan calon tertentu.",
		"Menggunakan media sosial secara bijak dan tidak menyebarkan ujaran kebencian serta berita bohong.",
		"Menolak politik uang dan segala jenis pemberian dalam bentuk apa pun.",
	},
	Closing: "Demikian ikrar ini kami buat dalam rangka mewujudkan netralitas Pegawai ASN yang bermartabat, beretika, dan demokratis demi terwujudnya persatuan dan kesatuan Negara Kesatuan Republik Indonesia.",
}

// DefaultEN is the English translation, shown for reading only: the
// Indonesian text is the one signed and hashed.
var DefaultEN = Text{
	Title:    "Neutrality Pledge of State Civil Apparatus Employees for the 2024 General and Regional Elections",
	Preamble: "To make the 2024 General and Regional Elections a success, we, the State Civil Apparatus (ASN) employees of {instansi}, pledge to:",
	Points: []string{
		"Uphold and enforce the principle of ASN neutrality in our respective institutions while carrying out public services before, during and after the 2024 General and Regional Elections.",
		"Avoid conflicts of interest, refrain from intimidating or threatening ASN employees and any member of the public, and not take sides with any particular candidate pair.",
		"Use social media wisely and not spread hate speech or false news (hoaxes).",
		"Refuse money politics and gifts of any kind, in any form.",
	},
	Closing: "We make this pledge to realise dignified, ethical and democratic ASN neutrality for the unity and integrity of the Unitary State of the Republic of Indonesia.",
}

// Fill substitutes the instansi into the preamble.
func (t Text) Fill(instansi string) Text {
	t.Preamble = strings.ReplaceAll(t.Preamble, "{instansi}", instansi)
	return t
}

// Canonical is the exact text a signature acknowledges: title, preamble,
// numbered points and closing, one per line, with the instansi filled in.
func (t Text) Canonical(instansi string) string {
	f := t.Fill(instansi)
	var sb strings.Builder
	sb.WriteString(strings.TrimSpace(f.Title))
	sb.WriteString("\n")
	sb.WriteString(strings.TrimSpace(f.Preamble))
	sb.WriteString("\n")
	for i, p := range f.Points {
		fmt.Fprintf(&sb, "%d. %s\n", i+1, strings.TrimSpace(p))
	}
	sb.WriteString(strings.TrimSpace(f.Closing))
	return sb.String()
}

// Hash is the hex SHA-256 of the canonical text.
func (t Text) Hash(instansi string) string {
	sum := sha256.Sum256([]byte(t.Canonical(instansi)))
	return hex.EncodeToString(sum[:])
}

// NewCampaign builds a campaign row from its two texts.
func NewCampaign(slug string, version int, instansi string, id, en Text) store.Campaign {
	pid, _ := json.Marshal(id.Points)
	pen, _ := json.Marshal(en.Points)
	return store.Campaign{
		Slug: slug, Version: version, Instansi: instansi, Status: store.CampaignOpen,
		Title: id.Title, Preamble: id.Preamble, Points: string(pid), Closing: id.Closing,
		TitleEN: en.Title, PreambleEN: en.Preamble, PointsEN: string(pen), ClosingEN: en.Closing,
		TextHash: id.Hash(instansi),
	}
}

// TextsOf reads a campaign row back into its Indonesian and English texts.
func TextsOf(c store.Campaign) (id, en Text, err error) {
	id = Text{Title: c.Title, Preamble: c.Preamble, Closing: c.Closing}
	en = Text{Title: c.TitleEN, Preamble: c.PreambleEN, Closing: c.ClosingEN}
	if err := json.Unmarshal([]byte(c.Points), &id.Points); err != nil {
		return Text{}, Text{}, fmt.Errorf("campaign %d points: %w", c.ID, err)
	}
	if c.PointsEN != "" {
		if err := json.Unmarshal([]byte(c.PointsEN), &en.Points); err != nil {
			return Text{}, Text{}, fmt.Errorf("campaign %d English points: %w", c.ID, err)
		}
	}
	if en.Title == "" || len(en.Points) != len(id.Points) {
		en = id // no translation: show the signed text
	}
	return id.Fill(c.Instansi), en.Fill(c.Instansi), nil
}
