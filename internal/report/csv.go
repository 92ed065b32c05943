package report

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/ikrar/ikrar/internal/excelcsv"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/store"
)

// Header rows of the CSV exports. They are part of the file format that other
// tools may read back, so they are lower-case snake_case like the roster
// import columns.
var (
	// jumlah_pegawai, sudah and belum include sub-units; pegawai_sendiri is
	// the unit's own staff (its sum over the rows is the roster).
	csvSummaryHeader = []string{"kode", "kode_induk", "tingkat", "unit_kerja", "pegawai_sendiri", "jumlah_pegawai", "sudah", "belum", "persen"}
	csvPeopleHeader  = []string{"nip", "nama", "jabatan", "unit_kerja", "status", "waktu_tanda_tangan_wib", "kode_sertifikat", "jenis", "pindah_dari", "jangkauan"}
	csvLinksHeader   = []string{"nip", "nama", "jabatan", "unit_kerja", "tautan", "kode_akses"}
	csvPendingHeader = []string{"unit_kerja", "nip", "nama", "jabatan", "telepon", "whatsapp", "tautan", "kode_akses"}
)

// WriteCSV writes the report in the CSV format of package excelcsv (";",
// decimal comma, BOM, NIP kept as text): first the summary table
// (one row per department, then a "Jumlah" totals row) and, when the report
// has people, a blank line followed by the people table. Records of the two
// sections have different widths, so readers must allow variable field
// counts (csv.Reader.FieldsPerRecord = -1).
func WriteCSV(w io.Writer, r Report) error {
	cw := excelcsv.NewWriter(w)
	rows := make([][]string, 0, len(r.Departments)+len(r.People)+4)
	rows = append(rows, csvSummaryRows(r)...)
	if len(r.People) > 0 {
		rows = append(rows, []string{}, csvPeopleHeader)
		for _, p := range r.People {
			rows = append(rows, csvPersonRow(p))
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("report: write CSV: %w", err)
	}
	return nil
}

func csvSummaryRows(r Report) [][]string {
	rows := [][]string{csvSummaryHeader}
	for _, d := range r.Departments {
		rows = append(rows, csvSummaryRow(d.Code, d.ParentCode, strconv.Itoa(d.Depth+1), d.Name, d))
	}
	return append(rows, csvSummaryRow("", "", "", "Jumlah", r.Total))
}

func csvPersonRow(p Person) []string {
	status, at := "belum", ""
	if p.Signed() {
		status, at = "sudah", formatMachineWIB(p.SignedAt)
	}
	return []string{excelcsv.Text(p.NIP), p.Name, p.Position, p.Department, status, at, p.CertificateCode, p.Kind, p.MovedFrom, p.Reach}
}

// StreamDepartmentCSV writes what WriteCSV writes for BuildDepartment's
// report, reading the people batch by batch as it writes (EachPerson), so
// a unit holding a whole roster costs one batch of memory. It returns the
// report without its people.
func StreamDepartmentCSV(ctx context.Context, w io.Writer, st *store.Store, sc org.Scope, dept store.Department, camp store.Campaign, now time.Time) (Report, error) {
	r, err := BuildSummary(ctx, st, sc.Narrow(dept.ID), camp, now)
	if err != nil {
		return Report{}, err
	}
	r.Scope = dept.Name
	cw := excelcsv.NewWriter(w)
	if err := cw.WriteAll(csvSummaryRows(r)); err != nil {
		return Report{}, fmt.Errorf("report: write CSV: %w", err)
	}
	first := true
	err = EachPerson(ctx, st, sc, dept, camp, func(people []Person) error {
		if first {
			first = false
			if err := cw.WriteAll([][]string{{}, csvPeopleHeader}); err != nil {
				return err
			}
		}
		for _, p := range people {
			if err := cw.Write(csvPersonRow(p)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = cw.Flush()
	}
	if err != nil {
		return Report{}, fmt.Errorf("report: write CSV: %w", err)
	}
	return r, nil
}

func csvSummaryRow(code, parent, level, name string, d DepartmentStat) []string {
	return []string{
		code, parent, level, name,
		strconv.Itoa(d.OwnRoster), strconv.Itoa(d.Roster), strconv.Itoa(d.Signed), strconv.Itoa(d.Pending()),
		formatPercentCSV(d),
	}
}

// WriteLinksCSV writes one row per ASN with the personal signing link and
// access code, in the CSV format of package excelcsv.
func WriteLinksCSV(w io.Writer, s LinksSheet) error {
	cw := excelcsv.NewWriter(w)
	rows := make([][]string, 0, len(s.Links)+1)
	rows = append(rows, csvLinksHeader)
	for _, l := range s.Links {
		rows = append(rows, linkCSVRow(l))
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("report: write links CSV: %w", err)
	}
	return nil
}

func linkCSVRow(l Link) []string {
	return []string{excelcsv.Text(l.NIP), l.Name, l.Position, l.Department, l.URL, l.AccessCode}
}

// StreamLinksCSV writes what WriteLinksCSV writes for BuildLinks' sheet of
// the scope, reading the roster batch by batch as it writes (sorted by the
// database), so a national roster's sheet takes no more memory than a
// unit's. It returns how many links it wrote.
func StreamLinksCSV(ctx context.Context, w io.Writer, st *store.Store, sc org.Scope, baseURL string) (int, error) {
	cw := excelcsv.NewWriter(w)
	if err := cw.Write(csvLinksHeader); err != nil {
		return 0, fmt.Errorf("report: write links CSV: %w", err)
	}
	n := 0
	err := st.ActiveLinks(ctx, sc.IDs(), func(batch []store.RosterLink) error {
		for _, l := range batch {
			if err := cw.Write(linkCSVRow(linkOf(l, baseURL))); err != nil {
				return fmt.Errorf("report: write links CSV: %w", err)
			}
		}
		n += len(batch)
		return nil
	})
	if err != nil {
		return n, err
	}
	if err := cw.Flush(); err != nil {
		return n, fmt.Errorf("report: write links CSV: %w", err)
	}
	return n, nil
}
