package certificate

import (
	"bytes"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf16"

	"github.com/digitorus/pkcs7"

	"github.com/ikrar/ikrar/internal/i18n"
)

// Reasons Verify rejects a file. Errors returned by Verify wrap exactly one of
// these; Reason turns them into a message for people.
var (
	ErrNotPDF           = errors.New("not a PDF document")
	ErrNoSignature      = errors.New("the PDF has no digital signature")
	ErrSignatureInvalid = errors.New("the digital signature is invalid")
	ErrTampered         = errors.New("the document was changed after it was signed")
	ErrUnknownSigner    = errors.New("the document was signed with another key")
	ErrNoCode           = errors.New("the document carries no ikrar certificate code")
)

// Reason is the message for people explaining a verification error (nil:
// authentic), worded in internal/i18n (keys verify_*). Unknown errors get
// a generic message.
func Reason(err error) *i18n.Error {
	switch {
	case err == nil:
		return i18n.New("verify_ok")
	case errors.Is(err, ErrNotOnRecord):
		return i18n.New("verify_not_on_record")
	case errors.Is(err, ErrNotInDatabase):
		return i18n.New("verify_not_in_database")
	case errors.Is(err, ErrRevoked):
		return i18n.New("verify_revoked")
	case errors.Is(err, ErrReplaced):
		return i18n.New("verify_replaced")
	case errors.Is(err, ErrNotPDF):
		return i18n.New("verify_not_pdf")
	case errors.Is(err, ErrNoSignature):
		return i18n.New("verify_no_signature")
	case errors.Is(err, ErrTampered):
		return i18n.New("verify_tampered")
	case errors.Is(err, ErrSignatureInvalid):
		return i18n.New("verify_signature_invalid")
	case errors.Is(err, ErrUnknownSigner):
		return i18n.New("verify_unknown_signer")
	case errors.Is(err, ErrNoCode):
		return i18n.New("verify_no_code")
	default:
		return i18n.New("verify_failed")
	}
}

// Verification is what a successfully verified certificate tells.
type Verification struct {
	Code        string     // certificate code stored in the PDF
	SignedBy    string     // /Name of the signature dictionary (the ASN)
	Signer      string     // subject common name of the signing certificate
	SigningTime time.Time  // CMS signing-time attribute, UTC
	SHA256      string     // hex SHA-256 of the whole file
	Timestamp   *Timestamp // RFC 3161 trusted time of the signature, when it carries one
}

var (
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
)

// Verify checks that b is a certificate signed by s and returns what it
// says. It accepts exactly one signature whose byte range covers the whole
// file except the signature itself, so nothing can be appended or changed.
// It never panics, whatever b holds; the caller bounds len(b).
func (s *Signer) Verify(b []byte) (v Verification, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = Verification{}, fmt.Errorf("certificate: verify: %w: parser failure: %v", ErrNotPDF, r)
		}
	}()
	v, err = s.verify(b)
	if err != nil {
		return Verification{}, fmt.Errorf("certificate: verify: %w", err)
	}
	return v, nil
}

