package i18n

// verifyReasons say what checking a certificate found (package
// certificate: Reason), on the verify page and from ikrar verify.
var verifyReasons = map[string]Text{
	"verify_ok":           {"Sertifikat asli dan tidak diubah.", "The certificate is authentic and unaltered."},
	"verify_not_pdf":      {"Berkas ini bukan dokumen PDF yang utuh.", "This file is not a complete PDF document."},
	"verify_no_signature": {"Dokumen ini tidak memiliki tanda tangan elektronik ikrar.", "This document has no ikrar electronic signature."},
	"verify_tampered":     {"Dokumen ini telah diubah setelah ditandatangani.", "This document was altered after it was signed."},
	"verify_signature_invalid": {
		"Tanda tangan elektronik pada dokumen ini tidak sah.",
		"The electronic signature on this document is not valid.",
	},
	"verify_unknown_signer": {
		"Dokumen ini tidak ditandatangani oleh sistem ikrar instansi ini.",
		"This document was not signed by this institution's ikrar system.",
	},
	"verify_no_code": {"Dokumen ini tidak memuat kode sertifikat ikrar.", "This document does not contain an ikrar certificate code."},
	"verify_failed":  {"Dokumen tidak dapat diverifikasi.", "The document could not be verified."},
	"verify_not_on_record": {
		"Sertifikat ini tidak sama dengan yang tercatat di sistem (kode tidak dikenal atau berkas berbeda).",
		"This certificate is not the one on record (unknown code or a different file).",
	},
	"verify_not_in_database": {
		"Sertifikat ini ditandatangani oleh sistem ikrar ini, tetapi kodenya tidak ada dalam basis data (mungkin dibuat setelah cadangan yang dipulihkan).",
		"This certificate is signed by this ikrar system, but its code is not in the database (perhaps made after the backup that was restored).",
	},
	"verify_revoked": {"Sertifikat ini telah dicabut.", "This certificate has been revoked."},
	"verify_replaced": {
		"Sertifikat ini asli, tetapi sudah diganti dengan versi yang diterbitkan ulang; unduh versi terbaru dengan kode yang sama.",
		"This certificate is genuine but has been replaced by a re-issued version; download the latest version under the same code.",
	},
}
