package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// indonesian matches words that only a sentence for people contains: a
// string literal in Go (e-mail templates included) or the text of a page
// template holding one is wording that belongs in the catalogue.
var indonesian = regexp.MustCompile(`(?i)\b(yang|dan|dari|belum|sudah|untuk|tidak|dengan|anda|pegawai|yth|batas waktu|halaman|tautan|menandatangani|ditandatangani|tanda tangan|terima kasih|hormat|ringkasan|daftar|tanggal|jabatan|dicetak|sertifikat|berikut|silakan|harian|semua|laporan|jumlah|pengingat|undangan|kepada|atau|ini|pada|oleh|akan|telah|gagal|wajib|berhasil|pindai|dibuat|waktu|unit kerja)\b`)

// notWording are the files whose Indonesian literals are not messages,
// and why; anything else with Indonesian words fails TestNoWordingOutside.
var notWording = map[string]string{
	"internal/pledge/text.go":                 "the default pledge: a campaign's own text, stored with it",
	"internal/demo/demo.go":                   "demo data: unit and position names",
	"cmd/ikrar-load/genroster.go":             "generated load-test data",
	"cmd/ikrar-load/links.go":                 "column names of the links file the load tool reads",
	"internal/roster/header.go":               "column names a roster file may use: input vocabulary, matched, not shown",
	"internal/roster/similar.go":              "a word skipped when comparing unit names",
	"internal/nip/nip.go":                     "NIP part names: identifiers in nip.Error.Part, never shown",
	"internal/report/csv.go":                  "CSV column names and values: a file format tools read back",
	"internal/roster/units.go":                "column names a units file may use: input vocabulary",
	"internal/certificate/tsatest/tsatest.go": "a test time-stamp authority's name",
}

// notWordingLiterals are single literals that are names, not sentences.
var notWordingLiterals = map[string]string{
	"sertifikat": "a progress bar label and file name part",
	"semua":      "a file name part (the whole scope)",
	"ringkasan":  "a file name part",
	"belum.csv":  "a file name",
	"belum.pdf":  "a file name",
	"Ringkasan":  "an XLSX sheet name: readers of the workbook rely on it",
	"Pegawai":    "an XLSX sheet name: readers of the workbook rely on it",
}

// TestNoWordingOutside fails on Indonesian wording written outside the
// catalogue: in Go string literals (the e-mail templates are such
// literals) and in the text of page templates.
func TestNoWordingOutside(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	tag := regexp.MustCompile(`(?s)<[^>]*>|{{.*?}}`)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "testdata", "i18n":
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if notWording[rel] != "" {
			return nil
		}
		switch {
		case strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go"):
			f, err := parser.ParseFile(fset, p, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil || notWordingLiterals[s] != "" || strings.HasPrefix(s, "attachment; filename=") {
					return true
				}
				if w := indonesian.FindString(tag.ReplaceAllString(s, " ")); w != "" {
					t.Errorf("%s: %q in a Go literal: move it into the catalogue", fset.Position(lit.Pos()), w)
				}
				return true
			})
		case strings.HasSuffix(p, ".html") && strings.Contains(rel, "templates/"):
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if w := indonesian.FindString(tag.ReplaceAllString(string(b), " ")); w != "" {
				t.Errorf("%s: %q in a template's text: use {{.T.key}}", rel, w)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