func (s *Signer) verify(b []byte) (Verification, error) {
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		return Verification{}, fmt.Errorf("%w: missing %%PDF- header", ErrNotPDF)
	}
	tail := b[max(0, len(b)-1024):]
	if !bytes.Contains(tail, []byte("%%EOF")) {
		return Verification{}, fmt.Errorf("%w: no %%%%EOF marker at the end (truncated?)", ErrNotPDF)
	}

	sig, err := findSignature(b)
	if err != nil {
		return Verification{}, err
	}
	signed := make([]byte, 0, len(b)-(sig.holeEnd-sig.holeStart))
	signed = append(signed, b[:sig.holeStart]...)
	signed = append(signed, b[sig.holeEnd:]...)

	p7, err := pkcs7.Parse(sig.contents)
	if err != nil {
		return Verification{}, fmt.Errorf("%w: parse CMS: %v", ErrSignatureInvalid, err)
	}
	if len(p7.Signers) != 1 {
		return Verification{}, fmt.Errorf("%w: %d signer infos, want 1", ErrSignatureInvalid, len(p7.Signers))
	}
	// Compare the signed digest first so that an edited file is reported as
	// edited rather than as a bad signature.
	var digest []byte
	if err := p7.UnmarshalSignedAttribute(oidMessageDigest, &digest); err != nil {
		return Verification{}, fmt.Errorf("%w: message digest attribute: %v", ErrSignatureInvalid, err)
	}
	sum := sha256.Sum256(signed)
	if !bytes.Equal(digest, sum[:]) {
		return Verification{}, fmt.Errorf("%w: SHA-256 of the signed bytes does not match the signature", ErrTampered)
	}
	p7.Content = signed
	if err := p7.Verify(); err != nil {
		return Verification{}, fmt.Errorf("%w: %v", ErrSignatureInvalid, err)
	}
	signerCert := p7.GetOnlySigner()
	if signerCert == nil {
		return Verification{}, fmt.Errorf("%w: no signer certificate", ErrSignatureInvalid)
	}
	if !bytes.Equal(signerCert.Raw, s.cert.Raw) {
		return Verification{}, fmt.Errorf("%w: signed by %q, not by %q", ErrUnknownSigner,
			signerCert.Subject.CommonName, s.cert.Subject.CommonName)
	}

	var signingTime time.Time
	if err := p7.UnmarshalSignedAttribute(oidSigningTime, &signingTime); err != nil {
		return Verification{}, fmt.Errorf("%w: signing time attribute: %v", ErrSignatureInvalid, err)
	}
	ts, err := signatureTimestamp(p7)
	if err != nil {
		return Verification{}, err
	}
	code, err := extractCode(b)
	if err != nil {
		return Verification{}, err
	}
	whole := sha256.Sum256(b)
	return Verification{
		Code:        code,
		SignedBy:    sig.name,
		Signer:      signerCert.Subject.CommonName,
		SigningTime: signingTime.UTC(),
		SHA256:      hex.EncodeToString(whole[:]),
		Timestamp:   ts,
	}, nil
}

// signature is the one signature dictionary found in a file.
type signature struct {
	holeStart, holeEnd int    // the <hex> Contents string, excluded from signing
	contents           []byte // decoded DER of the CMS object
	name               string
}

// findSignature locates the signature by its /ByteRange. It reads the raw
// bytes rather than the PDF object graph: ikrar writes the signature
// dictionary uncompressed, a full-coverage byte range makes the rest of the
// file immutable, and scanning cannot loop or recurse on hostile input the
// way an object parser can.
func findSignature(b []byte) (signature, error) {
	key := []byte("/ByteRange")
	first := bytes.Index(b, key)
	if first < 0 {
		return signature{}, ErrNoSignature
	}
	if bytes.Contains(b[first+len(key):], key) {
		return signature{}, fmt.Errorf("%w: more than one signature", ErrTampered)
	}
	nums, ok := parseByteRange(b[first+len(key):])
	if !ok {
		return signature{}, fmt.Errorf("%w: malformed /ByteRange", ErrTampered)
	}
	n := int64(len(b))
	a0, l0, a1, l1 := nums[0], nums[1], nums[2], nums[3]
	if a0 != 0 || l0 <= 0 || a1 <= l0 || l1 < 0 || a1 > n || l1 != n-a1 {
		return signature{}, fmt.Errorf("%w: /ByteRange [%d %d %d %d] does not cover the whole file of %d bytes",
			ErrTampered, a0, l0, a1, l1, n)
	}
	start, end := int(l0), int(a1)
	if end-start < 2 || b[start] != '<' || b[end-1] != '>' {
		return signature{}, fmt.Errorf("%w: the unsigned range is not the signature value", ErrTampered)
	}
	hexDigits := b[start+1 : end-1]
	if len(hexDigits)%2 != 0 {
		return signature{}, fmt.Errorf("%w: odd-length signature value", ErrTampered)
	}
	der := make([]byte, len(hexDigits)/2)
	if _, err := hex.Decode(der, hexDigits); err != nil {
		return signature{}, fmt.Errorf("%w: signature value is not hexadecimal", ErrTampered)
	}
	// The value is zero-padded to its reserved size; keep the DER object.
	var raw asn1.RawValue
	rest, err := asn1.Unmarshal(der, &raw)
	if err != nil {
		return signature{}, fmt.Errorf("%w: signature value is not DER: %v", ErrSignatureInvalid, err)
	}
	if len(bytes.Trim(rest, "\x00")) != 0 {
		return signature{}, fmt.Errorf("%w: data after the signature value", ErrSignatureInvalid)
	}
	// pdfsign writes /Name after /Contents in the same dictionary, which
	// ends within a few hundred bytes of the hole.
	return signature{
		holeStart: start,
		holeEnd:   end,
		contents:  der[:len(der)-len(rest)],
		name:      pdfStringAfter(b[end:min(len(b), end+4096)], []byte("/Name")),
	}, nil
}

