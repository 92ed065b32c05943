package roster

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// tree returns "unit name → parent name" for every unit with a parent.
func tree(t *testing.T, st *store.Store) map[string]string {
	t.Helper()
	ds, err := st.Departments(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byID := map[uint]string{}
	for _, d := range ds {
		byID[d.ID] = d.Name
	}
	out := map[string]string{}
	for _, d := range ds {
		if d.ParentID != nil {
			out[d.Name] = byID[*d.ParentID]
		}
	}
	return out
}

func problemsOf(t *testing.T, err error) []Problem {
	t.Helper()
	var e *Errors
	if !errors.As(err, &e) {
		t.Fatalf("want line problems, got %v", err)
	}
	return e.Problems
}

const unitsFile = "kode;nama;induk\n" +
	"kemantren-gk;Kemantren Gondokusuman;\n" +
	"kel-baciro;Kelurahan Baciro;kemantren-gk\n" +
	"kel-demangan;Kelurahan Demangan;Kemantren Gondokusuman\n" +
	"setda;Sekretariat Daerah;\n" +
	"bag-hukum;Bagian Hukum;setda\n"

// TestUnitsImport: the unit tree from a units file (issue 14): good file,
// cycle and unknown parent refused with the line, nothing written.
func TestUnitsImport(t *testing.T) { storetest.Each(t, testUnitsImport) }

func testUnitsImport(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st := storetest.Open(t, b)

	// Preview writes nothing.
	res, err := ImportUnits(ctx, st, "admin", "units.csv", strings.NewReader(unitsFile), true)
	if err != nil || res.Added != 5 || res.Moved != 3 {
		t.Fatalf("preview: %+v %v", res, err)
	}
	if ds, _ := st.Departments(ctx); len(ds) != 0 {
		t.Fatalf("preview wrote %d units", len(ds))
	}
	res, err = ImportUnits(ctx, st, "admin", "units.csv", strings.NewReader(unitsFile), false)
	if err != nil || res.Added != 5 || res.Moved != 3 {
		t.Fatalf("import: %+v %v", res, err)
	}
	want := map[string]string{"Kelurahan Baciro": "Kemantren Gondokusuman", "Kelurahan Demangan": "Kemantren Gondokusuman", "Bagian Hukum": "Sekretariat Daerah"}
	if got := tree(t, st); !equalMaps(got, want) {
		t.Fatalf("tree %v, want %v", got, want)
	}
	// The same file again changes nothing.
	if res, err := ImportUnits(ctx, st, "admin", "units.csv", strings.NewReader(unitsFile), false); err != nil || res.Unchanged != 5 || res.Added+res.Moved+res.Renamed != 0 {
		t.Fatalf("again: %+v %v", res, err)
	}

	tests := []struct {
		name, file string
		line       int
		col, en    string
	}{
		{"cycle through the database", "kode;nama;induk\nkemantren-gk;Kemantren Gondokusuman;kel-baciro\n", 2, "induk", "cycle: Kemantren Gondokusuman → Kelurahan Baciro → Kemantren Gondokusuman"},
		{"cycle inside the file", "kode;nama;induk\na;Unit A;b\nb;Unit B;c\nc;Unit C;a\n", 2, "induk", "cycle"},
		{"unknown parent", "kode;nama;induk\nkel-x;Kelurahan X;Kemantren Tidak Ada\n", 2, "induk", `parent unit "Kemantren Tidak Ada" is unknown`},
		{"own parent", "kode;nama;induk\nx;Unit X;x\n", 2, "induk", "own parent"},
		{"duplicate code", "kode;nama;induk\nx;Unit X;\nx;Unit Y;\n", 3, "kode", "already used on line 2"},
		{"no name column", "kode;induk\nx;y\n", 1, "", "must name the column nama"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := st.Departments(ctx)
			_, err := ImportUnits(ctx, st, "admin", "u.csv", strings.NewReader(tt.file), false)
			ps := problemsOf(t, err)
			if ps[0].Line != tt.line || ps[0].Column != tt.col || !strings.Contains(ps[0].In("en"), tt.en) {
				t.Fatalf("problem %+v, want line %d column %q with %q", ps[0], tt.line, tt.col, tt.en)
			}
			if after, _ := st.Departments(ctx); len(after) != len(before) {
				t.Fatalf("a refused file wrote %d units", len(after)-len(before))
			}
			if got := tree(t, st); !equalMaps(got, want) {
				t.Fatalf("tree changed: %v", got)
			}
		})
	}
}

