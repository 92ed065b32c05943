package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/nip"
)

// testConfig fixes the clock so NIP plausibility never drifts.
func testConfig() config {
	return config{now: time.Date(2024, time.June, 15, 0, 0, 0, 0, time.UTC), maxRows: MaxRows}
}

// checkResult compares rows, or the problems by line, column and a part of
// their English text (each must also have Indonesian text).
// wantProblem is an expected problem: its line, column and a part of its
// English message.
type wantProblem struct {
	Line   int
	Column string
	EN     string
}

func checkResult(t *testing.T, rows []Row, err error, want []Row, problems []wantProblem) {
	t.Helper()
	if problems == nil {
		if err != nil {
			t.Fatalf("unexpected error:\n%v", err)
		}
		if !reflect.DeepEqual(rows, want) {
			t.Fatalf("rows =\n%+v\nwant\n%+v", rows, want)
		}
		return
	}
	var e *Errors
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *Errors; rows = %+v", err, err, rows)
	}
	if rows != nil {
		t.Errorf("rows = %+v alongside an error, want nil", rows)
	}
	if len(e.Problems) != len(problems) {
		t.Fatalf("got %d problems, want %d:\n%v", len(e.Problems), len(problems), err)
	}
	for i, w := range problems {
		g := e.Problems[i]
		if g.Line != w.Line || g.Column != w.Column || !strings.Contains(g.In("en"), w.EN) || g.In("id") == "" {
			t.Errorf("problem %d = %+v\nwant line %d, column %q, EN containing %q", i, g, w.Line, w.Column, w.EN)
		}
	}
}

const hdr = "nip,nama,jabatan,unit_kerja,email,telepon,jenis\n"

