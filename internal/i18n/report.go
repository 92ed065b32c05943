package i18n

// reportErrors word what package report refuses to make, on the web pages
// and from the CLI.
var reportErrors = map[string]Text{
	"pdf_too_large": {
		"PDF ini akan memuat %s orang; satu PDF memuat paling banyak %s orang (PDF dibuat utuh di memori, dan berkas ribuan halaman tidak dicetak). Unduh CSV-nya (laporan juga tersedia sebagai XLSX), yang tidak dibatasi, atau pilih unit yang lebih kecil.",
		"This PDF would list %s people; one PDF lists at most %s (a PDF is built whole in memory, and a file of thousands of pages is not printed). Download the CSV (a report also comes as XLSX), which has no limit, or choose a smaller unit.",
	},
}
