package web_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestRosterUploadRefusesXLSXBomb (issue 11, finding 9): a small XLSX whose
// worksheet claims to inflate to 1.9 GB is refused with a clear message in
// both languages before anything inflates, and nothing is left waiting or
// spilled into the temporary folder.
func TestRosterUploadRefusesXLSXBomb(t *testing.T) {
	e, admin := adminEnv(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name  string
		claim uint64
	}{{"[Content_Types].xml", 8}, {"xl/workbook.xml", 11}, {"xl/worksheets/sheet1.xml", 1900 << 20}} {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: f.name, Method: zip.Store, CompressedSize64: 4, UncompressedSize64: f.claim})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<x/>"))
	}
	zw.Close()
	status, body := e.adminUpload(admin, "roster.xlsx", buf.String(), false)
	if status == http.StatusOK && !strings.Contains(body, "terlalu besar") {
		t.Fatalf("status %d; the page does not refuse the file:\n%s", status, body)
	}
	for _, want := range []string{"terlalu besar", "batasnya 256 MB"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := len(adminUploads(t, e)); n != 0 {
		t.Errorf("%d refused file(s) wait for a commit", n)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("%d files left in the temporary folder", len(entries))
	}
}
