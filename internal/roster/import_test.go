package roster

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestImportStagedAllOrNothing: a file is staged batch by batch while it is
// read, so a problem on its last line comes after thousands of rows are
// already staged; nothing of them may reach the roster, and a NIP repeated
// far apart is still named with both lines.
func TestImportStagedAllOrNothing(t *testing.T) { storetest.Each(t, testImportStagedAllOrNothing) }

func testImportStagedAllOrNothing(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st := storetest.Open(t, b)
	good := rosterCSV(3000) // header + 3000 rows, six staging batches
	lines := strings.Split(strings.TrimSuffix(string(good), "\n"), "\n")
	firstNIP := strings.SplitN(lines[1], ";", 2)[0]
	tests := []struct {
		name  string
		csv   string
		line  int
		match string
	}{
		{"bad last line", string(good) + "123;Nama;Staf;Dinas Kesehatan;;;\n", 3002, "NIP"},
		{"duplicate far apart", string(good) + firstNIP + ";Nama Lain;Staf;Inspektorat;;;\n", 3002, "baris 2 dan 3002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, dry := range []bool{true, false} {
				_, err := Import(ctx, st, "admin", "r.csv", strings.NewReader(tt.csv), ImportOptions{DryRun: dry})
				var perr *Errors
				if !errors.As(err, &perr) || len(perr.Problems) != 1 || perr.Problems[0].Line != tt.line || !strings.Contains(perr.Problems[0].In("id"), tt.match) {
					t.Fatalf("dry run %v: %v, want one problem on line %d naming %q", dry, err, tt.line, tt.match)
				}
			}
			if ds, _ := st.Departments(ctx); len(ds) != 0 {
				t.Fatalf("refused file left %d units", len(ds))
			}
		})
	}
	res, err := Import(ctx, st, "admin", "r.csv", bytes.NewReader(good), ImportOptions{})
	if err != nil || res.Added != 3000 {
		t.Fatalf("good file: %+v, %v", res, err)
	}
	if _, err := st.ASNByNIP(ctx, firstNIP); err != nil {
		t.Fatal(err)
	}
}