// TestUnitsImportXLSX reads the same file as a workbook made by excelize.
func TestUnitsImportXLSX(t *testing.T) {
	var rows [][]any
	for _, l := range strings.Split(strings.TrimSpace(unitsFile), "\n") {
		var r []any
		for _, c := range strings.Split(l, ";") {
			r = append(r, c)
		}
		rows = append(rows, r)
	}
	st := storetest.Open(t, storetest.SQLite)
	res, err := ImportUnits(context.Background(), st, "admin", "units.xlsx", bytes.NewReader(xlsxBytes(t, rows)), false)
	if err != nil || res.Added != 5 || res.Moved != 3 {
		t.Fatalf("xlsx import: %+v %v", res, err)
	}
}

// TestRosterParentColumn: the roster's optional unit_induk column builds
// the tree (by name or code); an unknown parent is refused with its line.
func TestRosterParentColumn(t *testing.T) { storetest.Each(t, testRosterParentColumn) }

func testRosterParentColumn(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st := storetest.Open(t, b)
	good := "nip;nama;jabatan;unit_kerja;unit_induk\n" +
		"198511302010011004;Heru Wibowo;Mantri Pamong Praja;Kemantren Gondokusuman;\n" +
		"198703122010121002;Budi;Lurah;Kelurahan Baciro;Kemantren Gondokusuman\n" +
		"199001012015032001;Ani;Staf;Kelurahan Demangan;kemantren-gondokusuman\n"
	res, err := Import(ctx, st, "admin", "r.csv", strings.NewReader(good), ImportOptions{})
	if err != nil || res.Moved != 2 {
		t.Fatalf("import: %+v %v", res, err)
	}
	want := map[string]string{"Kelurahan Baciro": "Kemantren Gondokusuman", "Kelurahan Demangan": "Kemantren Gondokusuman"}
	if got := tree(t, st); !equalMaps(got, want) {
		t.Fatalf("tree %v, want %v", got, want)
	}
	bad := "nip;nama;jabatan;unit_kerja;unit_induk\n" +
		"198511302010011004;Heru Wibowo;Mantri Pamong Praja;Kemantren Gondokusuman;Kelurahan Baciro\n" +
		"200012312024211001;Dewi;Staf;Kelurahan Baru;Kemantren Entah\n" +
		"199404232019111776;Eko;Staf;Kelurahan Demangan;Kemantren Gondokusuman\n" +
		"199501012020121001;Fajar;Staf;Kelurahan Demangan;Kelurahan Baciro\n"
	_, err = Import(ctx, st, "admin", "r.csv", strings.NewReader(bad), ImportOptions{})
	ps := problemsOf(t, err)
	if len(ps) != 3 || ps[0].Line != 2 || ps[0].Column != "unit_induk" || !strings.Contains(ps[0].In("en"), "cycle") ||
		ps[1].Line != 3 || !strings.Contains(ps[1].In("en"), `"Kemantren Entah" is unknown`) ||
		ps[2].Line != 5 || !strings.Contains(ps[2].In("en"), "already has another parent on line 4") {
		t.Fatalf("problems %+v", ps)
	}
	if ds, _ := st.Departments(ctx); len(ds) != 3 {
		t.Fatalf("a refused roster left %d units, want 3", len(ds))
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
