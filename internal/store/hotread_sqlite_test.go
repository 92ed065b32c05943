//go:build cgo

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"
)

// tokenFixture is a store whose roster holds plain entries, hostile text
// and values written by hand that the raw token read does not read.
type tokenFixture struct {
	st               *Store
	signed, unsigned uint // campaigns: one with signatures, one without
	tokens           []string
}

// handMadeASNs is the roster table as GORM makes it, but with name and
// access_code nullable, as a database made by hand (or by an older
// version) may have them: AutoMigrate leaves a nullable column nullable.
const handMadeASNs = "CREATE TABLE `asns` (`id` integer PRIMARY KEY AUTOINCREMENT,`nip` text NOT NULL,`name` text,`position` text NOT NULL," +
	"`department_id` integer NOT NULL,`kind` text NOT NULL,`email` text,`phone` text,`active` numeric NOT NULL DEFAULT true," +
	"`token` text NOT NULL,`access_code` text,`created_at` datetime,`updated_at` datetime)"

// tokenRow is a roster row as written with plain SQL; plain tells
// whether the raw read reads it itself (not handing it to database/sql).
type tokenRow struct {
	nip, name, position, dept, kind, token, code any
	active                                       bool
	plain                                        bool
}

var tokenRows = []tokenRow{
	{nip: "198001012005011001", name: "Siti", position: "Analis", dept: 1, kind: "PNS", token: "tok-plain-signed-00000", code: "ABCDEFGH", active: true, plain: true},
	{nip: "198001012005011002", name: "Budi", position: "Pranata", dept: 2, kind: "PPPK", token: "tok-plain-unsigned-000", code: "", active: true, plain: true},
	{nip: "", name: `O'Brien "Dr." -- ; DROP TABLE asns`, position: "Penata Tk. I — ñ 漢字 🙂", dept: 1, kind: "", token: "tok-hostile-'\"-\xff\xfe-é", code: "", active: true, plain: true},
	{nip: "\xff\xfe\x00broken", name: "", position: "", dept: 0, kind: "x\x00y", token: "", code: "\x00", active: true, plain: true},
	// Longer than the reader's first buffer: read again into a larger one.
	{nip: "198001012005011004", name: strings.Repeat("Nama Panjang ", 50), position: strings.Repeat("Ahli Utama ", 100), dept: 3, kind: "PNS", token: "tok-long-row-000000000", code: "ABCDEFGH", active: true, plain: true},
	{nip: "198001012005011005", name: "Tidak Aktif", position: "P", dept: 1, kind: "PNS", token: "tok-inactive-000000000", code: "ABCDEFGH", active: false, plain: true},
	// Written by hand: database/sql fails these scans or converts the
	// value; the raw read leaves them to it.
	{nip: "198001012005011006", name: "Kode Kosong", position: "P", dept: 1, kind: "PNS", token: "tok-null-code-00000000", code: nil, active: true},
	{nip: "198001012005011007", name: nil, position: "P", dept: 1, kind: "PNS", token: "tok-null-name-00000000", code: "A", active: true},
	{nip: "198001012005011008", name: "Unit Teks", position: "P", dept: "abc", kind: "PNS", token: "tok-text-dept-00000000", code: "A", active: true},
	{nip: "198001012005011009", name: "Unit Negatif", position: "P", dept: -1, kind: "PNS", token: "tok-negative-dept-0000", code: "A", active: true},
	{nip: "198001012005011010", name: "Unit Pecahan", position: "P", dept: 2.5, kind: "PNS", token: "tok-real-dept-00000000", code: "A", active: true},
	{nip: []byte("19800101200501101"), name: []byte{}, position: "P", dept: 1, kind: "PNS", token: "tok-blob-nip-000000000", code: "A", active: true},
}

