package i18n

// rosterErrors word the problems of an imported roster or units file
// (packages roster and store), each shown with its line and column.
var rosterErrors = map[string]Text{
	"roster_at_line_column": {
		"baris %d, kolom %s: %s",
		"line %d, column %s: %s",
	},
	"roster_at_line": {
		"baris %d: %s",
		"line %d: %s",
	},
	"roster_at_column": {
		"kolom %s: %s",
		"column %s: %s",
	},
	"roster_at_file": {
		"berkas: %s",
		"file: %s",
	},
	"roster_more_problems": {
		"dan %d masalah lainnya",
		"and %d more problems",
	},
	"roster_no_extension": {
		"(tanpa ekstensi)",
		"(no extension)",
	},
	"roster_format_unsupported": {
		"format berkas %s tidak didukung; gunakan .csv atau .xlsx",
		"file format %s is not supported; use .csv or .xlsx",
	},
	"roster_too_many_problems": {
		"lebih dari %d masalah; pembacaan berhenti di baris %d: perbaiki yang tercantum lalu unggah lagi",
		"more than %d problems; reading stopped at line %d: fix those listed and upload again",
	},
	"roster_too_many_rows": {
		"berkas berisi lebih dari %d baris data; bagi menjadi beberapa berkas",
		"the file has more than %d data rows; split it into several files",
	},
	"roster_column_twice": {
		"kolom %s muncul dua kali (kolom ke-%d dan ke-%d); hapus salah satu",
		"column %s appears twice (columns %d and %d); remove one",
	},
	"roster_columns_missing": {
		"kolom wajib tidak ditemukan: %s (nama kolom yang diterima: %s)",
		"required column missing: %s (accepted names: %s)",
	},
	"roster_no_header": {
		"baris judul kolom tidak ditemukan: baris pertama harus berisi nama kolom nip, nama, jabatan, unit_kerja (ditemukan: %s)",
		"header row not found: the first row must name the columns nip, nama, jabatan, unit_kerja (found: %s)",
	},
	"roster_file_empty": {
		"berkas kosong",
		"the file is empty",
	},
	"roster_no_rows": {
		"berkas hanya berisi baris judul kolom, tanpa data pegawai",
		"the file has a header row but no employee rows",
	},
	"roster_not_utf8": {
		"teks bukan UTF-8 yang valid; simpan berkas sebagai \"CSV UTF-8\"",
		"text is not valid UTF-8; save the file as \"CSV UTF-8\"",
	},
	"roster_too_many_cells": {
		"baris ini punya %d kolom, padahal judul kolom hanya %d; apakah ada koma/titik koma di nama atau gelar yang tidak diapit tanda kutip?",
		"this line has %d cells but the header only %d; is there a comma/semicolon in a name or title without quotes?",
	},
	"roster_cell_too_long": {
		"isi sel terlalu panjang (%d karakter, maksimal %d)",
		"cell is too long (%d characters, at most %d)",
	},
	"roster_name_empty": {
		"nama kosong",
		"name is empty",
	},
	"roster_name_too_long": {
		"nama terlalu panjang (%d karakter, maksimal %d)",
		"name is too long (%d characters, at most %d)",
	},
	"roster_position_empty": {
		"jabatan kosong",
		"position is empty",
	},
	"roster_position_too_long": {
		"jabatan terlalu panjang (%d karakter, maksimal %d)",
		"position is too long (%d characters, at most %d)",
	},
	"roster_department_empty": {
		"unit kerja kosong",
		"department is empty",
	},
	"roster_department_too_long": {
		"unit kerja terlalu panjang (%d karakter, maksimal %d)",
		"department is too long (%d characters, at most %d)",
	},
	"roster_parent_too_long": {
		"unit induk terlalu panjang (%d karakter, maksimal %d)",
		"parent unit is too long (%d characters, at most %d)",
	},
	"roster_own_parent": {
		"unit tidak bisa menjadi induknya sendiri",
		"a unit cannot be its own parent",
	},
	"roster_email_invalid": {
		"email %q tidak valid (contoh: budi.santosa@jogjakota.go.id)",
		"email %q is not valid (example: budi.santosa@jogjakota.go.id)",
	},
	"roster_kind_mismatch": {
		"jenis %s tidak sesuai dengan NIP, yang menunjukkan %s",
		"type %s does not match the NIP, which indicates %s",
	},
	"roster_kind_unknown": {
		"jenis %q tidak dikenal; isi PNS atau PPPK",
		"type %q is unknown; use PNS or PPPK",
	},
	"roster_nip_duplicate": {
		"NIP %s sudah ada di baris %d (duplikat di baris %d dan %d)",
		"NIP %s already appears on line %d (duplicate on lines %d and %d)",
	},
	"roster_nip_scientific": {
		"NIP %s tertulis sebagai angka ilmiah karena Excel menyimpannya sebagai angka (digit terakhir hilang); format kolom NIP sebagai Teks lalu isi ulang",
		"NIP %s is in scientific notation because Excel stored it as a number (its last digits are lost); format the NIP column as Text and re-enter it",
	},
	"roster_nip_invalid": {
		"%s",
		"%s",
	},
	"roster_nip_serial_excel": {
		"%s; jika dari Excel, kolom NIP mungkin tersimpan sebagai angka sehingga 3 digit terakhir hilang: format kolom sebagai Teks lalu isi ulang",
		"%s; if this came from Excel, the NIP column may be stored as a number, which loses the last 3 digits: format the column as Text and re-enter it",
	},
	"roster_phone_chars": {
		"nomor telepon %q hanya boleh berisi angka, +, spasi dan -",
		"phone number %q may only contain digits, +, spaces and -",
	},
	"roster_phone_foreign": {
		"nomor telepon %q bukan nomor Indonesia (+62)",
		"phone number %q is not an Indonesian number (+62)",
	},
	"roster_phone_length": {
		"nomor telepon %q panjangnya tidak wajar (%d digit setelah dinormalisasi ke %s)",
		"phone number %q has an implausible length (%d digits once normalised to %s)",
	},
	"roster_phone_prefix": {
		"nomor telepon %q harus diawali 0, 62 atau +62",
		"phone number %q must start with 0, 62 or +62",
	},
	"roster_unit_similar": {
		"unit kerja baru %q mirip dengan %q yang sudah ada: petakan ke unit itu atau konfirmasi sebagai unit baru",
		"new unit %q is similar to the existing %q: map it to that unit or confirm it as a new unit",
	},
	"roster_map_unknown": {
		"pemetaan %q → %q: unit %q tidak ada",
		"mapping %q → %q: there is no unit %q",
	},
	"roster_xlsx_parts": {
		"berkas XLSX berisi %d bagian; terlalu banyak untuk daftar pegawai",
		"the XLSX holds %d parts; too many for a roster",
	},
	"roster_xlsx_part": {
		"bagian %s",
		"its part %s",
	},
	"roster_xlsx_content": {
		"isinya",
		"its content",
	},
	"roster_xlsx_too_big": {
		"berkas XLSX terlalu besar setelah dibuka: %s %d MB, batasnya %d MB; bagi menjadi beberapa berkas atau simpan sebagai CSV",
		"the XLSX is too large once unpacked: %s is %d MB, the limit is %d MB; split it into several files or save it as CSV",
	},
	"roster_csv_is_xlsx": {
		"berkas ini tampaknya XLSX (buku kerja Excel), bukan CSV; unggah dengan ekstensi .xlsx atau simpan sebagai CSV UTF-8",
		"this file looks like an XLSX (Excel workbook), not CSV; upload it with the .xlsx extension or save it as CSV UTF-8",
	},
	"roster_csv_is_xls": {
		"berkas ini tampaknya format Excel lama (.xls), bukan CSV; simpan sebagai .xlsx atau CSV UTF-8",
		"this file looks like an old Excel (.xls) workbook, not CSV; save it as .xlsx or CSV UTF-8",
	},
	"roster_line_too_long": {
		"baris terlalu panjang (lebih dari %d byte), mungkin ada tanda kutip yang tidak ditutup",
		"line is too long (over %d bytes), perhaps a quote is never closed",
	},
	"roster_at_character": {
		"karakter ke-%d",
		"character %d",
	},
	"roster_at_line_character": {
		"baris %d karakter ke-%d",
		"line %d character %d",
	},
	"roster_bad_quote": {
		"tanda kutip (\") tidak valid (%s); sel yang berisi tanda kutip, koma atau baris baru harus diapit kutip dan kutip di dalamnya digandakan (\"\")",
		"invalid quote (\") (%s); a cell containing quotes, commas or line breaks must be quoted, with inner quotes doubled (\"\")",
	},
	"roster_no_sheet": {
		"buku kerja tidak punya lembar kerja",
		"the workbook has no worksheet",
	},
	"roster_not_xlsx": {
		"berkas bukan XLSX yang valid atau rusak (%s); simpan ulang dari Excel sebagai .xlsx",
		"the file is not a valid XLSX or is damaged (%s); save it again from Excel as .xlsx",
	},
	"units_column_twice": {
		"kolom %s muncul dua kali",
		"column %s appears twice",
	},
	"units_no_header": {
		"baris judul kolom harus berisi nama (dan boleh kode, induk), misalnya kode;nama;induk",
		"the header row must name the column nama (and may name kode, induk), e.g. kode;nama;induk",
	},
	"units_too_many": {
		"lebih dari %d unit dalam satu berkas",
		"more than %d units in one file",
	},
	"units_name_empty": {
		"nama unit kosong",
		"unit name is empty",
	},
	"units_too_long": {
		"terlalu panjang (%d karakter, maksimal %d)",
		"too long (%d characters, at most %d)",
	},
	"units_no_rows": {
		"berkas hanya berisi baris judul kolom, tanpa unit",
		"the file has a header row but no units",
	},
	"units_bad_quote": {
		"tanda kutip (\") tidak valid: %s",
		"invalid quote (\"): %s",
	},
	"units_unreadable": {
		"berkas tidak bisa dibaca: %s",
		"the file cannot be read: %s",
	},
	"units_parent_unknown": {
		"unit induk %q tidak dikenal: tidak ada unit dengan kode atau nama itu, di berkas maupun di ikrar",
		"parent unit %q is unknown: no unit has that code or name, in the file or in ikrar",
	},
	"units_own_parent": {
		"unit %q tidak bisa menjadi induknya sendiri",
		"unit %q cannot be its own parent",
	},
	"units_two_parents": {
		"unit %q sudah diberi induk lain di baris %d (%s)",
		"unit %q already has another parent on line %d (%s)",
	},
	"units_cycle": {
		"unit induk membuat lingkaran: %s",
		"parent units form a cycle: %s",
	},
	"units_code_twice": {
		"kode %s sudah dipakai di baris %d",
		"code %s is already used on line %d",
	},
	"units_name_twice": {
		"nama %q sudah ada di baris %d",
		"name %q already appears on line %d",
	},
	"units_name_taken": {
		"nama %q sudah dipakai unit berkode %s",
		"name %q is already used by the unit with code %s",
	},
}
