// Package audit defines the append-only hash chain that records every
// state change. Storage lives in internal/store; this package owns the rule
// that makes the chain tamper-evident, so the writer and the verifier can
// never disagree about it.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Genesis is the previous hash of the first event.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Event is one link of the chain as the hash sees it.
type Event struct {
	Seq      uint64
	At       time.Time
	Actor    string
	Action   string
	Subject  string
	Detail   string
	PrevHash string
}

// Hash covers the previous hash and every canonical field. Fields are
// length-prefixed so that moving characters between fields changes the hash.
func Hash(e Event) string {
	var buf [512]byte
	sum := sha256.Sum256(Canonical(buf[:0], e))
	return hex.EncodeToString(sum[:])
}

// Canonical appends the bytes Hash hashes to b: "len:field\n" for a
// version tag and each field in order. Built in one buffer and hashed in
// one call, which is what lets a verifier keep up with a bare SHA-256 loop
// over the same bytes (the benchmarks in internal/store compare them).
func Canonical(b []byte, e Event) []byte {
	write := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
		b = append(b, '\n')
	}
	write("ikrar-audit-v1")
	write(e.PrevHash)
	var num [20]byte
	write(string(strconv.AppendUint(num[:0], e.Seq, 10)))
	var ts [40]byte
	write(string(e.At.UTC().AppendFormat(ts[:0], time.RFC3339Nano)))
	write(e.Actor)
	write(e.Action)
	write(e.Subject)
	write(e.Detail)
	return b
}

// Detail renders event details as canonical JSON (sorted keys), so the same
// facts always hash the same way.
func Detail(fields map[string]string) string {
	b, err := json.Marshal(fields) // encoding/json sorts map keys
	if err != nil {
		// A map[string]string always marshals; keep the chain writable anyway.
		return "{}"
	}
	return string(b)
}

// DetailPairs is Detail of the fields given as key, value, key, value, …
// with the keys in ascending byte order: the same bytes, written directly.
// A signing batch makes one detail per signature, and encoding/json spent
// ~20 allocations on each (the map, reflection over it, the sort).
// Strings of plain ASCII that JSON leaves as they are are copied; any other
// string is escaped by encoding/json itself, and fields given in any other
// way (keys out of order or repeated, an odd count) go through Detail.
// TestDetailPairs and FuzzDetailPairs compare the two.
func DetailPairs(kv ...string) string {
	if len(kv)%2 != 0 || !keysAscending(kv) {
		return Detail(pairsMap(kv))
	}
	n := 2
	for _, s := range kv {
		n += len(s) + 4
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i := 0; i < len(kv); i += 2 {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, kv[i])
		b = append(b, ':')
		b = appendJSONString(b, kv[i+1])
	}
	return string(append(b, '}'))
}

// pairsMap is kv as a map, a later value of a key winning and a last key
// without a value mapped to "".
func pairsMap(kv []string) map[string]string {
	m := make(map[string]string, len(kv)/2+1)
	for i := 0; i < len(kv); i += 2 {
		if i+1 < len(kv) {
			m[kv[i]] = kv[i+1]
		} else {
			m[kv[i]] = ""
		}
	}
	return m
}

func keysAscending(kv []string) bool {
	for i := 2; i < len(kv); i += 2 {
		if kv[i-2] >= kv[i] {
			return false
		}
	}
	return true
}

// appendJSONString appends s as encoding/json writes it (HTML-safe).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil { // a string always marshals
				return append(b, `""`...)
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// BrokenError names the first event at which the chain stops verifying.
type BrokenError struct {
	Seq    uint64
	Reason string
}

func (e *BrokenError) Error() string {
	if e.Seq == 0 { // a signature row, not an event, is at fault
		return "audit chain broken: " + e.Reason
	}
	return fmt.Sprintf("audit chain broken at event %d: %s", e.Seq, e.Reason)
}

// Stored is an event as read back, with the hash that was written.
type Stored struct {
	Event
	Hash string
}

// Verifier checks a stream of events in sequence order.
type Verifier struct {
	next uint64
	prev string
	n    int
}

// NewVerifier starts a check at the genesis of the chain.
func NewVerifier() *Verifier { return &Verifier{next: 1, prev: Genesis} }

// ResumeVerifier starts a check at event next, whose previous event has
// the stored hash prev: a verifier that splits the chain into segments
// checks each from the event before it, so the link at each border is
// checked too. Head then counts the events from next on.
func ResumeVerifier(next uint64, prev string) *Verifier { return &Verifier{next: next, prev: prev} }

// Check takes the next stored event and reports the first inconsistency.
func (v *Verifier) Check(s Stored) error {
	return v.check(s, Hash(s.Event) == s.Hash)
}

func (v *Verifier) check(s Stored, hashOK bool) error {
	switch {
	case s.Seq != v.next:
		return &BrokenError{Seq: v.next, Reason: fmt.Sprintf("event %d is missing (found %d next)", v.next, s.Seq)}
	case s.PrevHash != v.prev:
		return &BrokenError{Seq: s.Seq, Reason: "previous-hash link does not match the event before it"}
	case !hashOK:
		return &BrokenError{Seq: s.Seq, Reason: "content does not match its hash (edited)"}
	}
	v.next++
	v.prev = s.Hash
	v.n++
	return nil
}