// parseByteRange reads "[a b c d]" after the /ByteRange key.
func parseByteRange(b []byte) ([4]int64, bool) {
	var out [4]int64
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return out, false
	}
	i++
	for k := range out {
		i = skipSpace(b, i)
		j := i
		for j < len(b) && j-i < 12 && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == i || j-i >= 12 {
			return out, false
		}
		n, err := strconv.ParseInt(string(b[i:j]), 10, 64)
		if err != nil {
			return out, false
		}
		out[k] = n
		i = j
	}
	i = skipSpace(b, i)
	return out, i < len(b) && b[i] == ']'
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t' || b[i] == '\f' || b[i] == 0) {
		i++
	}
	return i
}

// extractCode reads the certificate code that Render stored in the Info
// dictionary as "/Keywords (ikrar-code:CODE)".
func extractCode(b []byte) (string, error) {
	marker := []byte("/Keywords (" + codeKeyword)
	i := bytes.Index(b, marker)
	if i < 0 {
		return "", ErrNoCode
	}
	rest := b[i+len(marker):]
	j := 0
	for j < len(rest) && j <= maxCode && isCodeSafe(string(rest[j:j+1])) {
		j++
	}
	if j == 0 || j > maxCode || j >= len(rest) || rest[j] != ')' {
		return "", fmt.Errorf("%w: malformed code entry", ErrNoCode)
	}
	return string(rest[:j]), nil
}

// pdfStringAfter returns the literal string "(...)" following key in b, with
// escapes resolved and UTF-16 (with BOM) decoded; "" if there is none.
func pdfStringAfter(b, key []byte) string {
	i := bytes.Index(b, key)
	if i < 0 {
		return ""
	}
	i = skipSpace(b, i+len(key))
	if i >= len(b) || b[i] != '(' {
		return pdfStringAfter(b[i:], key)
	}
	var out []byte
	depth := 0
	for i++; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\r', '\n':
				// line continuation
			default:
				if e >= '0' && e <= '7' {
					v := 0
					for k := 0; k < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7'; k++ {
						v = v*8 + int(b[i]-'0')
						i++
					}
					i--
					out = append(out, byte(v))
				} else {
					out = append(out, e)
				}
			}
		case c == '(':
			depth++
			out = append(out, c)
		case c == ')':
			if depth == 0 {
				return decodePDFText(out)
			}
			depth--
			out = append(out, c)
		default:
			out = append(out, c)
		}
		if len(out) > 1024 {
			return ""
		}
	}
	return ""
}

// decodePDFText decodes a PDF text string: UTF-16BE with a BOM, else
// PDFDocEncoding, which matches Latin-1 for the letters that occur in names.
func decodePDFText(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		u := make([]uint16, 0, (len(b)-2)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