func openTokenFixture(tb testing.TB) tokenFixture {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "ikrar.db")
	pre, err := sql.Open("sqlite3", path)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := pre.Exec(handMadeASNs); err != nil {
		tb.Fatal(err)
	}
	pre.Close()
	st, err := Open(ctx, Options{DSN: path, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if st.tokens == nil {
		tb.Fatal("no raw token reader on SQLite")
	}
	f := tokenFixture{st: st}
	for _, id := range []*uint{&f.signed, &f.unsigned} {
		c := Campaign{Slug: fmt.Sprint("c", len(f.tokens)), Version: 1, Title: "T", Preamble: "P", Points: `["a"]`, Closing: "C", Instansi: "I", TextHash: "h", Status: CampaignOpen}
		if err := st.CreateCampaign(ctx, "test", &c); err != nil {
			tb.Fatal(err)
		}
		*id = c.ID
		f.tokens = append(f.tokens, "")
	}
	f.tokens = f.tokens[:0]
	// Through database/sql itself: GORM would spread a []byte over
	// several placeholders.
	db, err := st.w.DB()
	if err != nil {
		tb.Fatal(err)
	}
	for i, r := range tokenRows {
		_, err := db.Exec("INSERT INTO asns (nip, name, position, department_id, kind, active, token, access_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			r.nip, r.name, r.position, r.dept, r.kind, r.active, r.token, r.code)
		if err != nil {
			tb.Fatal(err)
		}
		f.tokens = append(f.tokens, r.token.(string))
		// Every other entry signed the first campaign; the first one's
		// signature of the second was revoked.
		if i%2 == 0 {
			if err := st.w.Exec("INSERT INTO signatures (asn_id, campaign_id, department_id, signed_at, typed_name, pledge_hash, cert_code) SELECT id, ?, 1, ?, 'x', 'h', ? FROM asns WHERE token = ?",
				f.signed, time.Now(), fmt.Sprint("IKR-", i), r.token).Error; err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := st.w.Exec("INSERT INTO signatures (asn_id, campaign_id, department_id, signed_at, typed_name, pledge_hash, cert_code, revoked) SELECT id, ?, 1, ?, 'x', 'h', 'IKR-R', true FROM asns WHERE token = ?",
		f.unsigned, time.Now(), tokenRows[0].token).Error; err != nil {
		tb.Fatal(err)
	}
	return f
}

// sameRead fails unless the store's read (raw where it can) and the
// database/sql read agree: the same entry, signed or not, and error.
func (f tokenFixture) sameRead(tb testing.TB, token string, campaign uint) (raw error) {
	tb.Helper()
	ctx := context.Background()
	want, wantSigned, wantErr := f.st.asnByTokenSQL(ctx, token, campaign)
	got, signed, err := f.st.ASNByTokenFor(ctx, token, campaign)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || errors.Is(err, ErrNotFound) != errors.Is(wantErr, ErrNotFound) ||
		signed != wantSigned || !reflect.DeepEqual(got, want) {
		tb.Fatalf("token %q, campaign %d: got %+v, %v, %v; database/sql reads %+v, %v, %v", token, campaign, got, signed, err, want, wantSigned, wantErr)
	}
	_, _, raw = f.st.tokens.read(token, campaign)
	return raw
}

// TestTokenReadsMatchDatabaseSQL: ASNByTokenFor's raw read returns what
// the database/sql read returns, and leaves to it (errNotPlain) the
// values it does not read itself, so the result and the error stay the
// driver's.
func TestTokenReadsMatchDatabaseSQL(t *testing.T) {
	f := openTokenFixture(t)
	for i, r := range tokenRows {
		for _, campaign := range []uint{f.signed, f.unsigned, 0, 999} {
			raw := f.sameRead(t, f.tokens[i], campaign)
			if r.plain == errors.Is(raw, errNotPlain) {
				t.Errorf("token %q, campaign %d: raw read %v, want it plain %v", f.tokens[i], campaign, raw, r.plain)
			}
		}
	}
	for _, tc := range []struct {
		name     string
		token    string
		campaign uint
		plain    bool
	}{
		{"unknown token", "no-such-token-0000000", f.signed, true},
		{"token with a NUL", tokenRows[0].token.(string) + "\x00", f.signed, true},
		{"prefix of a token", tokenRows[0].token.(string)[:10], f.signed, true},
		// database/sql refuses the argument; its error stands.
		{"campaign beyond int64", tokenRows[0].token.(string), math.MaxInt64 + 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if raw := f.sameRead(t, tc.token, tc.campaign); tc.plain == errors.Is(raw, errNotPlain) {
				t.Errorf("raw read %v, want it plain %v", raw, tc.plain)
			}
		})
	}
	// The cases the issue names, as the signing page sees them.
	ctx := context.Background()
	if _, signed, err := f.st.ASNByTokenFor(ctx, f.tokens[0], f.signed); err != nil || !signed {
		t.Errorf("signed entry: signed %v, %v", signed, err)
	}
	if _, signed, err := f.st.ASNByTokenFor(ctx, f.tokens[0], f.unsigned); err != nil || signed {
		t.Errorf("revoked signature: signed %v, %v", signed, err)
	}
	notFound := []string{"no-such-token-0000000"}
	for i, r := range tokenRows {
		if !r.active {
			notFound = append(notFound, f.tokens[i])
		}
	}
	if len(notFound) < 2 {
		t.Fatal("no inactive entry in tokenRows")
	}
	for _, tok := range notFound {
		if _, _, err := f.st.ASNByTokenFor(ctx, tok, f.signed); !errors.Is(err, ErrNotFound) {
			t.Errorf("token %q: %v, want ErrNotFound", tok, err)
		}
	}
}

// TestTokenReadsConcurrentAndClose: reads from many goroutines share
// the raw connections (run with -race); Close waits for the reads in
// flight, and every read after it fails at once rather than waiting.
func TestTokenReadsConcurrentAndClose(t *testing.T) {
	f := openTokenFixture(t)
	ctx := context.Background()
	want := map[string]ASN{}
	for _, tok := range f.tokens[:4] {
		a, _, err := f.st.asnByTokenSQL(ctx, tok, f.signed)
		if err != nil {
			t.Fatal(err)
		}
		want[tok] = a
	}
	var wg, started sync.WaitGroup
	started.Add(8)
	for g := range 8 {
		wg.Go(func() {
			var once sync.Once
			defer once.Do(started.Done)
			for i := 0; ; i++ {
				tok := f.tokens[(g+i)%4]
				a, _, err := f.st.ASNByTokenFor(ctx, tok, f.signed)
				if i == 50 {
					once.Do(started.Done)
				}
				if err != nil {
					if i < 50 {
						t.Errorf("read %d: %v", i, err)
					}
					return // closed
				}
				if !reflect.DeepEqual(a, want[tok]) {
					t.Errorf("token %q: %+v, want %+v", tok, a, want[tok])
					return
				}
			}
		})
	}
	started.Wait() // every goroutine is reading
	if err := f.st.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	_, _, err := f.st.ASNByTokenFor(ctx, f.tokens[0], f.signed)
	if !errors.Is(err, errStoreClosed) {
		t.Fatalf("read after Close: %v, want %v", err, errStoreClosed)
	}
}

// TestTokenReadsReadTheStoresFile: the raw connections open the file
// the store's connections have open, not the DSN as a file name (see
// sqliteFile): "ikrar%62.db" is the file "ikrarb.db", and a file named
// "ikrar%62.db" holds another roster.
func TestTokenReadsReadTheStoresFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	add := func(st *Store, token string) {
		a := ASN{NIP: "198001012005011001", Name: "A", Position: "P", DepartmentID: 1, Kind: "PNS", Active: true, Token: token, AccessCode: "ABCDEFGH"}
		if err := st.w.Create(&a).Error; err != nil {
			t.Fatal(err)
		}
	}
	other, err := Open(ctx, Options{DSN: filepath.Join(dir, "ikrar%2562.db")})
	if err != nil {
		t.Fatal(err)
	}
	add(other, "token-of-the-other-file")
	other.Close()
	if _, err := os.Stat(filepath.Join(dir, "ikrar%62.db")); err != nil {
		t.Fatal(err)
	}
	st, err := Open(ctx, Options{DSN: filepath.Join(dir, "ikrar%62.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	add(st, "token-of-this-file-0000")
	if _, _, err := st.tokens.read("token-of-this-file-0000", 0); err != nil {
		t.Errorf("this file's entry: %v", err)
	}
	if _, _, err := st.tokens.read("token-of-the-other-file", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("the other file's entry: %v, want ErrNotFound", err)
	}
}

// TestRawReadKeepsSQLiteError: a failed raw read says what SQLite said,
// not what the unbinding after it left ("not an error").
func TestRawReadKeepsSQLiteError(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gone.db")
	st, err := Open(ctx, Options{DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := openRawPointRead(path, sqlASNByToken)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	if err := st.w.Exec("DROP TABLE asns").Error; err != nil {
		t.Fatal(err)
	}
	_, _, err = r.row(1, "any-token")
	if err == nil || !strings.Contains(err.Error(), "no such table") {
		t.Fatalf("read after the table went: %v, want SQLite's own message", err)
	}
}

// TestTokenReadsFallBackWithoutConnection: where a raw connection
// cannot be opened, ASNByTokenFor reads through database/sql, and tries
// no more opening on each read.
func TestTokenReadsFallBackWithoutConnection(t *testing.T) {
	f := openTokenFixture(t)
	f.st.tokens.close()
	f.st.tokens = newTokenReads(filepath.Join(t.TempDir(), "missing.db"), tokenReadConns, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for range 2 {
		if raw := f.sameRead(t, f.tokens[0], f.signed); !errors.Is(raw, errNotPlain) {
			t.Fatalf("raw read without a connection: %v, want errNotPlain", raw)
		}
	}
	if !f.st.tokens.failed.Load() {
		t.Fatal("a failed open is not remembered")
	}
}

// FuzzASNByTokenFor: the token comes from the link a person follows.
// Whatever it holds, the raw read and database/sql agree.
func FuzzASNByTokenFor(f *testing.F) {
	fx := openTokenFixture(f)
	for i, tok := range fx.tokens {
		f.Add(tok, uint64(i%3))
	}
	f.Add("", uint64(math.MaxInt64)+1)
	f.Fuzz(func(t *testing.T, token string, campaign uint64) {
		fx.sameRead(t, token, uint(campaign))
	})
}

// BenchmarkASNByTokenFor: the signing page's read of the person behind
// a token, from the raw connections and through database/sql, over a
// roster of 10,000 (a tenth signed), as concurrent visits make it.
func BenchmarkASNByTokenFor(b *testing.B) {
	ctx := context.Background()
	st, err := Open(ctx, Options{DSN: filepath.Join(b.TempDir(), "ikrar.db"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const n = 10000
	tokens := make([]string, n)
	err = st.w.Transaction(func(tx *gorm.DB) error {
		for i := range tokens {
			tokens[i] = fmt.Sprintf("tok-bench-%022d", i)
			if err := tx.Exec("INSERT INTO asns (nip, name, position, department_id, kind, active, token, access_code) VALUES (?, ?, ?, ?, 'PNS', true, ?, 'ABCDEFGH')",
				fmt.Sprintf("1980010120050%05d", i), fmt.Sprintf("Pegawai Nomor %d", i), "Analis Kebijakan Ahli Muda", i%200+1, tokens[i]).Error; err != nil {
				return err
			}
			if i%10 == 0 {
				if err := tx.Exec("INSERT INTO signatures (asn_id, campaign_id, department_id, signed_at, typed_name, pledge_hash, cert_code) VALUES (?, 1, 1, ?, 'x', 'h', ?)",
					i+1, time.Now(), fmt.Sprint("IKR-", i)).Error; err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		read func(string) error
	}{
		{"raw", func(tok string) error { _, _, err := st.ASNByTokenFor(ctx, tok, 1); return err }},
		{"database-sql", func(tok string) error { _, _, err := st.asnByTokenSQL(ctx, tok, 1); return err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := processCPU(b)
			defer func() { b.ReportMetric(float64(processCPU(b)-cpu)/float64(b.N), "cpu-ns/op") }()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					i = (i + 7919) % n
					if err := bc.read(tokens[i]); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// processCPU is the CPU time the process has used (all threads, user
// and system): with parallel readers ns/op is wall time, which hides
// what each read costs the machine.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
