package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"gorm.io/gorm"
)

// A roster import goes through a staging table so that its memory does not
// grow with the file: the rows are written to a temporary table as they are
// read and validated (Add), and the import is then applied from it in one
// transaction (Apply) with a few set-based statements, all or nothing.
// Before, the whole file, the whole existing roster and every new entry were
// held in Go at once: 1.26 GB for 1,000,000 rows.
//
// The staged rows cost no write-ahead log, no fsync and no lock on the
// roster while the file is read. On SQLite they go to a file of their own
// next to the database, through a connection of their own, and Apply
// attaches that file to the writer for its transaction (an earlier version
// used a TEMP table on the writer's one connection: after a million
// signatures had gone through that connection, creating the next TEMP
// table failed with "database disk image is malformed"). On PostgreSQL
// they go to a TEMP table on one connection of the pool, held for the
// stage's lifetime, which Apply's transaction also uses.

// stageBatch is how many rows one staging INSERT carries (10 values each,
// well under SQLite's and PostgreSQL's limits on bound parameters).
const stageBatch = 500

var stageSeq atomic.Uint64 // names the temporary tables of concurrent imports

// RosterStage is a roster import being staged. Make one with StageRoster,
// feed it rows with Add, then Apply it; Close it in every case.
type RosterStage struct {
	s     *Store
	db    *gorm.DB  // where Apply runs: the writer (SQLite) or conn (PostgreSQL)
	conn  *sql.Conn // PostgreSQL: the connection holding the TEMP tables, released by Close
	pool  stagePool // where rows are staged: conn, or fileDB
	table string    // the staged rows as Apply names them
	local string    // the same table as pool names it
	// SQLite: the rows are staged in a file of their own next to the
	// database, through a connection of their own (fileDB), so staging
	// never waits for or holds the writer; Apply attaches the file to the
	// writer as schema for its transaction, Close detaches and removes it.
	file, schema string
	fileDB       *sql.DB
	// lock holds the file's flock until Close has removed it: a stage
	// file nobody locks was left by an import that died (stagefile.go).
	lock     *os.File
	attached bool
	newTok   func() string
	newCode  func() string

	full *sql.Stmt // INSERT of a full batch, prepared once
	buf  []any     // values of the batch being filled
	n    int       // rows in buf
	rows int       // rows added

	// Batches are written by a goroutine of their own while the caller
	// reads and validates the next ones: on two cores that overlaps the
	// parsing with SQLite's work.
	pending chan []any
	written chan error
	failed  atomic.Bool
	done    bool
	werr    error

	units   []stageUnit    // department names in the file, in order of first appearance
	unitIx  map[string]int // lower-case name → index in units
	parents []parentLink   // distinct (unit, parent) pairs, first line of each; Child.Name is the unit's key
	seenPar map[[2]string]bool
}

type stageUnit struct {
	name string // as first written in the file
	line int
}

