package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
)

// Audit actions about a signature: its creation, its certificate being
// made (the SHA-256 of the stored PDF) and its revocation (who and why).
const (
	ActionSigned            = "signature.created"
	ActionCertificateIssued = "certificate.issued"
	ActionRevoked           = "signature.revoked"
)

// NewSignature is what the pledge service hands over to be made durable.
type NewSignature struct {
	ASN        ASN
	CampaignID uint
	SignedAt   time.Time
	TypedName  string
	DrawnPNG   []byte
	IP         string
	UserAgent  string
	PledgeHash string
	CertCode   string
	StaffUser  string // a staff session's username in the signing browser, if any
	DeviceKey  string // see Signature.DeviceKey
}

// SignResult says what happened: Created is false when the ASN had already
// signed, in which case Signature is the earlier one.
type SignResult struct {
	Signature Signature
	Created   bool
}

type signReq struct {
	ctx context.Context
	sig NewSignature
	// exec, when set, is a small write that rides this batch's commit
	// instead of a signature (see Store.ride).
	exec  func(ctx context.Context, tx *sql.Tx) error
	reply chan signReply
}

type signReply struct {
	res SignResult
	err error
}

// groupCommitter turns many concurrent signatures into few durable
// commits: one goroutine takes whatever requests are waiting, writes them
// (and their audit events) in one transaction, and answers each request only
// after that transaction is on disk. With synchronous=FULL a commit costs
// one fsync, so this is what lets signing go faster than the disk's fsync
// rate without acknowledging anything early.
type groupCommitter struct {
	s       *Store
	db      *sql.DB
	stmts   *signStmts
	q       chan signReq
	done    chan struct{}
	stopped sync.Once
	scratch batchScratch // only the committer goroutine touches it
	// pace is how long after the start of a commit that had company the
	// next one waits for more requests (see loop); after is its timer,
	// replaced in tests.
	pace  time.Duration
	after func(time.Duration) (<-chan time.Time, func() bool)
}

// batchScratch is a batch's working memory, reused from batch to batch.
// A request carries the whole roster entry, so the slices a batch built
// by append (and its replies, rows and events) came to ~3.5 KB per
// signature, a tenth of what the server allocated per signing visit.
// Each slice is cleared after its batch (done), so no signature's data
// (a drawn PNG is up to 64 KB) stays reachable between batches.
type batchScratch struct {
	live, sigLive []signReq
	pos           []int
	replies       []signReply
	sigReplies    []signReply
	sigs, created []Signature
	events        []chainedEvent
}

// sized is s emptied, with room for n elements.
func sized[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, 0, n)
	}
	return s[:0]
}

// done clears what the batch put in the scratch slices.
func (b *batchScratch) done() {
	clear(b.live)
	clear(b.sigLive)
	clear(b.replies)
	clear(b.sigReplies)
	clear(b.sigs)
	clear(b.created)
	clear(b.events)
}

const maxBatch = 256

// commitPace: under concurrent signing, a commit starts at most every
// 2 ms, and the requests that arrive meanwhile ride it. Every commit
// costs an fsync, the WAL frames of the pages it touched (the signatures
// table, its indexes, the counts, the audit chain: shared by the whole
// batch) and, because a commit changes the database under them, an empty
// page cache for each reader connection at its next read (so each
// signing read re-reads its B-tree pages from the operating system).
// Unpaced, 64 signers made ~510 commits/s of ~14 signatures. Measured
// with docs/bench.sh's signing run (64 signers, 100,000 roster, three
// alternating rounds each): server CPU per visit 0.135-0.153 ms
// unpaced, 0.125-0.139 at 2 ms, 0.112-0.132 at 4 ms; but a POST waits
// up to the pace, and 64 signers who wait sign less often: 6,935-8,568
// signatures/s unpaced, 7,888-8,465 at 2 ms, 7,184-8,093 at 4 ms (and
// 0.21-0.23x the bare Echo rate in a whole docs/bench.sh run at 4 ms,
// under issue 18's 0.25x). A commit that had no company is not paced:
// a lone signer, or a caller signing one after another, commits at once.
const commitPace = 2 * time.Millisecond

func newTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}

