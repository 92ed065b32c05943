package i18n

// signErrors word what is wrong with a submitted signing form (package
// pledge), shown above the form.
var signErrors = map[string]Text{
	"sign_tick_all":       {"Semua butir ikrar harus dicentang.", "Every point of the pledge must be ticked."},
	"sign_point_unticked": {"Butir %d belum dicentang.", "Point %d is not ticked."},
	"sign_name_empty":     {"Ketik nama lengkap Anda.", "Type your full name."},
	"sign_name_too_long":  {"Nama terlalu panjang.", "The name is too long."},
	"sign_name_mismatch": {
		"Nama yang diketik tidak sama dengan nama di daftar pegawai.",
		"The typed name does not match the name on the roster.",
	},
	// The argument is the decoder's reason (drawing_* below), worded in the
	// same language; the Indonesian message leaves it out (%.0s prints
	// nothing).
	"sign_drawing_rejected": {
		"Tanda tangan gambar tidak dapat diterima (harus PNG di bawah 64 KB).%.0s",
		"The drawn signature was rejected: %s.",
	},
	"sign_code_wrong": {
		"Kode akses salah atau belum diisi. Kode akses tercetak pada kartu undangan atau dikirim kepada Anda.",
		"The access code is wrong or missing. It is printed on your invitation card or was sent to you.",
	},

	// Why a drawn signature was refused (pledge.DecodeDrawing): the argument
	// of sign_drawing_rejected, worded in the page's language (the Indonesian
	// message leaves it out).
	"drawing_not_png": {
		"gambar bukan PNG",
		"drawing is not a PNG",
	},
	"drawing_too_large": {
		"gambar lebih besar dari %d KB",
		"drawing is larger than %d KB",
	},
	"drawing_not_base64": {
		"gambar bukan base64 yang sah",
		"drawing is not valid base64",
	},
	"drawing_not_png_image": {
		"gambar bukan citra PNG",
		"drawing is not a PNG image",
	},
	"drawing_bad_size": {
		"ukuran gambar tidak wajar",
		"drawing has an unexpected size",
	},
	"drawing_damaged": {
		"gambar adalah PNG yang rusak",
		"drawing is a damaged PNG",
	},
}
