package roster

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/nip"
)

var benchDepartments = []string{
	"Dinas Kesehatan", "Dinas Pendidikan, Pemuda, dan Olahraga", "Inspektorat",
	"Dinas Pekerjaan Umum, Perumahan, dan Kawasan Permukiman", "Kemantren Gondokusuman",
	"Kemantren Mergangsan", "Badan Kesatuan Bangsa dan Politik", "Dinas Pertanian dan Pangan",
}

// rosterCSV builds n rows with unique NIPs: the birth date advances every
// 999 rows so the serial never repeats within a date.
func rosterCSV(n int) []byte {
	r := rand.New(rand.NewPCG(7, 7))
	var b bytes.Buffer
	b.WriteString("nip;nama;jabatan;unit_kerja;email;telepon;jenis\n")
	base := time.Date(1965, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		birth := base.AddDate(0, 0, i/999)
		kind := nip.KindPNS
		if i%7 == 0 {
			kind = nip.KindPPPK
		}
		appointed := time.Date(birth.Year()+20+r.IntN(10), time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
		id := nip.Generate(r, kind, birth, appointed, 0, i%999+1)
		fmt.Fprintf(&b, "%s;Drs. Pegawai Nomor %d, M.Pd.;Analis Kebijakan Ahli Muda;%s;pegawai%d@jogjakota.go.id;0812-%04d-%04d;%s\n",
			id, i, benchDepartments[i%len(benchDepartments)], i, i%10000, r.IntN(10000), kind)
	}
	return b.Bytes()
}

func TestRosterCSVGeneratorIsValid(t *testing.T) {
	rows, err := parseCSV(bytes.NewReader(rosterCSV(5000)), testConfig())
	if err != nil || len(rows) != 5000 {
		t.Fatalf("generated roster: %d rows, error %v", len(rows), err)
	}
}

func BenchmarkParseCSV100k(b *testing.B) {
	data := rosterCSV(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rows, err := ParseCSV(bytes.NewReader(data))
		if err != nil || len(rows) != 100_000 {
			b.Fatalf("%d rows, error %v", len(rows), err)
		}
	}
}
