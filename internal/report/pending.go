package report

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/ikrar/ikrar/internal/excelcsv"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/pdfkit"
	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
)

// PendingPerson is one person still to sign, with what reaches them where
// email does not: their phone, a WhatsApp link carrying a prepared message,
// and their personal link and access code.
type PendingPerson struct {
	NIP, Name, Position, Department string
	Phone                           string // normalised (62…), "" when none usable
	WhatsApp                        string // wa.me link with the prepared message
	URL, AccessCode                 string
}

// PendingList is the pending people of a unit and its sub-units, by unit
// and then by name.
type PendingList struct {
	Instansi, CampaignTitle, Scope string
	Deadline                       *time.Time
	SignURL                        string
	GeneratedAt                    time.Time
	People                         []PendingPerson
}

// BuildPending lists the pending people of a scope (the completion rule of
// the unit page's "belum" filter).
func BuildPending(ctx context.Context, st *store.Store, sc org.Scope, scopeName, baseURL string, camp store.Campaign, now time.Time) (PendingList, error) {
	entries, _, err := st.RosterPage(ctx, store.RosterFilter{CampaignID: camp.ID, DepartmentIDs: sc.IDs(), Status: "pending"})
	if err != nil {
		return PendingList{}, err
	}
	l := PendingList{Instansi: camp.Instansi, CampaignTitle: camp.Title, Scope: scopeName, Deadline: camp.ClosesAt,
		SignURL: baseURL + "/sign", GeneratedAt: now}
	for _, e := range entries {
		link := baseURL + "/sign/" + e.Token
		text := reach.WhatsAppText(reach.Letter{Name: e.Name, CampaignTitle: camp.Title, Link: link, AccessCode: e.AccessCode,
			Instansi: camp.Instansi, Deadline: camp.ClosesAt})
		l.People = append(l.People, PendingPerson{NIP: e.NIP, Name: e.Name, Position: e.Position, Department: e.DepartmentName,
			Phone: reach.NormalizePhone(e.Phone), WhatsApp: reach.WhatsAppLink(e.Phone, text), URL: link, AccessCode: e.AccessCode})
	}
	sort.SliceStable(l.People, func(i, j int) bool {
		a, b := l.People[i], l.People[j]
		if a.Department != b.Department {
			return a.Department < b.Department
		}
		return a.Name < b.Name
	})
	return l, nil
}

// WithoutCodes is the list as a head may have it: links but no access
// codes, in the files and in the prepared WhatsApp messages. A head who
// held both could sign for anyone; with codes reaching people by another
// channel (email, the admin's printed cards), a campaign that needs link
// and code stays out of a head's reach.
func (l PendingList) WithoutCodes() PendingList {
	out := l
	out.People = make([]PendingPerson, len(l.People))
	for i, p := range l.People {
		p.AccessCode = ""
		p.WhatsApp = reach.WhatsAppLink(p.Phone, reach.WhatsAppText(reach.Letter{Name: p.Name, CampaignTitle: l.CampaignTitle,
			Link: p.URL, Instansi: l.Instansi, Deadline: l.Deadline}))
		out.People[i] = p
	}
	return out
}

// Links is the pending list as a signing-links sheet: the ceremony's
// cut-out cards for the people still to sign.
func (l PendingList) Links() LinksSheet {
	s := LinksSheet{Instansi: l.Instansi, CampaignTitle: l.CampaignTitle, SignURL: l.SignURL, GeneratedAt: l.GeneratedAt}
	for _, p := range l.People {
		s.Links = append(s.Links, Link{NIP: p.NIP, Name: p.Name, Position: p.Position, Department: p.Department, URL: p.URL, AccessCode: p.AccessCode})
	}
	return s
}

