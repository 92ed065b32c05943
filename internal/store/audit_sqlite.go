//go:build cgo

package store

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// The few SQLite functions the raw readers need (audit verify's batch
// reader here, the signing token read of hotread_sqlite.go). Their code
// is the amalgamation github.com/mattn/go-sqlite3 compiles into every
// binary that uses it (the database/sql driver of this package), so they
// are declared here, not built a second time.
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef int64_t sqlite3_int64;
int sqlite3_open_v2(const char *filename, sqlite3 **db, int flags, const char *vfs);
int sqlite3_close_v2(sqlite3 *db);
int sqlite3_busy_timeout(sqlite3 *db, int ms);
const char *sqlite3_errmsg(sqlite3 *db);
int sqlite3_exec(sqlite3 *db, const char *sql, void *cb, void *arg, char **errmsg);
int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **stmt, const char **tail);
int sqlite3_finalize(sqlite3_stmt *stmt);
int sqlite3_reset(sqlite3_stmt *stmt);
int sqlite3_bind_int64(sqlite3_stmt *stmt, int i, sqlite3_int64 v);
int sqlite3_bind_text(sqlite3_stmt *stmt, int i, const char *s, int n, void (*destructor)(void *));
int sqlite3_clear_bindings(sqlite3_stmt *stmt);
int sqlite3_step(sqlite3_stmt *stmt);
int sqlite3_column_count(sqlite3_stmt *stmt);
const char *sqlite3_column_decltype(sqlite3_stmt *stmt, int i);
typedef struct sqlite3_value sqlite3_value;
sqlite3_value *sqlite3_column_value(sqlite3_stmt *stmt, int i);
int sqlite3_value_type(sqlite3_value *v);
sqlite3_int64 sqlite3_value_int64(sqlite3_value *v);
double sqlite3_value_double(sqlite3_value *v);
const void *sqlite3_value_blob(sqlite3_value *v);
const unsigned char *sqlite3_value_text(sqlite3_value *v);
int sqlite3_value_bytes(sqlite3_value *v);

enum { IKR_FULL = -1, IKR_INTEGER = 1, IKR_FLOAT = 2, IKR_TEXT = 3, IKR_BLOB = 4, IKR_NULL = 5, IKR_ROW = 100, IKR_DONE = 101 };

// ikr_pack_row writes the current row at p, if it fits before end: per
// column a type byte, then 8 bytes (integer, float) or a 4-byte length
// and the bytes (text, blob), in the machine's byte order. It returns
// the end of what it wrote, or NULL and the row's size in *need.
static unsigned char *ikr_pack_row(sqlite3_stmt *st, int cols, unsigned char *p, unsigned char *end, int64_t *need) {
	unsigned char *start = p;
	int64_t size = 0;
	for (int i = 0; i < cols; i++) {
		// One lookup of the column, then its value read directly: the
		// sqlite3_column_* calls each look it up again. The value is
		// unprotected, safe where no other thread uses the connection.
		sqlite3_value *v = sqlite3_column_value(st, i);
		int t = sqlite3_value_type(v);
		const void *b = NULL;
		uint32_t n = 0;
		switch (t) {
		case IKR_INTEGER: case IKR_FLOAT: size += 9; break;
		case IKR_NULL: size += 1; break;
		default:
			// The pointer first, then the size: the order SQLite's
			// documentation gives for reading a value unconverted.
			b = t == IKR_TEXT ? (const void *)sqlite3_value_text(v) : sqlite3_value_blob(v);
			n = (uint32_t)sqlite3_value_bytes(v);
			size += 5 + (int64_t)n;
		}
		if (p == NULL || size > end - start) { // measure the rest of the row
			p = NULL;
			continue;
		}
		*p++ = (unsigned char)t;
		if (t == IKR_INTEGER) {
			sqlite3_int64 x = sqlite3_value_int64(v);
			memcpy(p, &x, 8);
			p += 8;
		} else if (t == IKR_FLOAT) {
			double x = sqlite3_value_double(v);
			memcpy(p, &x, 8);
			p += 8;
		} else if (t != IKR_NULL) {
			memcpy(p, &n, 4);
			p += 4;
			if (n > 0) memcpy(p, b, n);
			p += n;
		}
	}
	*need = size;
	return p;
}