// CheckBatch is Check over consecutive events. Each event's hash depends
// only on its own row (the previous hash is stored in it), so the hashes
// are computed on every core at once; the links between them are then
// checked in order, exactly as Check does.
func (v *Verifier) CheckBatch(batch []Stored) error {
	ok := make([]bool, len(batch))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(batch)/256))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var buf [1024]byte
			for i := w; i < len(batch); i += workers {
				sum := sha256.Sum256(Canonical(buf[:0], batch[i].Event))
				ok[i] = hexEqual(sum[:], batch[i].Hash)
			}
		})
	}
	wg.Wait()
	defer func() {
		// A copy: the caller may reuse the memory of the batch's strings.
		v.prev = strings.Clone(v.prev)
	}()
	for i := range batch {
		if err := v.check(batch[i], ok[i]); err != nil {
			return err
		}
	}
	return nil
}

// hexEqual compares a digest with its lower-case hex form without
// allocating the hex string.
func hexEqual(sum []byte, h string) bool {
	const digits = "0123456789abcdef"
	if len(h) != 2*len(sum) {
		return false
	}
	for i, c := range sum {
		if h[2*i] != digits[c>>4] || h[2*i+1] != digits[c&15] {
			return false
		}
	}
	return true
}

// Head returns how many events verified and the hash of the last one.
func (v *Verifier) Head() (int, string) { return v.n, v.prev }

// SignatureDigest is the fingerprint of a signature row that its audit
// event carries, so editing the row directly in the database is caught by
// the same verification that checks the chain.
func SignatureDigest(nip string, campaignID uint, signedAt time.Time, typedName, pledgeHash, certCode string, drawnPNG []byte) string {
	png := sha256.Sum256(drawnPNG)
	parts := []string{nip, strconv.FormatUint(uint64(campaignID), 10), signedAt.UTC().Format(time.RFC3339Nano), typedName, pledgeHash, certCode, hex.EncodeToString(png[:])}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(sum[:])
}

// SignatureDigestVersion marks signature events whose digest follows
// SignatureDigestV2. Events written before it existed carry no version and
// keep the SignatureDigest rule, so databases from earlier releases still
// verify after an upgrade.
const SignatureDigestVersion = "2"

// SignatureFacts is everything about a signature that a certificate, the
// verify page or a completion figure shows, as it was when the person
// signed.
type SignatureFacts struct {
	NIP          string
	CampaignID   uint
	DepartmentID uint
	SignedAt     time.Time
	TypedName    string
	Name         string // roster name as signed
	Position     string // position as signed
	PledgeHash   string
	CertCode     string
	DrawnPNG     []byte
}

// SignatureDigestV2 is SignatureDigest extended to the unit, the name and
// the position as signed. Fields are length-prefixed like Hash's, and
// built in one buffer like Canonical's: audit verify computes one per
// signature, and a hash Write per piece (four per field, most allocating)
// cost as much as the hashing.
func SignatureDigestV2(f SignatureFacts) string {
	sum := signatureSumV2(f)
	return hex.EncodeToString(sum[:])
}

// MatchesSignatureDigestV2 tells whether digest is SignatureDigestV2(f),
// without making the hex string: audit verify asks once per signature,
// and the strings it made were a third of its allocations.
func MatchesSignatureDigestV2(f SignatureFacts, digest string) bool {
	sum := signatureSumV2(f)
	return hexEqual(sum[:], digest)
}

func signatureSumV2(f SignatureFacts) [sha256.Size]byte {
	var buf [1024]byte
	b := buf[:0]
	png := sha256.Sum256(f.DrawnPNG)
	var num, ts [40]byte
	var pngHex [2 * sha256.Size]byte
	hex.Encode(pngHex[:], png[:])
	b = appendField(b, "ikrar-signature-v2")
	b = appendField(b, f.NIP)
	b = appendField(b, strconv.AppendUint(num[:0], uint64(f.CampaignID), 10))
	b = appendField(b, strconv.AppendUint(num[:0], uint64(f.DepartmentID), 10))
	b = appendField(b, f.SignedAt.UTC().AppendFormat(ts[:0], time.RFC3339Nano))
	b = appendField(b, f.TypedName)
	b = appendField(b, f.Name)
	b = appendField(b, f.Position)
	b = appendField(b, f.PledgeHash)
	b = appendField(b, f.CertCode)
	b = appendField(b, pngHex[:])
	return sha256.Sum256(b)
}

// appendField appends "len:field\n", the form of every field the chain's
// digests cover. It takes bytes as they are (a string made of 64 bytes
// of hex is an allocation).
func appendField[T string | []byte](b []byte, field T) []byte {
	b = strconv.AppendInt(b, int64(len(field)), 10)
	b = append(b, ':')
	b = append(b, field...)
	return append(b, '\n')
}
