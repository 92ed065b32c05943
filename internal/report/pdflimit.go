package report

import (
	"context"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/store"
)

// MaxPDFPeople is the most people one PDF lists: a unit's report, a links
// sheet of cut-out cards, a pending list. gofpdf holds the whole document
// in memory until it is written (every page's content, uncompressed, so
// that "Halaman X dari Y" can be filled in at the end), and a report
// holds its people to split them into signed and pending. Measured peak
// RSS (docs/PERFORMANCE.md): a report of 10,000 people 155 MB (397 pages),
// 25,000 188 MB, 100,000 446 MB; link cards of 10,000 people 236 MB (1,250
// pages), 25,000 499 MB, 100,000 1.7 GB. At 10,000 every PDF stays under
// the 300 MB that whole-roster work may take, and no one prints more
// pages than that; the CSV and XLSX exports stream and have no limit.
const MaxPDFPeople = 10_000

// PDFTooLargeError refuses a PDF of more than MaxPDFPeople people. It
// unwraps to its message (i18n key pdf_too_large), so the web shows it in
// the reader's language and the CLI in both.
type PDFTooLargeError struct {
	People int
}

func (e *PDFTooLargeError) Error() string { return e.Unwrap().Error() }

// Unwrap is the message in both languages.
func (e *PDFTooLargeError) Unwrap() error {
	return i18n.New("pdf_too_large", countText(e.People), countText(MaxPDFPeople))
}

// countText is n with the thousands separator of each language.
func countText(n int) i18n.Text {
	id := formatIntID(n)
	return i18n.Text{ID: id, EN: strings.ReplaceAll(id, ".", ",")}
}

// CheckPDFPeople is the rule: nil for a PDF of n people that may be made.
func CheckPDFPeople(n int) error {
	if n > MaxPDFPeople {
		return &PDFTooLargeError{People: n}
	}
	return nil
}

// BuildDepartmentPDF is BuildDepartment for a PDF: a unit of more people
// than a PDF lists is refused from its counts, before anyone is read.
func BuildDepartmentPDF(ctx context.Context, st *store.Store, sc org.Scope, dept store.Department, camp store.Campaign, now time.Time) (Report, error) {
	return buildDepartment(ctx, st, sc, dept, camp, now, CheckPDFPeople)
}

// BuildLinksPDF is BuildLinks for the PDF sheet of cards: a scope of more
// people than a PDF lists is refused from its counts, before anyone is
// read.
func BuildLinksPDF(ctx context.Context, st *store.Store, sc org.Scope, baseURL string, camp store.Campaign, now time.Time) (LinksSheet, error) {
	_, total, err := CompletionOf(ctx, st, sc, camp.ID)
	if err != nil {
		return LinksSheet{}, err
	}
	if err := CheckPDFPeople(total.Roster); err != nil {
		return LinksSheet{}, err
	}
	return BuildLinks(ctx, st, sc, baseURL, camp, now)
}
