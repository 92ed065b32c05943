// Package report owns how completion is counted and shows it: the one
// rule (live for an open campaign, as recorded at closing for a closed
// one: StateOf, CompletionOf), rolled up the unit tree of an org.Scope,
// and the reports made of it (PDF, CSV, XLSX), the sheet of personal
// signing links handed out at the pledge ceremony, pending lists and the
// staff e-mails. Which units a reader sees is package org's; what a PDF
// looks like is package pdfkit's.
//
// The Build* functions gather figures and people from the store into
// plain structs; every writer only formats them. Times are shown in WIB
// (UTC+7) whatever location the caller's time.Time values carry.
package report

import (
	"fmt"
	"github.com/ikrar/ikrar/internal/excelcsv"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/wib"
)

// DepartmentStat is one row of the completion table.
type DepartmentStat struct {
	Code, Name string
	// ParentCode is the code of the unit this one sits under ("" for a
	// top-level unit).
	ParentCode string
	// Depth is the nesting level (0 for a root department, 1 for its
	// child...): it drives indentation and is the exports' level (Depth+1).
	Depth int
	// Roster and Signed include sub-units; OwnRoster counts the unit's own
	// staff only, so summing it over every row gives the whole roster.
	Roster, Signed int
	OwnRoster      int
}

// Pending is the number of roster entries that have not signed yet. It never
// goes below zero, even if inconsistent counts are passed.
func (d DepartmentStat) Pending() int {
	if d.Signed >= d.Roster {
		return 0
	}
	return d.Roster - d.Signed
}

// Empty reports a unit with nobody to sign: it has no percentage (shown
// as "—") and stays out of lowest/highest lists.
func (d DepartmentStat) Empty() bool { return d.Roster <= 0 }

// Percent is the shown completion in percent (0–100), the same figure as
// every view prints; an empty roster counts as 0.
func (d DepartmentStat) Percent() float64 { return float64(d.percentTenths()) / 10 }

// Fraction is the exact share signed (0–1) that spreadsheets store; near
// the ends it is kept off 0 and 1 the way percentTenths is, so a
// spreadsheet's own rounding cannot show 100 % for a unit still missing
// someone.
func (d DepartmentStat) Fraction() float64 {
	if d.Roster <= 0 {
		return 0
	}
	f := math.Min(float64(d.Signed)/float64(d.Roster), 1)
	if t := d.percentTenths(); t == 999 || t == 1 {
		f = math.Min(math.Max(f, 0.001), 0.999)
	}
	return f
}

// percentTenths is the completion in tenths of a percent, rounded half up
// with integer arithmetic (3 of 7 is 42,9; 2 of 3 is 66,7; a float would
// make 57 of 100 read 56,9), except that it never reads 100,0 while anyone
// is missing nor 0,0 once anyone has signed.
func (d DepartmentStat) percentTenths() int {
	if d.Roster <= 0 || d.Signed <= 0 {
		return 0
	}
	if d.Signed >= d.Roster {
		return 1000
	}
	r := int64(d.Roster)
	t := int((int64(d.Signed)*2000 + r) / (2 * r))
	return min(max(t, 1), 999)
}

// Person is one roster entry of a department report.
type Person struct {
	NIP, Name, Position, Department string
	Kind                            string // PNS or PPPK
	// SignedAt is the signing time; the zero value means the person has not
	// signed yet.
	SignedAt        time.Time
	CertificateCode string
	// MovedFrom names the unit the person signed in when they have moved
	// since ("pindah dari X"); empty otherwise.
	MovedFrom string
	// Reach is how far a pending person has been reached ("diundang
	// (email, 2024-12-17 09:12:03); dibuka 2024-12-17 10:01:40;
	// diingatkan 2×"); empty for signers.
	Reach string
}

// Signed reports whether the person has signed.
func (p Person) Signed() bool { return !p.SignedAt.IsZero() }

// DayCount is the number of signatures made on one day.
type DayCount struct {
	Day   time.Time
	Count int
}

// Report is everything a completion report shows.
type Report struct {
	Instansi      string
	CampaignTitle string
	GeneratedAt   time.Time
	// Scope is "Semua unit kerja" for the summary or the department's name.
	Scope       string
	Departments []DepartmentStat
	// Total is the totals row; its Code and Name are not shown.
	Total DepartmentStat
	// People lists everyone in scope for a department report, in the order
	// they should be printed; it is empty for the summary.
	People []Person
	Daily  []DayCount
	// Checkpoint names the latest signed checkpoint of the audit chain
	// ("" when none was made), so a printed report can be compared with a
	// checkpoint published elsewhere.
	Checkpoint string
}

// Link is one ASN's personal signing link and access code.
type Link struct {
	NIP, Name, Position, Department, URL, AccessCode string
}

// LinksSheet is the input of the signing-links exports.
type LinksSheet struct {
	Instansi, CampaignTitle string
	// SignURL is the page where an ASN can type NIP + access code instead of
	// scanning the QR code.
	SignURL     string
	GeneratedAt time.Time
	Links       []Link
}

// Neutralize guards a text cell against formula injection (CSV/spreadsheet
// injection, OWASP): spreadsheet programs evaluate a cell that starts with
// = + - @ (and some treat a leading tab or CR the same way), so such a value
// is prefixed with an apostrophe and is then displayed as text. NIPs and
// ordinary names are left untouched.
func Neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// formatShortDateTimeID is the compact form used in table cells:
// "25 Nov 2026 14.20".
func formatShortDateTimeID(t time.Time) string {
	t = t.In(wib.Zone)
	return fmt.Sprintf("%d %s %d %02d.%02d", t.Day(), wib.Month(t.Month())[:3], t.Year(), t.Hour(), t.Minute())
}

// formatMachineWIB is the sortable, parseable form used in CSV exports.
func formatMachineWIB(t time.Time) string {
	return t.In(wib.Zone).Format("2006-01-02 15:04:05")
}

// formatIntID writes n with Indonesian thousands separators: 5600 → "5.600".
func formatIntID(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatPercentID writes a completion with one decimal and a decimal comma:
// "85,3%"; a unit with nobody to sign shows "—".
func formatPercentID(d DepartmentStat) string {
	if d.Empty() {
		return "—"
	}
	t := d.percentTenths()
	return fmt.Sprintf("%d,%d%%", t/10, t%10)
}

// formatPercentCSV is the completion as a number Excel with the id-ID
// locale reads as one (decimal comma, no sign): "85,3".
// A unit with nobody to sign has no figure (the page's "—"): the cell
// stays empty.
func formatPercentCSV(d DepartmentStat) string {
	if d.Empty() {
		return ""
	}
	return excelcsv.Decimal(d.percentTenths())
}

// joinNonEmpty joins the non-blank parts with sep, so optional fields never
// leave a dangling separator.
func joinNonEmpty(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// splitPeople separates signed from pending people, keeping the caller's order.
func splitPeople(people []Person) (signed, pending []Person) {
	for _, p := range people {
		if p.Signed() {
			signed = append(signed, p)
		} else {
			pending = append(pending, p)
		}
	}
	return signed, pending
}
