package i18n

// certificateWords are the words printed on a certificate (package
// certificate), Indonesian with an English line under some. Verifying a
// certificate whose file is gone renders it again and compares bytes
// (certificate.TestRenderBytesAreStable pins them): changing one of these
// words makes every certificate made before it fail that comparison, so
// change them only on purpose, as a new layout. They are their own keys,
// never shared with a page, for that reason.
var certificateWords = map[string]Text{
	"cert_doc_title":   {"Sertifikat Ikrar Netralitas ASN - %s", "ASN Neutrality Pledge Certificate - %s"},
	"cert_heading":     {"SERTIFIKAT IKRAR NETRALITAS", "NEUTRALITY PLEDGE CERTIFICATE"},
	"cert_heading_2":   {"APARATUR SIPIL NEGARA", "OF A CIVIL SERVANT"},
	"cert_undersigned": {"Yang bertanda tangan di bawah ini:", "The undersigned:"},
	"cert_name":        {"Nama", "Name"},
	"cert_nip":         {"NIP", "NIP"},
	"cert_position":    {"Jabatan", "Position"},
	"cert_department":  {"Unit Kerja", "Department"},
	"cert_signed_at":   {"Ditandatangani secara elektronik pada", "Signed electronically on"},
	"cert_nip_line":    {"NIP. %s", "NIP %s"},
	"cert_scan":        {"Pindai untuk verifikasi", "Scan to verify"},
	"cert_code_label":  {"Kode sertifikat: ", "Certificate code: "},
	"cert_pledge_hash": {"SHA-256 teks ikrar: ", "SHA-256 of the pledge text: "},
	"cert_footer": {
		"Dokumen ini ditandatangani secara elektronik oleh sistem ikrar %s. Keaslian dan keutuhannya dapat diperiksa dengan memindai kode QR atau membuka tautan verifikasi; perubahan sekecil apa pun membatalkan tanda tangan elektronik.",
		"This document is electronically signed by the ikrar system of %s. Its authenticity and integrity can be checked by scanning the QR code or opening the verification link; the smallest change voids the electronic signature.",
	},
	"cert_footer_short": {
		"Dokumen ini ditandatangani secara elektronik. Pindai kode QR untuk memeriksa keaslian dan keutuhannya.",
		"This document is electronically signed. Scan the QR code to verify that it is authentic and unaltered.",
	},
	"cert_signature_reason": {"Ikrar Netralitas ASN", "ASN Neutrality Pledge"},
}