// StageRoster starts a staged import. NewToken and NewAccessCode of o make
// the credentials of people new to the roster (an import that adds nobody
// may leave them nil).
func (s *Store) StageRoster(ctx context.Context, o ImportOptions) (*RosterStage, error) {
	n := strconv.FormatUint(stageSeq.Add(1), 10)
	st := &RosterStage{s: s, newTok: o.NewToken, newCode: o.NewAccessCode, unitIx: map[string]int{}, seenPar: map[[2]string]bool{}}
	st.db = s.w.WithContext(ctx)
	if s.d.multiWriter() {
		pool, err := s.w.DB()
		if err != nil {
			return nil, fmt.Errorf("stage roster: %w", err)
		}
		if st.conn, err = pool.Conn(ctx); err != nil {
			return nil, fmt.Errorf("stage roster: connection: %w", err)
		}
		st.db = s.w.Session(&gorm.Session{Context: ctx, NewDB: true})
		st.db.Statement.ConnPool = st.conn
		st.pool, st.table, st.local = st.conn, "roster_stage_"+n, "roster_stage_"+n
	} else {
		var err error
		if st.file, st.lock, err = createStageFile(filepath.Dir(s.dsn)); err != nil {
			return nil, fmt.Errorf("stage roster: %w", err)
		}
		st.schema = "stage_" + n
		if st.fileDB, err = sql.Open("sqlite3", "file:"+st.file+"?_journal_mode=OFF&_synchronous=OFF"); err != nil {
			os.Remove(st.file)
			st.lock.Close()
			return nil, fmt.Errorf("stage roster: %w", err)
		}
		st.fileDB.SetMaxOpenConns(1)
		st.pool, st.table, st.local = st.fileDB, st.schema+".roster", "roster"
		if _, err := st.fileDB.ExecContext(ctx, "PRAGMA cache_size = -16384"); err != nil {
			st.Close()
			return nil, fmt.Errorf("stage roster: %w", err)
		}
	}
	if err := st.s.d.importCache(st.db, true); err != nil {
		st.Close()
		return nil, err
	}
	temp := ""
	if st.conn != nil {
		temp = "TEMP "
	}
	// seq keeps the file's order (new people get ids in that order, as
	// before); nip is unique, which also makes the deactivation's "not in
	// the file" a lookup.
	for _, q := range []string{
		`CREATE ` + temp + `TABLE ` + st.local + ` (seq INTEGER PRIMARY KEY, line INTEGER NOT NULL,
		nip VARCHAR(18) NOT NULL UNIQUE, name TEXT NOT NULL, position TEXT NOT NULL, unit INTEGER NOT NULL,
		kind TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, token TEXT NOT NULL, access_code TEXT NOT NULL)`,
		`CREATE ` + temp + `TABLE ` + st.local + `_units (unit INTEGER PRIMARY KEY, department_id INTEGER NOT NULL)`,
	} {
		if _, err := st.pool.ExecContext(ctx, q); err != nil {
			st.Close()
			return nil, fmt.Errorf("stage roster: create table: %w", err)
		}
	}
	return st, nil
}

// stagePool is what rows are staged through: *sql.Conn or *sql.DB.
type stagePool interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

const stageCols = 11

func (st *RosterStage) insertSQL(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + st.local + " (seq, line, nip, name, position, unit, kind, email, phone, token, access_code) VALUES ")
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(placeholders(i*stageCols, stageCols, ""))
	}
	return st.s.d.rebind(b.String())
}

// Add stages one validated row.
func (st *RosterStage) Add(ctx context.Context, r ImportRow) error {
	if st.failed.Load() {
		return st.finish(ctx)
	}
	key := strings.ToLower(r.Department)
	u, ok := st.unitIx[key]
	if !ok {
		u = len(st.units)
		st.unitIx[key] = u
		st.units = append(st.units, stageUnit{name: r.Department, line: r.Line})
	}
	if r.Parent != "" && !st.seenPar[[2]string{key, r.Parent}] {
		st.seenPar[[2]string{key, r.Parent}] = true
		st.parents = append(st.parents, parentLink{Line: r.Line, Column: "unit_induk", Child: &Department{Name: key}, Parent: r.Parent})
	}
	st.rows++
	// The token and access code are made by the writer (nil here).
	st.buf = append(st.buf, st.rows, r.Line, r.NIP, r.Name, r.Position, u, r.Kind, r.Email, r.Phone, nil, nil)
	st.n++
	if st.n == stageBatch {
		st.send(ctx)
	}
	return nil
}

// send hands the filled batch to the writer goroutine.
func (st *RosterStage) send(ctx context.Context) {
	if st.pending == nil {
		st.pending = make(chan []any, 2)
		st.written = make(chan error, 1)
		go st.writer(ctx)
	}
	st.pending <- st.buf
	st.buf = make([]any, 0, stageBatch*stageCols)
	st.n = 0
}

// writer inserts batches until pending closes, then reports its first
// error; after an error it only drains.
func (st *RosterStage) writer(ctx context.Context) {
	var err error
	for vals := range st.pending {
		if err != nil {
			continue
		}
		if err = st.insert(ctx, vals); err != nil {
			st.failed.Store(true)
		}
	}
	st.written <- err
}

// finish writes what is left and waits for the writer.
func (st *RosterStage) finish(ctx context.Context) error {
	if st.done {
		return st.werr
	}
	st.done = true
	if st.n > 0 && !st.failed.Load() {
		st.send(ctx)
	}
	if st.pending != nil {
		close(st.pending)
		st.werr = <-st.written
	}
	return st.werr
}