// ikr_pack steps st and packs up to max rows into buf (cap bytes). If
// pending, st is already on a row that an earlier call could not fit.
// It returns IKR_ROW when it stopped on a row that did not fit (call
// again with pending and room for *need more bytes), IKR_DONE at the end
// of the results, 0 after max rows, or SQLite's error code.
static int ikr_pack(sqlite3_stmt *st, int pending, unsigned char *buf, int64_t cap, int max, int *rows, int64_t *used, int64_t *need) {
	int cols = sqlite3_column_count(st);
	unsigned char *p = buf, *end = buf + cap;
	*rows = 0;
	while (*rows < max) {
		if (!pending) {
			int rc = sqlite3_step(st);
			if (rc != IKR_ROW) {
				*used = p - buf;
				return rc;
			}
		}
		pending = 0;
		unsigned char *next = ikr_pack_row(st, cols, p, end, need);
		if (next == NULL) {
			*used = p - buf;
			return IKR_ROW;
		}
		p = next;
		(*rows)++;
	}
	*used = p - buf;
	return 0;
}

// ikr_pack_ids packs the row st finds for each of ids[*done:n] (bound
// to its one parameter; none when there is none), advancing *done. It
// returns IKR_DONE when all are read, IKR_ROW when a row did not fit
// (call again from *done with room for *need more bytes), or SQLite's
// error code.
static int ikr_pack_ids(sqlite3_stmt *st, const int64_t *ids, int n, int *done, unsigned char *buf, int64_t cap, int64_t *used, int64_t *need) {
	int cols = sqlite3_column_count(st);
	unsigned char *p = buf, *end = buf + cap;
	int rc = IKR_DONE;
	for (; *done < n; (*done)++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, ids[*done]);
		rc = sqlite3_step(st);
		if (rc == IKR_DONE) continue;
		if (rc != IKR_ROW) break;
		unsigned char *next = ikr_pack_row(st, cols, p, end, need);
		if (next == NULL) break;
		p = next;
		rc = IKR_DONE;
	}
	*used = p - buf;
	sqlite3_reset(st);
	return rc;
}

// ikr_pack_keyed runs st with an integer and a text bound to its
// parameters 1 and 2 and packs its first row into buf (cap bytes): a
// whole point read in one call into C. It returns IKR_ROW with the row's
// size in *used, IKR_DONE when there is no row, IKR_FULL when the row
// needs *need bytes, or SQLite's error code. st is reset before it
// returns, which ends its read transaction (a statement left on its row
// would keep its connection on an old WAL snapshot), and the text is
// unbound: it is bound without a copy (SQLITE_STATIC), and SQLite keeps
// no pointer to the caller's memory after the call.
static int ikr_pack_keyed(sqlite3_stmt *st, int64_t k, const char *s, int n, unsigned char *buf, int64_t cap, int64_t *used, int64_t *need) {
	sqlite3_bind_int64(st, 1, k);
	sqlite3_bind_text(st, 2, n > 0 ? s : "", n, NULL);
	int rc = sqlite3_step(st);
	*used = 0;
	if (rc == IKR_ROW) {
		unsigned char *end = ikr_pack_row(st, sqlite3_column_count(st), buf, buf + cap, need);
		if (end == NULL) rc = IKR_FULL;
		else *used = end - buf;
	}
	sqlite3_reset(st);
	// Unbound with clear_bindings, which leaves the connection's error
	// message alone (a bind clears it) for the caller to read.
	sqlite3_clear_bindings(st);
	return rc;
}
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/ikrar/ikrar/internal/audit"
)

// sqliteBatchReader reads the audit chain and the signature rows audit
// verify compares on a read-only connection of its own, below
// database/sql: a whole batch of rows is stepped and packed into one Go
// buffer per call into C. Through database/sql and the driver every
// column of every row is three calls into C and a conversion, which cost
// about 3 s per million events, fifteen times hashing them
// (docs/PERFORMANCE.md); here the cost per row is SQLite's own.
//
// It reads what the driver would return, converted as database/sql would
// scan it, for the column types ikrar writes; a batch holding anything
// else (a value of another type, written by hand) is reported as not
// plain and read again through database/sql, so the check and its
// messages stay the driver's.
type sqliteBatchReader struct {
	rawConn
	events *C.sqlite3_stmt // a batch of events after an id
	sig    *C.sqlite3_stmt // one signature row by id
	sigs   *C.sqlite3_stmt // the signature rows of an id range
	// boolean: signatures.revoked is declared boolean, which the driver
	// reads as v > 0; otherwise as an integer, which database/sql scans
	// into a bool only when it is 0 or 1 (tables made by GORM declare it
	// numeric).
	boolean bool
}

