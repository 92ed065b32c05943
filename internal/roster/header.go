package roster

import (
	"strings"
)

// Canonical column names, used in Problem.Column and in messages.
const (
	ColNIP        = "nip"
	ColName       = "nama"
	ColPosition   = "jabatan"
	ColDepartment = "unit_kerja"
	ColEmail      = "email"
	ColPhone      = "telepon"
	ColKind       = "jenis"
	ColParent     = "unit_induk"
)

// field identifies one Row field; the order is the order of columns in
// messages.
type field int

const (
	fNIP field = iota
	fName
	fPosition
	fDepartment
	fEmail
	fPhone
	fKind
	fParent
	numFields
)

var fieldNames = [numFields]string{ColNIP, ColName, ColPosition, ColDepartment, ColEmail, ColPhone, ColKind, ColParent}

// required fields must have a column in the header.
var required = [numFields]bool{fNIP: true, fName: true, fPosition: true, fDepartment: true}

// headerAliases maps a normalised header (see normalizeHeader) to its field.
// Besides the names the spec lists, it knows the ones SIMPEG-style exports
// from BKPSDM commonly use ("nip baru", "nama pegawai", "opd").
var headerAliases = map[string]field{
	"nip": fNIP, "nip baru": fNIP, "nomor induk pegawai": fNIP,

	"nama": fName, "name": fName, "nama lengkap": fName, "full name": fName,
	"nama pegawai": fName, "nama asn": fName,

	"jabatan": fPosition, "position": fPosition, "job title": fPosition, "nama jabatan": fPosition,

	"unit kerja": fDepartment, "department": fDepartment, "unit": fDepartment,
	"perangkat daerah": fDepartment, "opd": fDepartment, "skpd": fDepartment,

	"email": fEmail, "e mail": fEmail, "surel": fEmail, "alamat email": fEmail,

	"telepon": fPhone, "phone": fPhone, "no hp": fPhone, "hp": fPhone, "telp": fPhone,
	"whatsapp": fPhone, "no telp": fPhone, "no telepon": fPhone, "nomor hp": fPhone,
	"nomor telepon": fPhone, "no wa": fPhone, "wa": fPhone, "phone number": fPhone, "mobile": fPhone,

	"jenis": fKind, "type": fKind, "jenis asn": fKind, "status": fKind,
	"status asn": fKind, "jenis pegawai": fKind, "status kepegawaian": fKind,

	// The unit above the person's unit, by name or code (issue 14: the
	// unit tree comes from the file, not from moving units one by one).
	"unit induk": fParent, "parent": fParent, "induk": fParent, "parent unit": fParent,
	"kode induk": fParent, "unit kerja induk": fParent, "parent department": fParent,
}

// aliasHint lists, per field, the names shown when a required column is
// missing.
var aliasHint = [numFields]string{
	fNIP:        "nip",
	fName:       "nama / name / nama lengkap / full name",
	fPosition:   "jabatan / position / job title",
	fDepartment: "unit_kerja / unit kerja / department / unit / perangkat daerah",
}

// normalizeHeader makes "Unit_Kerja", " unit-kerja " and "UNIT  KERJA" equal,
// and ignores the dots of "No. HP" and the asterisk templates put on
// required columns.
func normalizeHeader(s string) string {
	s = strings.ToLower(cleanCell(s))
	s = strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.':
			return ' '
		case '*', ':':
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// columnMap holds the index of each field's column, -1 when absent.
type columnMap [numFields]int

// mapHeader matches header cells to fields. It returns the map, the fields
// matched by more than one column (with both column numbers, 1-based) and
// whether the row looks like a header (the nip column or two other known
// columns), which tells a header apart from a title row above it.
func mapHeader(cells []string) (cols columnMap, dups []dupColumn, isHeader bool) {
	for i := range cols {
		cols[i] = -1
	}
	known := 0
	for i, c := range cells {
		f, ok := headerAliases[normalizeHeader(c)]
		if !ok {
			continue
		}
		known++
		if cols[f] >= 0 {
			dups = append(dups, dupColumn{field: f, first: cols[f] + 1, second: i + 1})
			continue
		}
		cols[f] = i
	}
	return cols, dups, cols[fNIP] >= 0 || known >= 2
}

type dupColumn struct {
	field         field
	first, second int
}

// missing lists the required fields without a column.
func (c columnMap) missing() []field {
	var out []field
	for f := field(0); f < numFields; f++ {
		if required[f] && c[f] < 0 {
			out = append(out, f)
		}
	}
	return out
}
