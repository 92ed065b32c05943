package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
)

// BenchmarkVerifyAudit measures `ikrar audit verify`'s work (the chain and
// every signature against its event, in the segments VerifyAudit uses:
// one per core on SQLite, see verifySegments) over a chain of
// $IKRAR_BENCH_AUDIT_EVENTS events (default 1,000,000), beside its raw
// limits in the same run, each on one connection and one core:
//
//   - RawSHA256: a bare SHA-256 of each event's canonical bytes, the same
//     bytes the verifier hashes (read once, hashed b.N times: no database);
//   - RawHashing: that and each signature row's digest, every hash the
//     chain's rule asks of verify, nothing read;
//   - RawReadSHA256: the events read as verify reads them (the batch
//     reader, sqliteBatchReader) and hashed, nothing checked;
//   - RawRead: the floor of reading alone: every event (the columns the
//     verifier reads) and every signature row the verifier compares (its
//     columns), read as verify reads them, nothing hashed or checked;
//   - RawReadSQL: the same through database/sql, as verify read before
//     the batch reader (and still does on PostgreSQL).
//
// Two in five events are signatures, two in five their certificates' events
// and one in five another action, roughly a campaign's chain. The database
// is built once into $IKRAR_BENCH_CACHE/audit-N/ikrar.db, where
// `ikrar audit verify --data` can also be run on it (docs/bench.sh measures
// its peak RSS there).
//
//	IKRAR_BENCH_AUDIT_EVENTS=5000000 go test -run '^$' -bench 'VerifyAudit|AuditRaw' -benchtime 1x -cpu 2 ./internal/store
func BenchmarkVerifyAudit(b *testing.B) { benchVerify(b, 0) }

// BenchmarkVerifyAuditOneWalk is BenchmarkVerifyAudit in one walk.
func BenchmarkVerifyAuditOneWalk(b *testing.B) { benchVerify(b, 1) }