func TestParseCSVAccepts(t *testing.T) {
	budi := Row{Line: 2, NIP: "198703122010121002", Name: "Drs. Budi Santosa, M.Pd.", Position: "Kepala Bidang", Department: "Dinas Kesehatan", Kind: "PNS"}
	with := func(r Row, f func(*Row)) Row { f(&r); return r }
	tests := []struct {
		name string
		in   string
		want []Row
	}{
		{"comma, LF, quoted comma",
			hdr + `198703122010121002,"Drs. Budi Santosa, M.Pd.",Kepala Bidang,Dinas Kesehatan,,,` + "\n",
			[]Row{budi}},
		{"semicolon",
			"nip;nama;jabatan;unit_kerja\n198703122010121002;Drs. Budi Santosa, M.Pd.;Kepala Bidang;Dinas Kesehatan\n",
			[]Row{budi}},
		{"tab",
			"nip\tnama\tjabatan\tunit_kerja\n198703122010121002\tDrs. Budi Santosa, M.Pd.\tKepala Bidang\tDinas Kesehatan\n",
			[]Row{budi}},
		{"BOM and CRLF, no final newline",
			"\xef\xbb\xbfNIP;Nama;Jabatan;Unit_Kerja\r\n198703122010121002;Drs. Budi Santosa, M.Pd.;Kepala Bidang;Dinas Kesehatan",
			[]Row{budi}},
		{"quoted newline and quotes collapse into the name; next line numbered physically",
			hdr + "198703122010121002,\"Drs. Budi\nSantosa, \"\"M.Pd.\"\"\",Kepala Bidang,Dinas Kesehatan\n" +
				"200012312024211001,Ani,Staf,Dinas Kesehatan\n",
			[]Row{
				with(budi, func(r *Row) { r.Name = `Drs. Budi Santosa, "M.Pd."` }),
				{Line: 4, NIP: "200012312024211001", Name: "Ani", Position: "Staf", Department: "Dinas Kesehatan", Kind: "PPPK"},
			}},
		{"English headers in any case and spacing",
			"NIP,Full Name,JOB-TITLE, Department ,E-mail,Phone,Type\n" +
				"198703122010121002,\"Drs. Budi Santosa, M.Pd.\",Kepala Bidang,Dinas Kesehatan,budi@jogjakota.go.id,0812 3456 789,PNS\n",
			[]Row{with(budi, func(r *Row) { r.Email = "budi@jogjakota.go.id"; r.Phone = "628123456789" })}},
		{"Indonesian aliases and extra columns ignored",
			"No,NIP Baru,Nama Lengkap,Golongan,Jabatan,Perangkat_Daerah,Surel,No. HP,Jenis ASN,Keterangan\n" +
				"1,198703122010121002,\"Drs. Budi Santosa, M.Pd.\",III/c,Kepala Bidang,Dinas Kesehatan,budi@jogjakota.go.id,0812-3456-789,pns,cuti\n",
			[]Row{with(budi, func(r *Row) { r.Email = "budi@jogjakota.go.id"; r.Phone = "628123456789" })}},
		{"blank lines and empty separator rows skipped",
			"\n" + hdr + "\n,,,\n,,,,,,\n   \n198703122010121002,\"Drs. Budi Santosa, M.Pd.\",Kepala Bidang,Dinas Kesehatan\n\n",
			[]Row{with(budi, func(r *Row) { r.Line = 7 })}},
		{"title rows above the header",
			"DAFTAR PEGAWAI DINAS KESEHATAN;;;\nPer 1 Juli 2024;;;\n;;;\nnip;nama;jabatan;unit kerja\n198703122010121002;Drs. Budi Santosa, M.Pd.;Kepala Bidang;Dinas Kesehatan\n",
			[]Row{with(budi, func(r *Row) { r.Line = 5 })}},
		{"jenis absent, lower case, P3K",
			hdr + "198703122010121002,A,Staf,Inspektorat,,,\n" +
				"200012312024211001,B,Staf,Inspektorat,,,pppk\n" +
				"199001012021232999,C,Staf,Inspektorat,,, P3K \n",
			[]Row{
				{Line: 2, NIP: "198703122010121002", Name: "A", Position: "Staf", Department: "Inspektorat", Kind: "PNS"},
				{Line: 3, NIP: "200012312024211001", Name: "B", Position: "Staf", Department: "Inspektorat", Kind: "PPPK"},
				{Line: 4, NIP: "199001012021232999", Name: "C", Position: "Staf", Department: "Inspektorat", Kind: "PPPK"},
			}},
		{"phone and email normalised",
			hdr + "198703122010121002,A,Staf,Inspektorat,budi.santosa@jogjakota.go.id,0812-3456-789,PNS\n" +
				"198703122010121003,B,Staf,Inspektorat,,+62 812 3456 789,\n" +
				"198703122010121004,C,Staf,Inspektorat,,812 3456 789,\n" +
				"198703122010121005,D,Staf,Inspektorat,,6281234567890,\n" +
				"198703122010121006,E,Staf,Inspektorat,,0274-512345,\n",
			[]Row{
				{Line: 2, NIP: "198703122010121002", Name: "A", Position: "Staf", Department: "Inspektorat", Email: "budi.santosa@jogjakota.go.id", Phone: "628123456789", Kind: "PNS"},
				{Line: 3, NIP: "198703122010121003", Name: "B", Position: "Staf", Department: "Inspektorat", Phone: "628123456789", Kind: "PNS"},
				{Line: 4, NIP: "198703122010121004", Name: "C", Position: "Staf", Department: "Inspektorat", Phone: "628123456789", Kind: "PNS"},
				{Line: 5, NIP: "198703122010121005", Name: "D", Position: "Staf", Department: "Inspektorat", Phone: "6281234567890", Kind: "PNS"},
				{Line: 6, NIP: "198703122010121006", Name: "E", Position: "Staf", Department: "Inspektorat", Phone: "62274512345", Kind: "PNS"},
			}},
		{"whitespace, NBSP, zero-width and control characters cleaned",
			hdr + "  198703122010121002 ,\"  Drs.\u00a0 Budi\t Santosa,\u200b M.Pd.\x07 \", Kepala   Bidang ,\ufeffDinas Kesehatan\n",
			[]Row{budi}},
		{"apostrophe-forced text and printed grouping of the NIP",
			hdr + "'198703122010121002,A,Staf,Inspektorat\n19870312 201012 1 003,B,Staf,Inspektorat\n",
			[]Row{
				{Line: 2, NIP: "198703122010121002", Name: "A", Position: "Staf", Department: "Inspektorat", Kind: "PNS"},
				{Line: 3, NIP: "198703122010121003", Name: "B", Position: "Staf", Department: "Inspektorat", Kind: "PNS"},
			}},
		{"short rows leave optional columns empty",
			hdr + "198703122010121002,\"Drs. Budi Santosa, M.Pd.\",Kepala Bidang,Dinas Kesehatan\n",
			[]Row{budi}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := parseCSV(strings.NewReader(tt.in), testConfig())
			checkResult(t, rows, err, tt.want, nil)
		})
	}
}