func (st *RosterStage) insert(ctx context.Context, vals []any) error {
	rows := len(vals) / stageCols
	for i := range rows {
		vals[i*stageCols+9], vals[i*stageCols+10] = "", ""
		if st.newTok != nil && st.newCode != nil {
			vals[i*stageCols+9], vals[i*stageCols+10] = st.newTok(), st.newCode()
		}
	}
	pool := st.pool
	var err error
	if rows == stageBatch {
		if st.full == nil {
			if st.full, err = pool.PrepareContext(ctx, st.insertSQL(stageBatch)); err != nil {
				return fmt.Errorf("stage roster: prepare: %w", err)
			}
		}
		_, err = st.full.ExecContext(ctx, vals...)
	} else {
		_, err = pool.ExecContext(ctx, st.insertSQL(rows), vals...)
	}
	if err != nil {
		if isUniqueViolation(err) {
			return fmt.Errorf("stage roster: a NIP appears twice near line %v: %w", vals[1], err)
		}
		return fmt.Errorf("stage roster: %w", err)
	}
	return nil
}

// Close drops the staged rows and gives the connection back.
func (st *RosterStage) Close() error {
	st.finish(context.Background()) // its error was Apply's to report
	if st.full != nil {
		st.full.Close()
	}
	// A fresh context: the tables must go even when the import's was
	// cancelled, or they would stay on the connection until it closes.
	ctx := context.Background()
	db := st.db.WithContext(ctx)
	err := st.s.d.importCache(db, false)
	if st.conn != nil {
		_, e1 := st.conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+st.local)
		_, e2 := st.conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+st.local+"_units")
		err = errors.Join(err, e1, e2, st.conn.Close())
	}
	if st.fileDB != nil {
		err = errors.Join(err, st.fileDB.Close())
	}
	if st.attached {
		err = errors.Join(err, db.Exec("DETACH DATABASE "+st.schema).Error)
	}
	if st.file != "" {
		err = errors.Join(err, os.Remove(st.file))
	}
	if st.lock != nil {
		st.lock.Close()
	}
	return err
}

// attach makes the staging file visible to the writer (SQLite).
func (st *RosterStage) attach(ctx context.Context) error {
	if st.fileDB == nil || st.attached {
		return nil
	}
	if err := st.fileDB.Close(); err != nil {
		return fmt.Errorf("stage roster: %w", err)
	}
	st.fileDB = nil
	db := st.db.WithContext(ctx)
	if err := db.Exec("ATTACH DATABASE ? AS "+st.schema, st.file).Error; err != nil {
		return fmt.Errorf("stage roster: attach: %w", err)
	}
	st.attached = true
	// The staged rows are thrown away after the import: no journal.
	if err := db.Exec("PRAGMA " + st.schema + ".journal_mode = OFF").Error; err != nil {
		return fmt.Errorf("stage roster: %w", err)
	}
	return db.Exec("PRAGMA " + st.schema + ".synchronous = OFF").Error
}

// Apply imports the staged roster in one transaction: it all lands or none
// of it does (with o.DryRun, none of it, and the result says what would
// have). Existing tokens, access codes and signatures are kept.
func (st *RosterStage) Apply(ctx context.Context, actor, source string, o ImportOptions) (ImportResult, error) {
	if err := st.finish(ctx); err != nil {
		return ImportResult{}, err
	}
	if err := st.attach(ctx); err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	errDryRun := errors.New("dry run")
	now := st.s.now().UTC()
	err := st.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		if err := st.applyUnits(tx, &res); err != nil {
			return err
		}
		if err := st.count(tx, &res); err != nil {
			return err
		}
		if res.Added > 0 && (st.newTok == nil || st.newCode == nil) {
			return errors.New("import roster: new people need ImportOptions.NewToken and NewAccessCode")
		}
		if o.DeactivateMissing {
			if err := st.listDeactivated(tx, &res); err != nil {
				return err
			}
			res.Deactivated = len(res.DeactivatedList)
			if !o.DryRun && IsMassDeactivation(len(res.DeactivatedList), res.ActiveBefore) && o.ConfirmDeactivate != len(res.DeactivatedList) {
				return &MassDeactivationError{Count: len(res.DeactivatedList), Active: res.ActiveBefore}
			}
		}
		if err := st.write(tx, now, res.Added, o.DeactivateMissing); err != nil {
			return err
		}
		if o.DryRun {
			return errDryRun
		}
		_, err := appendEvent(tx, st.s.now(), actor, "roster.imported", "roster:"+source, audit.Detail(map[string]string{
			"rows": strconv.Itoa(st.rows), "added": strconv.Itoa(res.Added), "updated": strconv.Itoa(res.Updated),
			"deactivated": strconv.Itoa(res.Deactivated), "new_departments": strconv.Itoa(len(res.NewDepartments)),
		}))
		if err != nil {
			return err
		}
		return emitEvent(tx, st.s.now(), EventRosterImported, map[string]any{"source": source, "actor": actor, "rows": st.rows,
			"added": res.Added, "updated": res.Updated, "unchanged": res.Unchanged, "deactivated": res.Deactivated, "new_units": res.NewDepartments})
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return res, err
}

