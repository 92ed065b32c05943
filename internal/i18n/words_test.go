package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
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
	fset := token.NewFileSet()
	tag := regexp.MustCompile(`(?s)<[^>]*>|{{.*?}}`)
	files := 0
	eachSource(t, func(rel string, isGo bool, b []byte) error {
		files++
		if notWording[rel] != "" {
			return nil
		}
		if !isGo {
			if w := indonesian.FindString(tag.ReplaceAllString(string(b), " ")); w != "" {
				t.Errorf("%s: %q in a template's text: use {{.T.key}}", rel, w)
			}
			return nil
		}
		f, err := parser.ParseFile(fset, rel, b, 0)
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
		return nil
	})
	if files < 100 {
		t.Fatalf("read %d files: is the walk right?", files)
	}
}