func TestParseCSVRejects(t *testing.T) {
	const budi = "198703122010121002,Budi,Staf,Inspektorat"
	tests := []struct {
		name     string
		in       string
		problems []wantProblem
	}{
		{"empty file", "", []wantProblem{{EN: "the file is empty"}}},
		{"only a BOM and blank lines", "\xef\xbb\xbf\r\n\n  \n;;\n", []wantProblem{{EN: "the file is empty"}}},
		{"header only", hdr, []wantProblem{{EN: "header row but no employee rows"}}},
		{"header and blank lines only", hdr + "\n,,,\n", []wantProblem{{EN: "header row but no employee rows"}}},
		{"missing columns named", "nip,nama,telepon\n" + budi + "\n",
			[]wantProblem{{Line: 1, EN: "required column missing: jabatan, unit_kerja"}}},
		{"missing nip column", "nama;jabatan;unit_kerja\nBudi;Staf;Inspektorat\n",
			[]wantProblem{{Line: 1, EN: "required column missing: nip "}}},
		{"same column twice", "nip,nama,name,jabatan,unit_kerja\n" + budi + "\n",
			[]wantProblem{{Line: 1, Column: "nama", EN: "column nama appears twice (columns 2 and 3)"}}},
		{"no header at all", budi + "\n" + budi + "\n",
			[]wantProblem{{Line: 1, EN: "header row not found: the first row must name the columns nip, nama, jabatan, unit_kerja (found: 198703122010121002, Budi, Staf, Inspektorat)"}}},
		{"bad NIP carries the nip message", hdr + "19870312201012100,Budi,Staf,Inspektorat\n",
			[]wantProblem{{Line: 2, Column: "nip", EN: "NIP must be 18 digits (got 17)"}}},
		{"impossible birth date", hdr + "198713322010121002,Budi,Staf,Inspektorat\n",
			[]wantProblem{{Line: 2, Column: "nip", EN: "birth date 19871332 (digits 1–8) is not a real date"}}},
		{"empty NIP", hdr + ",Budi,Staf,Inspektorat\n",
			[]wantProblem{{Line: 2, Column: "nip", EN: "NIP is empty"}}},
		{"NIP in scientific notation", "nip;nama;jabatan;unit_kerja\n1,98703E+17;Budi;Staf;Inspektorat\n",
			[]wantProblem{{Line: 2, Column: "nip", EN: "NIP 1,98703E+17 is in scientific notation"}}},
		{"duplicate NIP names both lines", hdr + budi + "\n200012312024211001,Ani,Staf,Inspektorat\n" + budi + "\n",
			[]wantProblem{{Line: 4, Column: "nip", EN: "NIP 198703122010121002 already appears on line 2 (duplicate on lines 2 and 4)"}}},
		{"invalid jenis", hdr + budi + ",,,Honorer\n",
			[]wantProblem{{Line: 2, Column: "jenis", EN: `type "Honorer" is unknown; use PNS or PPPK`}}},
		{"jenis contradicts NIP", hdr + budi + ",,,PPPK\n200012312024211001,Ani,Staf,Inspektorat,,,PNS\n",
			[]wantProblem{
				{Line: 2, Column: "jenis", EN: "type PPPK does not match the NIP, which indicates PNS"},
				{Line: 3, Column: "jenis", EN: "type PNS does not match the NIP, which indicates PPPK"},
			}},
		{"bad emails", hdr +
			"198703122010121002,A,Staf,Inspektorat,budi.santosa,,\n" +
			"198703122010121003,B,Staf,Inspektorat,budi@gmail,,\n" +
			"198703122010121004,C,Staf,Inspektorat,Budi <budi@jogjakota.go.id>,,\n" +
			"198703122010121005,D,Staf,Inspektorat,budi @jogjakota.go.id,,\n",
			[]wantProblem{
				{Line: 2, Column: "email", EN: `email "budi.santosa" is not valid`},
				{Line: 3, Column: "email", EN: `email "budi@gmail" is not valid`},
				{Line: 4, Column: "email", EN: `email "Budi <budi@jogjakota.go.id>" is not valid`},
				{Line: 5, Column: "email", EN: `email "budi @jogjakota.go.id" is not valid`},
			}},
		{"bad phones", hdr +
			"198703122010121002,A,Staf,Inspektorat,,(0274) 512345,\n" +
			"198703122010121003,B,Staf,Inspektorat,,+65 8123 4567,\n" +
			"198703122010121004,C,Staf,Inspektorat,,274512345,\n" +
			"198703122010121005,D,Staf,Inspektorat,,0812,\n" +
			"198703122010121006,E,Staf,Inspektorat,,0812+3456789,\n",
			[]wantProblem{
				{Line: 2, Column: "telepon", EN: `phone number "(0274) 512345" may only contain digits, +, spaces and -`},
				{Line: 3, Column: "telepon", EN: `phone number "+65 8123 4567" is not an Indonesian number`},
				{Line: 4, Column: "telepon", EN: `phone number "274512345" must start with 0, 62 or +62`},
				{Line: 5, Column: "telepon", EN: `phone number "0812" has an implausible length (5 digits once normalised to 62812)`},
				{Line: 6, Column: "telepon", EN: `phone number "0812+3456789" may only contain`},
			}},
		{"empty required cells, each reported", hdr + "198703122010121002, ,\t,\u00a0\n",
			[]wantProblem{
				{Line: 2, Column: "nama", EN: "name is empty"},
				{Line: 2, Column: "jabatan", EN: "position is empty"},
				{Line: 2, Column: "unit_kerja", EN: "department is empty"},
			}},
		{"text over 200 characters", hdr + "198703122010121002," + strings.Repeat("a", 201) + ",Staf," + strings.Repeat("é", 201) + "\n",
			[]wantProblem{
				{Line: 2, Column: "nama", EN: "name is too long (201 characters, at most 200)"},
				{Line: 2, Column: "unit_kerja", EN: "department is too long (201 characters, at most 200)"},
			}},
		{"cell over 1000 characters", hdr + "198703122010121002," + strings.Repeat("a", 1001) + ",Staf,Inspektorat\n",
			[]wantProblem{{Line: 2, Column: "nama", EN: "cell is too long (1001 characters, at most 1000)"}}},
		{"invalid UTF-8 (a Windows-1252 export)", hdr + "198703122010121002,Andr\xe9,Staf,Inspektorat\n" + budi[:17] + "3,B,Staf,Inspektorat\n",
			[]wantProblem{{Line: 2, EN: `text is not valid UTF-8; save the file as "CSV UTF-8"`}}},
		{"unquoted comma in a title shifts columns", hdr + "198703122010121002,Drs. Budi Santosa, M.Pd.,Kepala Bidang,Dinas Kesehatan,,,PNS\n",
			[]wantProblem{{Line: 2, EN: "this line has 8 cells but the header only 7"}}},
		{"bare quote", hdr + budi + "\n198703122010121003,Budi \"Bud\" Santosa,Staf,Inspektorat\n",
			[]wantProblem{{Line: 3, EN: "invalid quote"}}},
		{"quote never closed", hdr + budi + "\n198703122010121003,\"Budi,Staf,Inspektorat\n" + budi + "\n",
			[]wantProblem{{Line: 3, EN: "invalid quote (\") (line 4 character 42)"}}},
		{"problems across rows all collected, in order", hdr +
			"1,,Staf,Inspektorat\n" + budi + "\n" + budi + ",bukan-email\n",
			[]wantProblem{
				{Line: 2, Column: "nip", EN: "NIP must be 18 digits (got 1)"},
				{Line: 2, Column: "nama", EN: "name is empty"},
				{Line: 4, Column: "email", EN: `email "bukan-email" is not valid`},
				{Line: 4, Column: "nip", EN: "duplicate on lines 3 and 4"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := parseCSV(strings.NewReader(tt.in), testConfig())
			checkResult(t, rows, err, nil, tt.problems)
		})
	}
}

func TestParseCSVRowLimit(t *testing.T) {
	c := testConfig()
	c.maxRows = 3
	var b strings.Builder
	b.WriteString("DAFTAR PEGAWAI\n\n" + hdr) // title rows do not count
	for i := 1; i <= 4; i++ {
		fmt.Fprintf(&b, "198703122010121%03d,N%d,Staf,Inspektorat\n", i, i)
	}
	rows, err := parseCSV(strings.NewReader(b.String()), c)
	checkResult(t, rows, err, nil, []wantProblem{{Line: 7, EN: "the file has more than 3 data rows"}})

	c.maxRows = 4
	rows, err = parseCSV(strings.NewReader(b.String()), c)
	if err != nil || len(rows) != 4 {
		t.Fatalf("at the limit: %d rows, error %v; want 4 rows", len(rows), err)
	}
}

// TestParseCSVEndlessLine checks that a line with no end is refused without
// being read whole.
func TestParseCSVEndlessLine(t *testing.T) {
	for name, prefix := range map[string]string{
		"unquoted": hdr + "198703122010121002,",
		"quoted":   hdr + "198703122010121002,\"",
	} {
		t.Run(name, func(t *testing.T) {
			in := &countingReader{r: io.MultiReader(strings.NewReader(prefix), endless{})}
			rows, err := parseCSV(in, testConfig())
			checkResult(t, rows, err, nil, []wantProblem{{Line: 2, EN: "line is too long (over 1048576 bytes)"}})
			if in.n > 2*maxRecordBytes {
				t.Errorf("read %d bytes before refusing, want at most %d", in.n, 2*maxRecordBytes)
			}
		})
	}
}

type endless struct{}

func (endless) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = 'a'
	}
	return len(b), nil
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += n
	return n, err
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseCSVReadError(t *testing.T) {
	_, err := ParseCSV(io.MultiReader(strings.NewReader(hdr+"198703122010121002,A,B,C\n"), failingReader{}))
	var e *Errors
	if err == nil || errors.As(err, &e) || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("error = %v, want the wrapped read error, not a roster problem", err)
	}
}