// WritePendingCSV writes the list in ikrar's CSV format.
func WritePendingCSV(w io.Writer, l PendingList) error {
	rows := [][]string{csvPendingHeader}
	for _, p := range l.People {
		rows = append(rows, []string{p.Department, excelcsv.Text(p.NIP), p.Name, p.Position, excelcsv.Text(p.Phone), p.WhatsApp, p.URL, p.AccessCode})
	}
	if err := excelcsv.NewWriter(w).WriteAll(rows); err != nil {
		return fmt.Errorf("report: write pending CSV: %w", err)
	}
	return nil
}

// WritePendingPDF prints the list to call or visit people from: one unit
// per page (a unit longer than a page goes on over several), by name, with
// the phone number and the access code. A4 portrait.
func WritePendingPDF(w io.Writer, l PendingList) error {
	if err := CheckPDFPeople(len(l.People)); err != nil {
		return err
	}
	doc := newPDFDoc(i18n.T(pdfLang, "pending_doc_title", l.CampaignTitle), l.Instansi, l.GeneratedAt)
	f := doc.f
	const (
		margin = 14.0
		rowH   = 7.0
		top    = 40.0
		bottom = pageH - 14
	)
	cols := []struct {
		title string
		w     float64
	}{
		{i18n.T(pdfLang, "pending_col_no"), 10}, {i18n.T(pdfLang, "report_col_name"), 62}, {i18n.T(pdfLang, "report_col_nip"), 40},
		{i18n.T(pdfLang, "pending_col_phone"), 34}, {i18n.T(pdfLang, "pending_col_code"), 24}, {i18n.T(pdfLang, "pending_col_initials"), 12},
	}
	header := func(unit string, cont bool) {
		f.AddPage()
		doc.textColor(pdfkit.Ink)
		doc.font(true, 13)
		title := unit
		if cont {
			title += continued()
		}
		doc.text(margin, 18, pageW-2*margin, doc.fit(title, pageW-2*margin), 'L')
		doc.font(false, 9)
		doc.textColor(pdfkit.Muted)
		sub := i18n.T(pdfLang, "pending_sub", l.CampaignTitle)
		if l.Deadline != nil {
			sub += " · " + i18n.T(pdfLang, "pending_deadline", wib.Deadline(*l.Deadline))
		}
		doc.text(margin, 24, pageW-2*margin, doc.fit(sub, pageW-2*margin), 'L')
		doc.text(margin, 29, pageW-2*margin, doc.fit(joinNonEmpty(" · ", l.Instansi, i18n.T(pdfLang, "pending_how", l.SignURL), i18n.T(pdfLang, "links_printed", wib.DateTime(l.GeneratedAt))), pageW-2*margin), 'L')
		doc.font(true, 9)
		doc.textColor(pdfkit.Ink)
		x := margin
		for _, c := range cols {
			doc.text(x+1, top-2, c.w-2, c.title, 'L')
			x += c.w
		}
		f.Line(margin, top, pageW-margin, top)
	}
	if len(l.People) == 0 {
		header(l.Scope, false)
		doc.font(false, 11)
		doc.text(margin, top+12, pageW-2*margin, i18n.T(pdfLang, "pending_all_signed"), 'L')
		return doc.output(w, "pending PDF")
	}
	y, n, unit := 0.0, 0, ""
	for _, p := range l.People {
		if p.Department != unit || y+rowH > bottom {
			cont := p.Department == unit
			if !cont {
				n = 0
			}
			unit = p.Department
			header(unit, cont)
			y = top
		}
		n++
		doc.font(false, 9)
		x := margin
		phone := p.Phone
		if phone != "" {
			phone = "+" + phone
		}
		for i, v := range []string{fmt.Sprint(n), p.Name, p.NIP, phone, p.AccessCode, ""} {
			doc.text(x+1, y+rowH-2, cols[i].w-2, doc.fit(v, cols[i].w-2), 'L')
			x += cols[i].w
		}
		y += rowH
		doc.draw(pdfkit.Muted)
		f.Line(margin, y, pageW-margin, y)
	}
	return doc.output(w, "pending PDF")
}
