package roster

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// unitAbbreviations expands the short forms Indonesian rosters use for unit
// names, so "Dinkes" and "Dinas Kesehatan" compare equal. Keys and values
// are in the form unitKey makes (lower case, no punctuation, no "dan").
var unitAbbreviations = map[string]string{
	"dinkes": "dinas kesehatan", "disdik": "dinas pendidikan", "disdikpora": "dinas pendidikan pemuda olahraga",
	"dinsos": "dinas sosial", "dishub": "dinas perhubungan", "diskominfo": "dinas komunikasi informatika",
	"diskominfosan": "dinas komunikasi informatika persandian", "kominfo": "komunikasi informatika",
	"dpupkp": "dinas pekerjaan umum perumahan kawasan permukiman", "dpu": "dinas pekerjaan umum",
	"disnaker": "dinas tenaga kerja", "disnakertrans": "dinas tenaga kerja transmigrasi",
	"dukcapil": "dinas kependudukan pencatatan sipil", "disdukcapil": "dinas kependudukan pencatatan sipil",
	"dlh": "dinas lingkungan hidup", "dispar": "dinas pariwisata", "disbud": "dinas kebudayaan",
	"setda": "sekretariat daerah", "sekda": "sekretariat daerah", "setwan": "sekretariat dprd",
	"bkpsdm": "badan kepegawaian pengembangan sumber daya manusia", "bkd": "badan kepegawaian daerah",
	"bappeda": "badan perencanaan pembangunan daerah", "bpbd": "badan penanggulangan bencana daerah",
	"kesbangpol": "badan kesatuan bangsa politik", "bpkad": "badan pengelolaan keuangan aset daerah",
	"satpol pp": "satuan polisi pamong praja", "rsud": "rumah sakit umum daerah",
	"kec": "kecamatan", "kel": "kelurahan", "bag": "bagian", "bid": "bidang", "din": "dinas",
	"sie": "seksi", "subbag": "subbagian", "upt": "unit pelaksana teknis", "puskesmas": "pusat kesehatan masyarakat",
}

// unitKey reduces a unit name to what distinguishes it: lower case, accents
// and punctuation gone, "dan" and "&" dropped, known abbreviations expanded,
// spaces collapsed. "Dinas Komunikasi, Informatika dan Persandian" and
// "Dinas Komunikasi, Informatika, dan Persandian" have the same key.
func unitKey(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "dan" {
			continue
		}
		if i+1 < len(words) {
			if full, ok := unitAbbreviations[w+" "+words[i+1]]; ok {
				out = append(out, full)
				i++
				continue
			}
		}
		if full, ok := unitAbbreviations[w]; ok {
			w = full
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// similarUnit returns the existing unit name a new one is close to, or "".
// Close means the same key (case, punctuation, spaces, "dan",
// abbreviations), or keys at most two edits apart for names long enough
// that two edits is a typo rather than another unit.
func similarUnit(name string, existing []string) string {
	key := unitKey(name)
	best, bestDist := "", 3
	for _, e := range existing {
		ek := unitKey(e)
		if ek == key {
			return e
		}
		if len(key) < 12 || len(ek) < 12 {
			continue
		}
		if d := editDistance(key, ek, bestDist); d < bestDist {
			best, bestDist = e, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, or max when it is
// at least max (the search stops early).
func editDistance(a, b string, max int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= max || -d >= max {
		return max
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= max {
			return max
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], max)
}