func TestParseByExtension(t *testing.T) {
	csvData, err := os.ReadFile(filepath.Join("testdata", "roster.csv"))
	if err != nil {
		t.Fatal(err)
	}
	xlsxData, err := os.ReadFile(filepath.Join("testdata", "roster.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		filename string
		data     []byte
		wantEN   string // "" for success
	}{
		{"roster.csv", csvData, ""},
		{"ROSTER.CSV", csvData, ""},
		{"dinas kesehatan.xlsx", xlsxData, ""},
		{"Roster.XLSX", xlsxData, ""},
		{"roster.xls", xlsxData, "file format .xls is not supported; use .csv or .xlsx"},
		{"roster.txt", csvData, "file format .txt is not supported"},
		{"roster", csvData, "file format (no extension) is not supported"},
		{"roster.csv", xlsxData, "this file looks like an XLSX"},
		{"roster.csv", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "old Excel (.xls)"},
		{"roster.xlsx", csvData, "not a valid XLSX"},
	}
	for _, tt := range tests {
		t.Run(tt.filename, func(t *testing.T) {
			rows, err := Parse(bytes.NewReader(tt.data), tt.filename)
			if tt.wantEN == "" {
				if err != nil || len(rows) != 15 {
					t.Fatalf("Parse = %d rows, %v; want the 15 sample rows", len(rows), err)
				}
				return
			}
			var e *Errors
			if !errors.As(err, &e) || !strings.Contains(e.Problems[0].In("en"), tt.wantEN) {
				t.Fatalf("Parse error = %v, want a problem containing %q", err, tt.wantEN)
			}
		})
	}
}

// TestSampleCSV pins the committed sample, which other packages' tests and
// the docs use: every row parses, with kinds, titles and phones intact.
func TestSampleCSV(t *testing.T) {
	rows := sampleRows(t, "roster.csv")
	if len(rows) != 15 {
		t.Fatalf("%d rows, want 15", len(rows))
	}
	first := Row{Line: 2, NIP: "196805121993031005", Name: "Drs. Budi Santosa, M.Pd.", Position: "Kepala Dinas",
		Department: "Dinas Pendidikan, Pemuda, dan Olahraga", Email: "budi.santosa@jogjakota.go.id", Phone: "6281227001234", Kind: "PNS"}
	if rows[0] != first {
		t.Errorf("first row = %+v, want %+v", rows[0], first)
	}
	kinds := map[string]int{}
	for _, r := range rows {
		kinds[r.Kind]++
		if _, err := nip.ValidateAt(r.NIP, testConfig().now); err != nil {
			t.Errorf("line %d: %v", r.Line, err)
		}
	}
	if kinds["PNS"] != 12 || kinds["PPPK"] != 3 {
		t.Errorf("kinds = %v, want 12 PNS and 3 PPPK", kinds)
	}
}

func TestErrorsText(t *testing.T) {
	p := Problem{Line: 12, Column: "nip", Msg: i18n.New("nip_empty")}
	if got, want := p.String(), "baris 12, kolom nip: NIP kosong / line 12, column nip: NIP is empty"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for _, tt := range []struct {
		p    Problem
		want string
	}{
		{Problem{Line: 3, Msg: i18n.New("nip_empty")}, "baris 3: NIP kosong / line 3: NIP is empty"},
		{Problem{Msg: i18n.New("nip_empty")}, "berkas: NIP kosong / file: NIP is empty"},
		{Problem{Column: "nama", Msg: i18n.New("nip_empty")}, "kolom nama: NIP kosong / column nama: NIP is empty"},
	} {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}

	var many Errors
	for i := 0; i < 57; i++ {
		many.Problems = append(many.Problems, Problem{Line: i + 2, Column: "nip", Msg: i18n.New("nip_empty")})
	}
	lines := strings.Split(many.Error(), "\n")
	if len(lines) != 51 {
		t.Fatalf("Error() has %d lines, want 50 problems and a summary", len(lines))
	}
	if lines[0] != "baris 2, kolom nip: NIP kosong / line 2, column nip: NIP is empty" {
		t.Errorf("first line = %q", lines[0])
	}
	if lines[50] != "dan 7 masalah lainnya / and 7 more problems" {
		t.Errorf("summary = %q", lines[50])
	}
	if len(many.Problems) != 57 {
		t.Errorf("Problems trimmed to %d", len(many.Problems))
	}
}

func TestNormalizeHeader(t *testing.T) {
	for in, want := range map[string]string{
		"Unit_Kerja":        "unit kerja",
		" UNIT  KERJA ":     "unit kerja",
		"unit-kerja":        "unit kerja",
		"No. HP":            "no hp",
		"E-Mail":            "e mail",
		"NIP*":              "nip",
		"\ufeffnip":         "nip",
		"Nama\u00a0Lengkap": "nama lengkap",
	} {
		if got := normalizeHeader(in); got != want {
			t.Errorf("normalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanCell(t *testing.T) {
	for in, want := range map[string]string{
		"Budi":                          "Budi",
		"  Budi  Santosa ":              "Budi Santosa",
		"Budi\r\nSantosa":               "Budi Santosa",
		"Bu\x00di\x1b":                  "Budi",
		"\u200bBudi\u00a0Santosa\u2003": "Budi Santosa",
		"Sri Sultan Hamengku Buwono":    "Sri Sultan Hamengku Buwono",
		"":                              "",
		" \t ":                          "",
	} {
		if got := cleanCell(in); got != want {
			t.Errorf("cleanCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// checkFuzzResult is the property both fuzz targets hold: an error is an
// *Errors with complete problems (or a read error, impossible with an
// in-memory reader), and success means every row is importable.
func checkFuzzResult(t *testing.T, rows []Row, err error) {
	t.Helper()
	if err != nil {
		var e *Errors
		if !errors.As(err, &e) || len(e.Problems) == 0 {
			t.Fatalf("error %v is not *Errors with problems", err)
		}
		for _, p := range e.Problems {
			if p.In("id") == "" || p.In("en") == "" || p.Line < 0 {
				t.Fatalf("incomplete problem %+v", p)
			}
		}
		if rows != nil {
			t.Fatalf("rows alongside an error")
		}
		return
	}
	if len(rows) == 0 {
		t.Fatalf("success without rows")
	}
	seen := map[string]bool{}
	for _, r := range rows {
		info, err := nip.ValidateAt(r.NIP, testConfig().now)
		if err != nil || r.NIP != strings.TrimSpace(r.NIP) {
			t.Fatalf("row %+v has an invalid NIP: %v", r, err)
		}
		if r.Name == "" || r.Department == "" || r.Position == "" {
			t.Fatalf("row %+v has an empty required field", r)
		}
		if r.Kind != info.Kind || seen[r.NIP] || r.Line < 1 {
			t.Fatalf("row %+v: kind, duplicate or line wrong", r)
		}
		seen[r.NIP] = true
	}
}

func FuzzParseCSV(f *testing.F) {
	sample, err := os.ReadFile(filepath.Join("testdata", "roster.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sample)
	f.Add([]byte("\xef\xbb\xbfnip;nama;jabatan;unit_kerja\r\n198703122010121002;Budi;Staf;Inspektorat\r\n"))
	f.Add([]byte(hdr + "198703122010121002,\"Budi\n\"\"B\"\"\",Staf,Inspektorat,,0812-3456-789,pns\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := parseCSV(bytes.NewReader(b), testConfig())
		checkFuzzResult(t, rows, err)
	})
}
