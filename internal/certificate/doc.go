// Package certificate makes, signs, verifies and exports ikrar certificates:
// one A4 page per signed pledge, rendered with gofpdf and carrying a
// detached CMS (PKCS#7) signature embedded with digitorus/pdfsign, so that
// pdfsig and Acrobat show it as signed and any later change invalidates it.
//
// The pieces:
//
//   - Render lays out a Data as an unsigned PDF. The same Data always gives
//     the same bytes (fixed creation date, sorted catalog); only signing
//     adds the time-dependent CMS signature.
//   - Signer holds the key. LoadOrCreateSigner loads PEM or PKCS#12 files,
//     or generates an ECDSA P-256 key and a self-signed certificate in the
//     data folder on first run. Make = Render + Sign.
//   - Verify checks a file offline against the Signer's certificate alone
//     (LoadVerifier needs no private key) and reads back the certificate
//     code; failures are typed (ErrTampered, ErrUnknownSigner, ...) and
//     Reason words them for people in Indonesian and English.
//   - ZipWriter streams many certificates into a ZIP, one folder per
//     department, with names from SafeFileName.
//
// Speed matters (the product bar is 500 signed certificates a second on two
// cores, and issue 18's 0.9 times the rate of a bare one-page gofpdf document
// with the same fonts and signature, see bench_test.go). Rendering must stay
// byte-for-byte deterministic: verifying a copy whose stored file is gone
// renders the record again and compares bytes, so a speed-up may not change
// the output. What it took, each measured:
//
//   - Fonts: gofpdf parses and subsets a UTF-8 TrueType font for every
//     document (about 8 ms even for a Latin subset). Text that fits
//     Windows-1252 uses pre-built single-byte DejaVu fonts instead, which
//     cost what a core font does; see pdfkit/fonts/README.md. Other text
//     falls back to the UTF-8 subsets every PDF shares, slower but correct.
//   - QR code: go-qrcode needs about 0.5 ms per symbol; pdfkit's encoder
//     produces the identical symbol in about 0.05 ms (checked module by
//     module against go-qrcode), drawn as vector rectangles.
//   - Compression: gofpdf allocates a new zlib compressor (over 1 MB) per
//     stream, which was half the cost of a certificate; the page is
//     deflated with a recycled compressor instead (deflate.go), Huffman
//     coding only.
//   - ECDSA P-256 signing, several times cheaper than RSA-2048.
//   - Make renders into a recycled buffer (the unsigned document is garbage
//     once signed), an eighth less allocated per certificate.
package certificate