func newGroupCommitter(s *Store, db *sql.DB) (*groupCommitter, error) {
	stmts, err := prepareSignStmts(db, s.d)
	if err != nil {
		return nil, err
	}
	g := &groupCommitter{s: s, db: db, stmts: stmts, q: make(chan signReq, 1024), done: make(chan struct{}),
		pace: commitPace, after: newTimer}
	go g.loop()
	return g, nil
}

func (g *groupCommitter) stop() {
	g.stopped.Do(func() {
		close(g.q)
		<-g.done
		g.stmts.close()
	})
}

func (g *groupCommitter) loop() {
	defer close(g.done)
	batch := make([]signReq, 0, maxBatch)
	var lastStart time.Time
	lastSize := 0
	for first := range g.q {
		batch = append(batch[:0], first)
		if wait := paceWait(lastStart, lastSize, time.Now(), g.pace); wait > 0 {
			timeout, stop := g.after(wait)
			batch = gather(g.q, batch, timeout)
			stop()
		}
		batch = gather(g.q, batch, nil)
		lastStart, lastSize = time.Now(), len(batch)
		g.commit(batch)
	}
}

// paceWait is how long a batch waits for company before its commit
// starts: until pace after the last commit's start, if that commit had
// company (commitPace says why).
func paceWait(lastStart time.Time, lastSize int, now time.Time, pace time.Duration) time.Duration {
	if lastSize < 2 {
		return 0
	}
	return lastStart.Add(pace).Sub(now)
}

// gather adds the requests waiting in q to batch, up to maxBatch: with a
// nil timeout only those already queued, else also those that arrive
// until timeout fires (or q is closed).
func gather(q <-chan signReq, batch []signReq, timeout <-chan time.Time) []signReq {
	for len(batch) < maxBatch {
		if timeout == nil {
			select {
			case r, ok := <-q:
				if !ok {
					return batch
				}
				batch = append(batch, r)
				continue
			default:
				return batch
			}
		}
		select {
		case r, ok := <-q:
			if !ok {
				return batch
			}
			batch = append(batch, r)
		case <-timeout:
			return batch
		}
	}
	return batch
}

func (g *groupCommitter) commit(batch []signReq) {
	sc := &g.scratch
	defer sc.done()
	live := sized(sc.live, len(batch))
	for _, r := range batch {
		if r.ctx.Err() != nil {
			r.reply <- signReply{err: r.ctx.Err()}
			continue
		}
		live = append(live, r)
	}
	sc.live = live
	if len(live) == 0 {
		return
	}
	replies := sized(sc.replies, len(live))[:len(live)]
	sc.replies = replies
	err := g.writeBatch(live, replies)
	if err == nil {
		for i, r := range live {
			r.reply <- replies[i]
		}
		return
	}
	if len(live) == 1 {
		live[0].reply <- signReply{err: err}
		return
	}
	// One bad request must not fail its neighbours: retry them one by one
	// (from a copy: each retry reuses the scratch slices).
	g.s.log.Warn("signature batch failed, retrying singly", "size", len(live), "err", err)
	for _, r := range slices.Clone(live) {
		g.commit([]signReq{r})
	}
}

// signStmts are the committer's statements. On SQLite they are prepared
// once on the writer connection and run once per row (see batch.go). The
// committer uses database/sql rather than GORM because the profile of a
// 64-signer load showed it spending a third of its time in
// sqlite3_prepare: GORM's statement cache keeps the transaction-bound
// statement when a query is first prepared inside a transaction, so every
// later transaction prepares it again. The rows written are the same as
// GORM's (same columns, same driver conversion of times).
type signStmts struct {
	insert, existing, head, event *sql.Stmt
	// multiRow: each step of a batch is one statement over all its rows
	// (PostgreSQL, where every statement is a network round trip); the
	// statements above are then not prepared.
	multiRow bool
	// chainLock, when set, is run first in every batch: other instances
	// write to the same chain and the same unique index, and taking the
	// lock before any insert keeps two batches from each holding what the
	// other waits for.
	chainLock string
}

