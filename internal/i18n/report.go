package i18n

// reportErrors word what package report refuses to make, on the web pages
// and from the CLI.
var reportErrors = map[string]Text{
	"pdf_too_large": {
		"PDF ini akan memuat %s orang; satu PDF memuat paling banyak %s orang (PDF dibuat utuh di memori, dan berkas ribuan halaman tidak dicetak). Unduh CSV atau XLSX, yang tidak dibatasi, atau pilih unit yang lebih kecil.",
		"This PDF would list %s people; one PDF lists at most %s (a PDF is built whole in memory, and a file of thousands of pages is not printed). Download the CSV or XLSX, which have no limit, or choose a smaller unit.",
	},
}