// benchVerify verifies in segments (0: VerifyAudit's choice).
func benchVerify(b *testing.B, segments int) {
	n, dir := auditBenchDB(b)
	st, err := Open(context.Background(), Options{DSN: filepath.Join(dir, "ikrar.db"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if segments == 0 {
		segments = st.verifySegments()
	}
	b.ResetTimer()
	report := perMillion(b, n)
	for range b.N {
		rep, err := st.verifyAudit(context.Background(), segments, verifyBatch)
		if err != nil || rep.Events != n {
			b.Fatalf("verify: %d events, %v", rep.Events, err)
		}
	}
	report()
}

func BenchmarkAuditRawSHA256(b *testing.B) {
	n, dir := auditBenchDB(b)
	db := rawAuditDB(b, dir)
	// One batch of real events, hashed over and over to the chain's length:
	// the bytes are the chain's, the cost is SHA-256's alone.
	var batch [][]byte
	err := eachAuditEvent(db, 5000, func(e audit.Event) {
		batch = append(batch, audit.Canonical(nil, e))
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	report := perMillion(b, n)
	for range b.N {
		for i := range n {
			sha256.Sum256(batch[i%len(batch)])
		}
	}
	report()
}

// BenchmarkAuditRawHashing is every SHA-256 the chain's rule asks of
// verify, nothing read: each event's canonical bytes (as RawSHA256) and,
// for each signature event, its row's digest (the drawing's hash and the
// v2 fields, audit.SignatureDigestV2), one batch of real rows over and
// over to the chain's share of signatures.
func BenchmarkAuditRawHashing(b *testing.B) {
	n, dir := auditBenchDB(b)
	db := rawAuditDB(b, dir)
	var batch [][]byte
	if err := eachAuditEvent(db, verifyBatch, func(e audit.Event) {
		batch = append(batch, audit.Canonical(nil, e))
	}); err != nil {
		b.Fatal(err)
	}
	r := rawBatchReader(b, dir)
	ids := make([]uint, verifyBatch)
	for i := range ids {
		ids[i] = uint(i + 1)
	}
	rows, _, err := r.signatures(ids, nil, nil)
	if err != nil || len(rows) == 0 {
		b.Fatalf("signature rows: %d, %v", len(rows), err)
	}
	facts := make([]audit.SignatureFacts, len(rows))
	for i, sg := range rows {
		facts[i] = sg.facts()
		facts[i].DrawnPNG = bytes.Clone(sg.DrawnPNG) // the rows point into the reader's buffer
	}
	r.close()
	var sigs int
	if err := db.QueryRow("SELECT COUNT(*) FROM signatures").Scan(&sigs); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	report := perMillion(b, n)
	for range b.N {
		for i := range n {
			sha256.Sum256(batch[i%len(batch)])
		}
		for i := range sigs {
			audit.SignatureDigestV2(facts[i%len(facts)])
		}
	}
	report()
}

func BenchmarkAuditRawReadSHA256(b *testing.B) {
	n, dir := auditBenchDB(b)
	b.ResetTimer()
	report := perMillion(b, n)
	for range b.N {
		r := rawBatchReader(b, dir)
		var canon []byte
		eachEventBatch(b, r, func(batch []audit.Stored) {
			for i := range batch {
				canon = audit.Canonical(canon[:0], batch[i].Event)
				sha256.Sum256(canon)
			}
		})
		r.close()
	}
	report()
}

func BenchmarkAuditRawRead(b *testing.B) {
	n, dir := auditBenchDB(b)
	b.ResetTimer()
	report := perMillion(b, n)
	for range b.N {
		r := rawBatchReader(b, dir)
		eachEventBatch(b, r, func([]audit.Stored) {})
		// The signature rows, by dense id ranges as verify reads them.
		ids := make([]uint, verifyBatch)
		var sigs []signatureWithNIP
		var buf []byte
		for lo := uint(1); ; lo += verifyBatch {
			for i := range ids {
				ids[i] = lo + uint(i)
			}
			var err error
			if sigs, buf, err = r.signatures(ids, sigs[:0], buf); err != nil {
				b.Fatal(err)
			}
			if len(sigs) == 0 {
				break
			}
		}
		r.close()
	}
	report()
}

func BenchmarkAuditRawReadSQL(b *testing.B) {
	n, dir := auditBenchDB(b)
	db := rawAuditDB(b, dir)
	b.ResetTimer()
	report := perMillion(b, n)
	for range b.N {
		rows, err := db.Query("SELECT id, at, actor, action, subject, detail, prev_hash, hash FROM audit_events ORDER BY id")
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var e audit.Stored
			if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
				b.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
		if rows, err = db.Query("SELECT " + verifySignatureColumns + " ORDER BY s.id"); err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var sg signatureWithNIP
			if err := scanVerifySignature(rows, &sg); err != nil {
				b.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		rows.Close()
	}
	report()
}

// eachEventBatch reads the chain with r in verify's batches.
func eachEventBatch(b *testing.B, r *sqliteBatchReader, fn func([]audit.Stored)) {
	var buf []byte
	var batch []audit.Stored
	for after := uint64(0); ; after = batch[len(batch)-1].Seq {
		var err error
		if batch, buf, err = r.eventBatch(after, verifyBatch, batch[:0], buf); err != nil {
			b.Fatal(err)
		}
		if len(batch) == 0 {
			return
		}
		fn(batch)
	}
}

// rawBatchReader opens verify's batch reader on the benchmark's chain.
func rawBatchReader(b *testing.B, dir string) *sqliteBatchReader {
	r, err := openSQLiteBatchReader(filepath.Join(dir, "ikrar.db"))
	if err == nil {
		if err = r.begin(); err != nil {
			r.close()
		}
	}
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// perMillion starts measuring (call it right after b.ResetTimer) and
// returns the function that reports, per million events, the wall time
// and the process's CPU time (user + system, every goroutine and the
// garbage collector): on a shared machine the CPU figure is the steadier.
func perMillion(b *testing.B, n int) func() {
	start := cpuTime()
	return func() {
		per := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(per*1e6/float64(n), "s/1M-events")
		b.ReportMetric((cpuTime()-start).Seconds()/float64(b.N)*1e6/float64(n), "cpu-s/1M-events")
		b.ReportMetric(float64(n)/per, "events/s")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func rawAuditDB(b *testing.B, dir string) *sql.DB {
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, "ikrar.db")+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// eachAuditEvent reads the chain in order (the first limit events, or all).
func eachAuditEvent(db *sql.DB, limit int, fn func(audit.Event)) error {
	q := "SELECT id, at, actor, action, subject, detail, prev_hash FROM audit_events ORDER BY id"
	if limit > 0 {
		q += " LIMIT " + strconv.Itoa(limit)
	}
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e audit.Event
		if err := rows.Scan(&e.Seq, &e.At, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.PrevHash); err != nil {
			return err
		}
		fn(e)
	}
	return rows.Err()
}

// auditBenchDB returns the size and folder of the cached chain, building
// it on first use.
func auditBenchDB(b *testing.B) (int, string) {
	b.Helper()
	n := 1_000_000
	if v := os.Getenv("IKRAR_BENCH_AUDIT_EVENTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 5 {
			b.Fatalf("IKRAR_BENCH_AUDIT_EVENTS=%q", v)
		}
	}
	cache := os.Getenv("IKRAR_BENCH_CACHE")
	if cache == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		cache = filepath.Join(base, "ikrar-bench")
	}
	dir := filepath.Join(cache, fmt.Sprintf("audit-%d-v1", n))
	if _, err := os.Stat(filepath.Join(dir, "ikrar.db")); err == nil {
		return n, dir
	}
	b.Logf("building a chain of %d events in %s (cached for later runs)…", n, dir)
	start := time.Now()
	tmp := dir + ".building"
	os.RemoveAll(tmp)
	if err := buildAuditChain(filepath.Join(tmp, "ikrar.db"), n); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	b.Logf("built in %s", time.Since(start).Round(time.Second))
	return n, dir
}

// buildAuditChain writes n events: per five, two signatures with their
// events, their two certificate events and one other event, with the
// signature rows and roster entries they name, in one transaction.
func buildAuditChain(path string, n int) error {
	ctx := context.Background()
	st, err := Open(ctx, Options{DSN: path, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return err
	}
	defer st.Close()
	camp := Campaign{Slug: "bench", Version: 1, Title: "T", Preamble: "P", Points: `["a"]`, Closing: "C", Instansi: "I", TextHash: benchPledgeHash, Status: "open"}
	if err := st.CreateCampaign(ctx, "bench", &camp); err != nil {
		return err
	}
	dept := Department{Code: "dinas", Name: "Dinas"}
	if err := st.CreateDepartment(ctx, "bench", &dept); err != nil {
		return err
	}
	db, err := st.w.DB()
	if err != nil {
		return err
	}
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var headID uint64
	prev := audit.Genesis
	if err := tx.QueryRow(sqlAuditHead).Scan(&headID, &prev); err != nil && err != sql.ErrNoRows {
		return err
	}
	seq := headID + 1
	insEvent, err := tx.Prepare("INSERT INTO audit_events (id, at, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	insASN, err := tx.Prepare(`INSERT INTO asns (id, nip, name, position, department_id, kind, email, phone, active, token, access_code, created_at, updated_at)
		VALUES (?, ?, ?, 'Analis Kebijakan Ahli Muda', ?, 'PNS', '', '', true, ?, 'ABCDEFGH', ?, ?)`)
	if err != nil {
		return err
	}
	insSig, err := tx.Prepare(`INSERT INTO signatures (id, asn_id, campaign_id, department_id, signed_at, typed_name, drawn_png, ip, user_agent, pledge_hash,
		cert_code, signer_nip, signer_name, signer_position, staff_user, device_key, cert_sha256, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, '10.1.2.3', 'bench', ?, ?, ?, ?, ?, '', '', ?, false)`)
	if err != nil {
		return err
	}
	at := time.Date(2024, 1, 8, 1, 0, 0, 0, time.UTC)
	png := []byte(strings.Repeat("\x89PNG drawn signature ", 20))
	add := func(ev audit.Event) error {
		ev.Seq, ev.PrevHash = seq, prev
		h := audit.Hash(ev)
		if _, err := insEvent.Exec(ev.Seq, ev.At, ev.Actor, ev.Action, ev.Subject, ev.Detail, ev.PrevHash, h); err != nil {
			return err
		}
		prev, seq = h, seq+1
		return nil
	}
	for i := 1; int(seq) <= n; i++ {
		at = at.Add(time.Millisecond)
		switch i % 5 {
		case 1, 3:
			if int(seq) == n { // no room left for its certificate's event
				i = 5
			}
		}
		switch i % 5 {
		case 0: // something else happened
			if err := add(audit.Event{At: at, Actor: "api:bench", Action: "api.read", Subject: "/api/v1/roster",
				Detail: audit.Detail(map[string]string{"path": "/api/v1/roster", "status": "200"})}); err != nil {
				return err
			}
			continue
		case 2, 4: // the certificate of the signature just made
			id := strconv.Itoa(i - 1 - (i-1)/5)
			if err := add(audit.Event{At: at, Actor: "system", Action: ActionCertificateIssued, Subject: "signature-id:" + id,
				Detail: audit.Detail(map[string]string{"signature_id": id, "sha256": fmt.Sprintf("%064x", i-1)})}); err != nil {
				return err
			}
			continue
		}
		id := uint(i - i/5)
		nip := fmt.Sprintf("19%016d", id)
		if _, err := insASN.Exec(id, nip, "Pegawai "+nip, dept.ID, "bench-token-"+nip, at, at); err != nil {
			return err
		}
		sig := Signature{ID: id, ASNID: id, CampaignID: camp.ID, DepartmentID: dept.ID, SignedAt: at, TypedName: "Pegawai " + nip, DrawnPNG: png,
			PledgeHash: benchPledgeHash, CertCode: fmt.Sprintf("IKR-BNCH-%010d", id), SignerNIP: nip, SignerName: "Pegawai " + nip, SignerPosition: "Analis Kebijakan Ahli Muda"}
		if _, err := insSig.Exec(sig.ID, sig.ASNID, sig.CampaignID, sig.DepartmentID, sig.SignedAt, sig.TypedName, sig.DrawnPNG, sig.PledgeHash,
			sig.CertCode, sig.SignerNIP, sig.SignerName, sig.SignerPosition, fmt.Sprintf("%064x", i)); err != nil {
			return err
		}
		ev, _ := signedEvent(sig, seq, prev)
		if err := add(ev); err != nil {
			return err
		}
	}
	return tx.Commit()
}