// applyUnits creates the file's new units, applies its unit_induk column
// and records which unit each staged row belongs to.
func (st *RosterStage) applyUnits(tx *gorm.DB, res *ImportResult) error {
	var depts []Department
	if err := tx.Find(&depts).Error; err != nil {
		return fmt.Errorf("read departments: %w", err)
	}
	byName := map[string]uint{}
	codes := map[string]bool{}
	for _, d := range depts {
		byName[strings.ToLower(d.Name)] = d.ID
		codes[d.Code] = true
	}
	ids := make([]uint, len(st.units))
	for i, u := range st.units {
		key := strings.ToLower(u.name)
		if id, ok := byName[key]; ok {
			ids[i] = id
			continue
		}
		d := Department{Code: uniqueCode(DepartmentCode(u.name), codes), Name: u.name}
		if err := tx.Create(&d).Error; err != nil {
			return fmt.Errorf("import roster line %d: create department %q: %w", u.line, u.name, err)
		}
		codes[d.Code] = true
		byName[key] = d.ID
		ids[i] = d.ID
		res.NewDepartments = append(res.NewDepartments, d.Name)
	}
	if len(st.parents) > 0 {
		ix, err := loadUnitIndex(tx)
		if err != nil {
			return err
		}
		links := make([]parentLink, len(st.parents))
		for i, l := range st.parents {
			links[i] = l
			links[i].Child = ix.byName[l.Child.Name]
		}
		moved, err := applyParents(tx, ix, links)
		if err != nil {
			return err
		}
		res.Moved = len(moved)
	}
	for start := 0; start < len(ids); start += stageBatch {
		end := min(start+stageBatch, len(ids))
		var q strings.Builder
		args := make([]any, 0, 2*(end-start))
		q.WriteString("INSERT INTO " + st.table + "_units (unit, department_id) VALUES ")
		for i := start; i < end; i++ {
			if i > start {
				q.WriteString(", ")
			}
			q.WriteString("(?, ?)")
			args = append(args, i, ids[i])
		}
		if err := tx.Exec(q.String(), args...).Error; err != nil {
			return fmt.Errorf("stage roster units: %w", err)
		}
	}
	return nil
}

// sameEntry is the condition under which roster entry a already says what
// staged row s says (u is the unit s is in): such an entry is unchanged.
func sameEntry(a string) string {
	return a + ".active = true AND " + a + ".name = s.name AND " + a + ".position = s.position AND " + a + ".department_id = u.department_id AND " +
		a + ".kind = s.kind AND COALESCE(" + a + ".email, '') = s.email AND COALESCE(" + a + ".phone, '') = s.phone"
}

// count fills the result's figures from the staged rows and the roster as
// it is before the import.
func (st *RosterStage) count(tx *gorm.DB, res *ImportResult) error {
	var active int64
	if err := tx.Model(&ASN{}).Where("active = ?", true).Count(&active).Error; err != nil {
		return fmt.Errorf("count active roster: %w", err)
	}
	res.ActiveBefore = int(active)
	var c struct{ Total, Added, Reactivated, Unchanged, MovedSigned int }
	err := tx.Raw(`SELECT COUNT(*) AS total,
		COALESCE(SUM(CASE WHEN a.id IS NULL THEN 1 ELSE 0 END), 0) AS added,
		COALESCE(SUM(CASE WHEN a.id IS NOT NULL AND a.active = false THEN 1 ELSE 0 END), 0) AS reactivated,
		COALESCE(SUM(CASE WHEN a.id IS NOT NULL AND ` + sameEntry("a") + ` THEN 1 ELSE 0 END), 0) AS unchanged,
		COALESCE(SUM(CASE WHEN a.id IS NOT NULL AND a.department_id <> u.department_id
			AND EXISTS (SELECT 1 FROM signatures g WHERE g.asn_id = a.id AND g.revoked = false) THEN 1 ELSE 0 END), 0) AS moved_signed
		FROM ` + st.table + ` s JOIN ` + st.table + `_units u ON u.unit = s.unit LEFT JOIN asns a ON a.nip = s.nip`).Scan(&c).Error
	if err != nil {
		return fmt.Errorf("compare roster with the file: %w", err)
	}
	res.Added, res.Reactivated, res.Unchanged, res.MovedSigned = c.Added, c.Reactivated, c.Unchanged, c.MovedSigned
	res.Updated = c.Total - c.Added - c.Unchanged
	return nil
}