// errNotPlain: the rows hold a value of a type the batch reader does not
// convert; read them through database/sql.
var errNotPlain = errors.New("not plain")

// rawConn is a read-only SQLite connection of a raw reader's own.
type rawConn struct{ db *C.sqlite3 }

// openRawConn opens path, the file the store's connections have open
// (sqliteFile), read-only.
func openRawConn(path string) (rawConn, error) {
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return rawConn{}, fmt.Errorf("%s is not a database file", path)
	}
	// Read-only, and without SQLite's per-connection mutex: one
	// goroutine at a time uses a raw connection, and the mutex taken
	// around every column read was a third of audit verify's reading.
	const openReadOnly, openNoMutex = 0x1, 0x8000
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var c rawConn
	if rc := C.sqlite3_open_v2(cpath, &c.db, openReadOnly|openNoMutex, nil); rc != 0 {
		err := c.err("open", rc)
		c.close()
		return rawConn{}, err
	}
	C.sqlite3_busy_timeout(c.db, 10000)
	return c, nil
}

func (c rawConn) prepare(q string) (*C.sqlite3_stmt, error) {
	cq := C.CString(q)
	defer C.free(unsafe.Pointer(cq))
	var st *C.sqlite3_stmt
	if rc := C.sqlite3_prepare_v2(c.db, cq, -1, &st, nil); rc != 0 {
		return nil, c.err("prepare", rc)
	}
	return st, nil
}

func (c rawConn) err(what string, rc C.int) error {
	msg := "out of memory"
	if c.db != nil {
		msg = C.GoString(C.sqlite3_errmsg(c.db))
	}
	return fmt.Errorf("%s: %s (%d)", what, msg, int(rc))
}

// close closes the connection (ending any read transaction) once its
// statements are finalized.
func (c rawConn) close() {
	if c.db != nil {
		C.sqlite3_close_v2(c.db)
	}
}

// decltype is column i's declared type as the driver reads it (in lower
// case): mattn/go-sqlite3 converts a value by its column's declared type.
func decltype(st *C.sqlite3_stmt, i int) string {
	return strings.ToLower(C.GoString(C.sqlite3_column_decltype(st, C.int(i))))
}

// rawPointRead is one statement on a raw connection of its own that
// reads one row by an integer and a text (its parameters, in that
// order), in one call into C (ikr_pack_keyed). One goroutine at a time
// uses it.
type rawPointRead struct {
	rawConn
	st  *C.sqlite3_stmt
	buf []byte // the packed row, reused by each read
	// ikr_pack_keyed's results, here rather than in locals, which
	// escape to the heap when their addresses go to C (an allocation
	// per read).
	used, need C.int64_t
}

