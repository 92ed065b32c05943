package certificate

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestZipWriter(t *testing.T) {
	s := testSigner(t)
	entries := []ZipEntry{
		{Department: "Dinas Pendidikan, Pemuda, dan Olahraga", NIP: "198703152010011002", Name: "Drs. Budi Santosa, M.Pd."},
		{Department: "../../etc", NIP: "../../etc/passwd", Name: "../../etc/passwd"},
		{Department: "Dinas Kesehatan", NIP: "199001012015022001", Name: "Zoë Ngatiyem"},
		{Department: `a/b\c`, NIP: "200012312024211001", Name: `a/b\c`},
		{Department: "", NIP: "", Name: ".."},
		// The same person twice must not overwrite the first entry.
		{Department: "Dinas Kesehatan", NIP: "199001012015022001", Name: "Zoë Ngatiyem"},
	}
	for i := range entries {
		d := sampleData()
		d.Name, d.NIP, d.Department = entries[i].Name, entries[i].NIP, entries[i].Department
		if strings.TrimSpace(d.Name) == "" || d.Name == ".." {
			d.Name = "Nama " + d.Name
		}
		pdf, err := s.Make(d)
		if err != nil {
			t.Fatal(err)
		}
		entries[i].PDF = pdf
	}

	var buf bytes.Buffer
	zw := NewZipWriter(&buf)
	for _, e := range entries {
		if err := zw.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Add(entries[0]); err == nil {
		t.Error("Add after Close succeeded")
	}

	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != len(entries) {
		t.Fatalf("%d files in the archive, want %d", len(zr.File), len(entries))
	}
	safe := regexp.MustCompile(`^[A-Za-z0-9_-]+/[A-Za-z0-9_-]+_[A-Za-z0-9_-]+\.pdf$`)
	wantNames := map[string]bool{
		"Dinas_Pendidikan_Pemuda_dan_Olahraga/198703152010011002_Drs_Budi_Santosa_M_Pd.pdf": true,
		"etc/etc_passwd_etc_passwd.pdf":                         true,
		"Dinas_Kesehatan/199001012015022001_Zoe_Ngatiyem.pdf":   true,
		"Dinas_Kesehatan/199001012015022001_Zoe_Ngatiyem-2.pdf": true,
		"a_b_c/200012312024211001_a_b_c.pdf":                    true,
		"tanpa-nama/tanpa-nama_tanpa-nama.pdf":                  true,
	}
	seen := map[string]bool{}
	for i, f := range zr.File {
		if !safe.MatchString(f.Name) || strings.Contains(f.Name, "..") {
			t.Errorf("unsafe entry name %q", f.Name)
		}
		if !wantNames[f.Name] {
			t.Errorf("unexpected entry name %q", f.Name)
		}
		if seen[f.Name] {
			t.Errorf("duplicate entry %q", f.Name)
		}
		seen[f.Name] = true
		if f.Method != zip.Store {
			t.Errorf("%s: method %d, want Store", f.Name, f.Method)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, entries[i].PDF) {
			t.Errorf("%s: content differs from what was added", f.Name)
		}
		if _, err := s.Verify(body); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
	}
}

func TestSafeFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Zoë Ngatiyem", "Zoe_Ngatiyem"},
		{"R.A. Kartini, S.Pd., M.Si.", "R_A_Kartini_S_Pd_M_Si"},
		{"O'Neil", "O_Neil"},
		{"../../etc/passwd", "etc_passwd"},
		{`a/b\c`, "a_b_c"},
		{".", "tanpa-nama"},
		{"..", "tanpa-nama"},
		{"", "tanpa-nama"},
		{"   ", "tanpa-nama"},
		{"<script>alert(1)</script>", "script_alert_1_script"},
		{"Straße Ærø Łódź", "Strasse_AEro_Lodz"},
		{"Nguyễn Văn Đức", "Nguyen_Van_Duc"},
		{"Dinas PU - Bidang_Bina  Marga", "Dinas_PU-Bidang_Bina_Marga"},
		{"--__a__--", "a"},
		{"日本語", "tanpa-nama"},
		{"CON", "CON"},
		{strings.Repeat("abc ", 50), strings.TrimRight(strings.Repeat("abc_", 20), "_")},
	}
	valid := regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
	for _, tt := range tests {
		got := SafeFileName(tt.in)
		if got != tt.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !valid.MatchString(got) || got == "." || got == ".." {
			t.Errorf("SafeFileName(%q) = %q is not a safe name", tt.in, got)
		}
	}
}

// TestZipWriterZip64: past 65,535 entries and past 4 GiB of archive the
// writer switches to the ZIP64 records, and archive/zip (and unzip, when
// installed) read every entry back with its bytes, CRC and time. The
// 4 GiB are not written: the archive starts as if after 4 GiB of other
// entries, and is read through a reader that serves zeros for them.
func TestZipWriterZip64(t *testing.T) {
	modified := time.Date(2026, 11, 20, 8, 30, 14, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		entries int
		before  uint64 // archive bytes taken to come first
	}{
		{"few", 3, 0},
		{"more than 65535 entries", 70_000, 0},
		{"past 4 GiB", 3, 1<<32 + 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			zw := NewZipWriter(&buf)
			zw.out.n = tc.before
			for i := range tc.entries {
				e := ZipEntry{Department: "Dinas " + strconv.Itoa(i%7), NIP: strconv.Itoa(100000 + i), Name: "Nama", PDF: []byte("%PDF-" + strconv.Itoa(i)), Modified: modified}
				if err := zw.Add(e); err != nil {
					t.Fatal(err)
				}
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			size := int64(tc.before) + int64(buf.Len())
			zr, err := zip.NewReader(holeReader{hole: int64(tc.before), b: buf.Bytes()}, size)
			if err != nil {
				t.Fatal(err)
			}
			if len(zr.File) != tc.entries {
				t.Fatalf("%d entries read back, want %d", len(zr.File), tc.entries)
			}
			for i, f := range zr.File {
				if i%997 != 0 && i != len(zr.File)-1 {
					continue
				}
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(rc) // checks the CRC at EOF
				rc.Close()
				if err != nil || string(b) != "%PDF-"+strconv.Itoa(i) {
					t.Fatalf("entry %d (%s): %q, %v", i, f.Name, b, err)
				}
				if !f.Modified.Equal(modified) || f.Method != zip.Store {
					t.Fatalf("entry %d: modified %v, method %d", i, f.Modified, f.Method)
				}
			}
			if tc.before == 0 {
				if _, err := exec.LookPath("unzip"); err == nil {
					path := filepath.Join(t.TempDir(), "a.zip")
					if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
						t.Fatal(err)
					}
					if out, err := exec.Command("unzip", "-tqq", path).CombinedOutput(); err != nil {
						t.Fatalf("unzip -t: %v\n%s", err, out)
					}
				}
			}
		})
	}
}

// holeReader reads as hole zero bytes followed by b.
type holeReader struct {
	hole int64
	b    []byte
}

func (h holeReader) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		switch {
		case pos < h.hole:
			p[n] = 0
			n++
		case pos-h.hole < int64(len(h.b)):
			n += copy(p[n:], h.b[pos-h.hole:])
		default:
			return n, io.EOF
		}
	}
	return n, nil
}