// listDeactivated lists the active people absent from the file, by
// department and name, for the preview and the mass-deactivation check.
func (st *RosterStage) listDeactivated(tx *gorm.DB, res *ImportResult) error {
	rows, err := tx.Raw(`SELECT a.nip, a.name, COALESCE(d.name, ''),
		EXISTS (SELECT 1 FROM signatures g WHERE g.asn_id = a.id AND g.revoked = false)
		FROM asns a LEFT JOIN departments d ON d.id = a.department_id
		WHERE a.active = true AND NOT EXISTS (SELECT 1 FROM ` + st.table + ` s WHERE s.nip = a.nip)`).Rows()
	if err != nil {
		return fmt.Errorf("list people to deactivate: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e DeactivatedEntry
		if err := rows.Scan(&e.NIP, &e.Name, &e.Department, &e.Signed); err != nil {
			return fmt.Errorf("list people to deactivate: %w", err)
		}
		res.DeactivatedList = append(res.DeactivatedList, e)
		if e.Signed {
			res.DeactivatedSigned++
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list people to deactivate: %w", err)
	}
	// Sorted here, not in SQL, so both databases order names the same way
	// (byte order) whatever PostgreSQL's collation.
	slices.SortFunc(res.DeactivatedList, func(x, y DeactivatedEntry) int {
		return cmp.Or(cmp.Compare(x.Department, y.Department), cmp.Compare(x.Name, y.Name), cmp.Compare(x.NIP, y.NIP))
	})
	return nil
}

// write changes the roster: entries that differ from the file are updated
// (and reactivated), new ones inserted in the file's order, and with
// deactivate the active entries absent from the file deactivated.
func (st *RosterStage) write(tx *gorm.DB, now time.Time, added int, deactivate bool) error {
	if err := tx.Exec(`UPDATE asns SET name = s.name, position = s.position, department_id = u.department_id, kind = s.kind,
		email = s.email, phone = s.phone, active = true, updated_at = ?
		FROM `+st.table+` s JOIN `+st.table+`_units u ON u.unit = s.unit
		WHERE asns.nip = s.nip AND NOT (`+sameEntry("asns")+`)`, now).Error; err != nil {
		return fmt.Errorf("import roster: update changed entries: %w", err)
	}
	// A large import counts its units once at the end instead of once
	// per new person in a trigger (which made a 1,000,000-row import
	// about 2.5 s slower); see counts.go.
	pause := added > 1000
	if pause {
		if err := st.s.d.pauseRosterCount(tx, true); err != nil {
			return fmt.Errorf("import roster: %w", err)
		}
	}
	if err := tx.Exec(`INSERT INTO asns (nip, name, position, department_id, kind, email, phone, active, token, access_code, created_at, updated_at)
		SELECT s.nip, s.name, s.position, u.department_id, s.kind, s.email, s.phone, true, s.token, s.access_code, ?, ?
		FROM `+st.table+` s JOIN `+st.table+`_units u ON u.unit = s.unit
		WHERE NOT EXISTS (SELECT 1 FROM asns a WHERE a.nip = s.nip) ORDER BY s.seq`, now, now).Error; err != nil {
		return fmt.Errorf("import roster: insert new entries: %w", err)
	}
	if pause {
		if err := st.s.d.pauseRosterCount(tx, false); err != nil {
			return fmt.Errorf("import roster: %w", err)
		}
		if err := recountRoster(tx); err != nil {
			return err
		}
	}
	if deactivate {
		if err := tx.Exec(`UPDATE asns SET active = false, updated_at = ?
			WHERE active = true AND NOT EXISTS (SELECT 1 FROM `+st.table+` s WHERE s.nip = asns.nip)`, now).Error; err != nil {
			return fmt.Errorf("import roster: deactivate: %w", err)
		}
	}
	return nil
}