const (
	sqlInsertSignature = `INSERT INTO signatures (asn_id, campaign_id, department_id, signed_at, typed_name, drawn_png,
		ip, user_agent, pledge_hash, cert_code, signer_nip, signer_name, signer_position, staff_user, device_key, cert_sha256, revoked)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', false)
		ON CONFLICT (asn_id, campaign_id) WHERE revoked = false DO NOTHING`
	sqlAuditHead   = `SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1`
	sqlInsertEvent = `INSERT INTO audit_events (id, at, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
)

func prepareSignStmts(db *sql.DB, d dialect) (*signStmts, error) {
	st := signStmts{multiRow: d.returningID() != "", chainLock: d.chainLock()}
	if st.multiRow {
		return &st, nil
	}
	for _, p := range []struct {
		dst   **sql.Stmt
		query string
	}{{&st.insert, sqlInsertSignature}, {&st.existing, selectFrom("signatures", signatureColumns, "WHERE asn_id = ? AND campaign_id = ? AND revoked = false")}, {&st.head, sqlAuditHead}, {&st.event, sqlInsertEvent}} {
		stmt, err := db.Prepare(d.rebind(p.query))
		if err != nil {
			st.close()
			return nil, fmt.Errorf("prepare signature statements: %w", err)
		}
		*p.dst = stmt
	}
	return &st, nil
}

func (st *signStmts) close() {
	for _, s := range []*sql.Stmt{st.insert, st.existing, st.head, st.event} {
		if s != nil {
			s.Close()
		}
	}
}

// beginBatch starts a batch's transaction holding the audit-chain lock
// (where the dialect needs one), so the batch's events extend one chain.
func (g *groupCommitter) beginBatch(ctx context.Context) (*sql.Tx, error) {
	tx, err := g.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin signature batch: %w", err)
	}
	if g.stmts.chainLock != "" {
		if _, err := tx.ExecContext(ctx, g.stmts.chainLock); err != nil {
			tx.Rollback()
			return nil, fmt.Errorf("lock audit chain: %w", err)
		}
	}
	return tx, nil
}

// parseSignatureDetail reads the detail of an event about a signature.
func parseSignatureDetail(detail string) (sigDetail, uint, error) {
	var d sigDetail
	if !d.parseFlat(detail) {
		var j sigDetail // not d: decoding into d put it on the heap for every event
		if err := json.Unmarshal([]byte(detail), &j); err != nil {
			return sigDetail{}, 0, fmt.Errorf("signature event detail is not JSON: %w", err)
		}
		d = j
	}
	id, err := strconv.ParseUint(d.SignatureID, 10, 64)
	if err != nil {
		return sigDetail{}, 0, errors.New("signature event lacks signature_id")
	}
	return d, uint(id), nil
}

// sigDetail is what a signature event's detail says that verification
// reads (a struct: decoding into a map cost a third of the verifier's time).
type sigDetail struct {
	V            string `json:"v"`
	SignatureID  string `json:"signature_id"`
	Digest       string `json:"digest"`
	DepartmentID string `json:"department_id"`
	SHA256       string `json:"sha256"`
}

// parseFlat reads detail the way json.Unmarshal would when detail is in
// the form audit.Detail writes: one object of string values, no spaces,
// keys of [a-z0-9_], values of printable ASCII without quotes or
// backslashes. It reports false for anything else, which json.Unmarshal
// then reads (or rejects) as before. audit verify decodes every signature
// event's detail; encoding/json cost a sixth of its time (about 1.2 s per
// million events) and this form costs a few comparisons per byte.
// FuzzSignatureDetail holds it to json.Unmarshal's result.
func (d *sigDetail) parseFlat(detail string) bool {
	s, ok := strings.CutPrefix(detail, "{")
	if !ok {
		return false
	}
	if s == "}" {
		return true
	}
	for {
		key, rest, ok := flatString(s, &flatKey)
		if !ok || !strings.HasPrefix(rest, ":") {
			return false
		}
		val, rest, ok := flatString(rest[1:], &flatValue)
		if !ok {
			return false
		}
		switch key { // lower-case keys match json tags exactly (no case folding applies)
		case "v":
			d.V = val
		case "signature_id":
			d.SignatureID = val
		case "digest":
			d.Digest = val
		case "department_id":
			d.DepartmentID = val
		case "sha256":
			d.SHA256 = val
		}
		switch {
		case rest == "}":
			return true
		case strings.HasPrefix(rest, ","):
			s = rest[1:]
		default:
			return false
		}
	}
}

// flatKey and flatValue are the bytes parseFlat allows in a key and in a
// value: a table lookup per byte, where a function call per byte was a
// tenth of audit verify's time once reading was cheap.
var flatKey, flatValue = func() (k, v [256]bool) {
	for c := range 256 {
		k[c] = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
		v[c] = c >= 0x20 && c < 0x7f && c != '"' && c != '\\'
	}
	return k, v
}()

// flatString reads a quoted string of allowed bytes at the start of s.
func flatString(s string, allowed *[256]bool) (val, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], '"') + 1
	if end == 0 {
		return "", "", false
	}
	for i := 1; i < end; i++ {
		if !allowed[s[i]] {
			return "", "", false
		}
	}
	return s[1:end], s[end+1:], true
}

type signatureWithNIP struct {
	Signature
	// NIP is the roster entry's NIP now. The stored certificate's own
	// sha256 is not read here: on SQLite reading it walks the PDF's
	// overflow pages, which would make every check read every certificate.
	// Its copy on the signature row, written in the same transaction, is.
	NIP string `gorm:"column:nip"`
}

// checkRecorded compares a signature row with what its signature event
// recorded and says what differs ("" when nothing does). Revocation and
// certificate events are compared by verifyAudit's sigChecker.
func (s signatureWithNIP) checkRecorded(rec *sigRecord) string {
	if rec.version == "" { // written before rule v2: the fields it covered
		if audit.SignatureDigest(s.NIP, s.CampaignID, s.SignedAt, s.TypedName, s.PledgeHash, s.CertCode, s.DrawnPNG) != rec.digest {
			return "was changed after signing"
		}
		return ""
	}
	switch {
	case rec.version != audit.SignatureDigestVersion:
		return "its event has an unknown digest version " + rec.version
	case rec.department != "" && rec.department != strconv.FormatUint(uint64(s.DepartmentID), 10):
		return fmt.Sprintf("unit changed after signing (department %s recorded, %d in the row)", rec.department, s.DepartmentID)
	case s.NIP != s.SignerNIP:
		return "the NIP of the person's roster entry no longer matches the NIP signed"
	case !audit.MatchesSignatureDigestV2(s.facts(), rec.digest):
		return "was changed after signing (name, position, NIP, campaign, time, text or drawing)"
	}
	return ""
}

// Sign makes a signature durable through the group committer and returns
// only once it is committed to disk.
func (s *Store) Sign(ctx context.Context, n NewSignature) (SignResult, error) {
	r := signReq{ctx: ctx, sig: n, reply: make(chan signReply, 1)}
	select {
	case s.signer.q <- r:
	case <-ctx.Done():
		return SignResult{}, ctx.Err()
	}
	// Wait for the reply even if ctx ends now: the batch may already be
	// committing, and the caller must learn whether it landed.
	rep := <-r.reply
	return rep.res, rep.err
}

// SignatureOf returns an ASN's signature of a campaign.
func (s *Store) SignatureOf(ctx context.Context, asnID, campaignID uint) (Signature, error) {
	sig, err := scanSignature(s.hot.signatureOf.QueryRowContext(s.d.hotReadContext(ctx), asnID, campaignID))
	if err != nil {
		return Signature{}, hotNotFound(err, "signature")
	}
	return sig, nil
}

// SignatureByCode finds a signature by its certificate code.
func (s *Store) SignatureByCode(ctx context.Context, code string) (Signature, error) {
	var sig Signature
	err := s.r.WithContext(ctx).Where("cert_code = ?", code).Take(&sig).Error
	if err != nil {
		return Signature{}, notFound(err, "signature "+code)
	}
	return sig, nil
}

// SignatureByID finds a signature by id.
func (s *Store) SignatureByID(ctx context.Context, id uint) (Signature, error) {
	var sig Signature
	if err := s.r.WithContext(ctx).Take(&sig, id).Error; err != nil {
		return Signature{}, notFound(err, "signature")
	}
	return sig, nil
}

// CountSignatures counts signatures of a campaign (0 = all campaigns).
func (s *Store) CountSignatures(ctx context.Context, campaignID uint) (int64, error) {
	var n int64
	q := s.r.WithContext(ctx).Model(&Signature{})
	if campaignID != 0 {
		q = q.Where("campaign_id = ?", campaignID)
	}
	if err := q.Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count signatures: %w", err)
	}
	return n, nil
}