func openRawPointRead(path, query string) (*rawPointRead, error) {
	c, err := openRawConn(path)
	if err != nil {
		return nil, err
	}
	r := &rawPointRead{rawConn: c, buf: make([]byte, 512)}
	if r.st, err = r.prepare(query); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

// decltypes are the declared types of the statement's columns.
func (r *rawPointRead) decltypes() []string {
	t := make([]string, int(C.sqlite3_column_count(r.st)))
	for i := range t {
		t[i] = decltype(r.st, i)
	}
	return t
}

// row runs the statement for (k, s) and returns its row as ikr_pack_row
// packs it (see packed), in r's buffer, which the next read overwrites;
// found is false where there is none.
func (r *rawPointRead) row(k int64, s string) (row []byte, found bool, err error) {
	if len(s) > math.MaxInt32 {
		return nil, false, errNotPlain
	}
	var sp *C.char
	if len(s) > 0 {
		sp = (*C.char)(unsafe.Pointer(unsafe.StringData(s)))
	}
	for {
		rc := C.ikr_pack_keyed(r.st, C.int64_t(k), sp, C.int(len(s)), (*C.uchar)(unsafe.Pointer(&r.buf[0])), C.int64_t(len(r.buf)), &r.used, &r.need)
		switch rc {
		case C.IKR_ROW:
			return r.buf[:r.used], true, nil
		case C.IKR_DONE:
			return nil, false, nil
		case C.IKR_FULL: // read again into room for the row
			r.buf = make([]byte, int(r.need))
		default:
			return nil, false, r.err("step", rc)
		}
	}
}

func (r *rawPointRead) close() {
	if r.st != nil {
		C.sqlite3_finalize(r.st)
	}
	r.rawConn.close()
	*r = rawPointRead{}
}

// openSQLiteBatchReader opens path read-only. The caller begins its
// snapshot (begin) while no commit can land, like the other readers'.
func openSQLiteBatchReader(path string) (*sqliteBatchReader, error) {
	c, err := openRawConn(path)
	if err != nil {
		return nil, fmt.Errorf("batch reader: %w", err)
	}
	r := &sqliteBatchReader{rawConn: c}
	if r.events, err = r.prepare(sqlVerifyEvents); err == nil {
		r.sig, err = r.prepare("SELECT " + verifySignatureColumns + " WHERE s.id = ?")
	}
	if err == nil {
		r.sigs, err = r.prepare("SELECT " + verifySignatureColumns + " WHERE s.id BETWEEN ? AND ? ORDER BY s.id")
	}
	if err == nil && !r.declared() {
		err = errors.New("unexpected column types")
	}
	if err != nil {
		r.close()
		return nil, fmt.Errorf("batch reader: %w", err)
	}
	return r, nil
}

// declared tells whether the columns are declared as the conversions
// below assume (the driver converts by declared type).
func (r *sqliteBatchReader) declared() bool {
	isTime := func(t string) bool { return t == "datetime" || t == "timestamp" || t == "date" }
	r.boolean = decltype(r.sig, 9) == "boolean"
	return isTime(decltype(r.events, 1)) && isTime(decltype(r.sig, 3))
}

func (r *sqliteBatchReader) err(what string, rc C.int) error {
	return fmt.Errorf("batch reader: %w", r.rawConn.err(what, rc))
}

// begin starts the read transaction and its snapshot (at its first read).
func (r *sqliteBatchReader) begin() error {
	q := C.CString("BEGIN; SELECT COUNT(*) FROM audit_heads")
	defer C.free(unsafe.Pointer(q))
	if rc := C.sqlite3_exec(r.db, q, nil, nil, nil); rc != 0 {
		return r.err("begin", rc)
	}
	return nil
}

func (r *sqliteBatchReader) close() {
	if r == nil {
		return
	}
	if r.events != nil {
		C.sqlite3_finalize(r.events)
	}
	for _, st := range []*C.sqlite3_stmt{r.sig, r.sigs} {
		if st != nil {
			C.sqlite3_finalize(st)
		}
	}
	r.rawConn.close() // ends the read transaction
	*r = sqliteBatchReader{}
}

// pack steps st into buf (grown when full), up to limit rows, and
// returns the packed rows.
func (r *sqliteBatchReader) pack(st *C.sqlite3_stmt, limit int, buf []byte) ([]byte, error) {
	buf = buf[:cap(buf)]
	used, pending, rows := 0, 0, 0
	for {
		if used == len(buf) {
			buf = grow(buf, used, 1<<16)
		}
		var n C.int
		var u, need C.int64_t
		rc := C.ikr_pack(st, C.int(pending), (*C.uchar)(unsafe.Pointer(&buf[used])), C.int64_t(len(buf)-used), C.int(limit-rows), &n, &u, &need)
		used += int(u)
		rows += int(n)
		switch rc {
		case 0, C.IKR_DONE:
			return buf[:used], nil
		case C.IKR_ROW: // full
			buf, pending = grow(buf, used, max(len(buf), int(need))), 1
		default:
			return buf[:0], r.err("step", rc)
		}
	}
}

// grow keeps buf[:used] and makes room for n more bytes, all of its
// capacity in length.
func grow(buf []byte, used, n int) []byte {
	buf = slices.Grow(buf[:used], n)
	return buf[:cap(buf)]
}

// eventBatch reads up to n events after id, as sqlVerifyEvents does
// through database/sql, appending them to dst. Their strings point into
// buf, which it returns (grown if need be): the caller must not reuse
// buf while it uses them.
func (r *sqliteBatchReader) eventBatch(after uint64, n int, dst []audit.Stored, buf []byte) ([]audit.Stored, []byte, error) {
	C.sqlite3_reset(r.events)
	C.sqlite3_bind_int64(r.events, 1, C.int64_t(int64(after)))
	C.sqlite3_bind_int64(r.events, 2, C.int64_t(n))
	buf, err := r.pack(r.events, n, buf)
	C.sqlite3_reset(r.events) // ends the statement's read
	if err != nil {
		return dst, buf, err
	}
	p := packed{b: buf}
	for !p.done() {
		var e audit.Stored
		ok := p.uint64(&e.Seq) && p.time(&e.At) && p.text(&e.Actor) && p.text(&e.Action) && p.text(&e.Subject) &&
			p.text(&e.Detail) && p.text(&e.PrevHash) && p.text(&e.Hash)
		if !ok {
			return dst, buf, errNotPlain
		}
		dst = append(dst, e)
	}
	return dst, buf, nil
}

// signatures reads the signature rows of ids (those that exist), as
// sqlVerifySignatures does through database/sql, appending them to dst;
// where ids are dense, the rows of their whole range (the caller looks
// rows up by id). The rows point into buf, returned as for eventBatch.
func (r *sqliteBatchReader) signatures(ids []uint, dst []signatureWithNIP, buf []byte) ([]signatureWithNIP, []byte, error) {
	if len(ids) == 0 {
		return dst, buf, nil
	}
	lo, hi := slices.Min(ids), slices.Max(ids)
	if hi > math.MaxInt64 { // database/sql refuses such an argument: let it say so
		return dst, buf, errNotPlain
	}
	var err error
	if hi-lo < uint(2*len(ids)) {
		// One walk along the table: a lookup per id (a statement run,
		// and a descent of the table's tree) cost three times as much.
		C.sqlite3_reset(r.sigs)
		C.sqlite3_bind_int64(r.sigs, 1, C.int64_t(int64(lo)))
		C.sqlite3_bind_int64(r.sigs, 2, C.int64_t(int64(hi)))
		buf, err = r.pack(r.sigs, int(hi-lo+1), buf)
		C.sqlite3_reset(r.sigs)
	} else {
		buf, err = r.signaturesByID(ids, buf)
	}
	if err != nil {
		return dst, buf, err
	}
	p := packed{b: buf, boolean: r.boolean}
	n := len(dst)
	for !p.done() {
		dst = append(dst, signatureWithNIP{})
		sg := &dst[len(dst)-1]
		ok := p.uint(&sg.ID) && p.uint(&sg.CampaignID) && p.uint(&sg.DepartmentID) && p.time(&sg.SignedAt) && p.text(&sg.TypedName) &&
			p.bytes(&sg.DrawnPNG) && p.text(&sg.PledgeHash) && p.text(&sg.CertCode) && p.nullText(&sg.CertSHA256) && p.bool(&sg.Revoked) &&
			p.text(&sg.SignerNIP) && p.text(&sg.SignerName) && p.text(&sg.SignerPosition) && p.text(&sg.NIP)
		if !ok {
			return dst[:n], buf, errNotPlain
		}
	}
	return dst, buf, nil
}

// signaturesByID packs the signature row of each of ids (those that exist).
func (r *sqliteBatchReader) signaturesByID(ids []uint, buf []byte) ([]byte, error) {
	keys := make([]int64, len(ids))
	for i, id := range ids {
		keys[i] = int64(id)
	}
	buf = buf[:cap(buf)]
	used, done := 0, C.int(0)
	for {
		if used == len(buf) {
			buf = grow(buf, used, 1<<16)
		}
		var u, need C.int64_t
		rc := C.ikr_pack_ids(r.sig, (*C.int64_t)(unsafe.Pointer(&keys[0])), C.int(len(keys)), &done,
			(*C.uchar)(unsafe.Pointer(&buf[used])), C.int64_t(len(buf)-used), &u, &need)
		used += int(u)
		switch rc {
		case C.IKR_DONE:
			return buf[:used], nil
		case C.IKR_ROW: // full
			buf = grow(buf, used, max(len(buf), int(need)))
		default:
			return buf[:0], r.err("step", rc)
		}
	}
}

// packed reads the columns ikr_pack wrote. Text and blobs are not
// copied: strings and slices point into the buffer, which its owner
// does not write again while they are in use (see verifySegment.walk).
// A string per column, or a fresh buffer per batch, cost more than
// SQLite's reading (allocation, page faults, collection).
type packed struct {
	b       []byte
	off     int
	boolean bool // see sqliteBatchReader
}

func (p *packed) done() bool { return p.off >= len(p.b) }

// col reads the next column: its type, and its integer or its bytes.
func (p *packed) col() (t byte, v int64, b []byte) {
	t = p.b[p.off]
	p.off++
	switch t {
	case C.IKR_INTEGER, C.IKR_FLOAT:
		v = int64(binary.NativeEndian.Uint64(p.b[p.off:]))
		p.off += 8
	case C.IKR_TEXT, C.IKR_BLOB:
		n := int(binary.NativeEndian.Uint32(p.b[p.off:]))
		p.off += 4
		b = p.b[p.off : p.off+n : p.off+n]
		p.off += n
	}
	return t, v, b
}

func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// text: a TEXT column into a string.
func (p *packed) text(s *string) bool {
	t, _, b := p.col()
	*s = view(b)
	return t == C.IKR_TEXT
}

// nullText: TEXT or NULL ("") into a string, as nullString scans.
func (p *packed) nullText(s *string) bool {
	t, _, b := p.col()
	*s = view(b)
	return t == C.IKR_TEXT || t == C.IKR_NULL
}

// bytes: a BLOB, TEXT or NULL (nil) column into a byte slice, as
// database/sql scans each into a []byte.
func (p *packed) bytes(s *[]byte) bool {
	t, _, b := p.col()
	*s = b
	return t == C.IKR_BLOB || t == C.IKR_TEXT || t == C.IKR_NULL
}

// nullInt: an INTEGER or NULL column, telling which (sql.NullInt64's Valid).
func (p *packed) nullInt(valid *bool) bool {
	t, _, _ := p.col()
	*valid = t == C.IKR_INTEGER
	return t == C.IKR_INTEGER || t == C.IKR_NULL
}

func (p *packed) uint64(u *uint64) bool {
	t, v, _ := p.col()
	*u = uint64(v)
	return t == C.IKR_INTEGER && v >= 0
}

func (p *packed) uint(u *uint) bool {
	var v uint64
	ok := p.uint64(&v)
	*u = uint(v)
	return ok
}

// bool: an integer column into a bool (see sqliteBatchReader.boolean).
func (p *packed) bool(b *bool) bool {
	t, v, _ := p.col()
	*b = v > 0
	return t == C.IKR_INTEGER && (p.boolean || v == 0 || v == 1)
}

// time: a TEXT column declared as a time, which the driver parses.
func (p *packed) time(at *time.Time) bool {
	t, _, b := p.col()
	if t != C.IKR_TEXT {
		return false
	}
	*at = sqliteTime(view(b))
	return true
}

// sqliteTime parses a time as mattn/go-sqlite3 parses a TEXT column
// declared as a time (its SQLiteTimestampFormats in order, in UTC, the
// zero time if none fits). The form it writes, "2006-01-02
// 15:04:05.999999999-07:00" in UTC, is read by hand: time.ParseInLocation
// cost a tenth of a second per million events. FuzzSQLiteTime holds the
// two to the same result.
func sqliteTime(s string) time.Time {
	if t, ok := sqliteUTC(s); ok {
		return t
	}
	s = strings.TrimSuffix(s, "Z")
	for _, f := range sqliteTimeFormats {
		if t, err := time.ParseInLocation(f, s, time.UTC); err == nil {
			return t
		}
	}
	return time.Time{}
}

// sqliteTimeFormats are mattn/go-sqlite3's SQLiteTimestampFormats.
var sqliteTimeFormats = [...]string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// sqliteUTC reads "2006-01-02 15:04:05[.fraction of 1 to 9 digits]+00:00",
// or reports false.
func sqliteUTC(s string) (time.Time, bool) {
	if len(s) < 25 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' || !strings.HasSuffix(s, "+00:00") {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, sec := num(11, 2), num(14, 2), num(17, 2)
	frac := s[19 : len(s)-6]
	ns := 0
	switch {
	case frac == "":
	case len(frac) >= 2 && len(frac) <= 10 && frac[0] == '.':
		if ns = num(20, len(frac)-1); ns < 0 {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			ns *= 10
		}
	default:
		return time.Time{}, false
	}
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	days := [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[month-1]
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		days = 29
	}
	if day > days {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, ns, time.UTC), true
}
