package store

import (
	"fmt"

	"gorm.io/gorm"
)

// Completion counters. The completion rule (see CompletionByDepartment) is
// kept as two small tables that the database itself maintains with
// triggers, in the same transaction as every write that changes a figure:
//
//	roster_counts (department_id, n): active roster entries in the unit;
//	signed_counts (campaign_id, department_id, n): live (not revoked)
//	    signatures of the campaign whose signer is active and now in the unit;
//	signed_days (campaign_id, day, department_id, n): signatures made on
//	    each WIB day in each unit (the dashboard's daily chart).
//
// Reading them costs one row per unit, whatever the roster's size: the
// dashboard over 1,000,000 entries took ~110 ms counting indexes and now
// reads ~1,000 rows. Triggers rather than Go code at each write, so that no
// write path (signing batches, revocation, import, a move, a deactivation,
// `ikrar migrate`, or one added later) can forget them; RecountCompletion
// is the same rule as a direct count, and tests compare the two after
// every kind of change, on SQLite and PostgreSQL.
//
// Counters never drop data: they are derived, created empty and filled by
// a recount when their triggers are first installed (an existing database
// is counted once when it is opened by this version).

// countsVersion is the version of the triggers below. A database whose
// counters are of an older version (or have none) gets them installed and
// recounted when it is opened; raise it when a trigger changes.
//
// 2: on PostgreSQL, new signatures are counted by one statement-level
// trigger per INSERT instead of two row triggers per signature.
const countsVersion = 2

// sqliteAsnInsertTrigger is kept apart: a large import drops and recreates
// it in its transaction (see pauseRosterCount).
const sqliteAsnInsertTrigger = `CREATE TRIGGER IF NOT EXISTS count_asn_insert AFTER INSERT ON asns WHEN NEW.active BEGIN
	INSERT INTO roster_counts (department_id, n) VALUES (NEW.department_id, 1)
	ON CONFLICT (department_id) DO UPDATE SET n = roster_counts.n + 1;
END`

// sqliteUpsert adds excluded.n to an existing counter row.
const (
	upsertRoster = ` ON CONFLICT (department_id) DO UPDATE SET n = roster_counts.n + excluded.n`
	upsertSigned = ` ON CONFLICT (campaign_id, department_id) DO UPDATE SET n = signed_counts.n + excluded.n`
	upsertDay    = ` ON CONFLICT (campaign_id, day, department_id) DO UPDATE SET n = signed_days.n + excluded.n`
)

func (d sqliteDialect) countTriggers() []string {
	// In SQLite an INSERT … SELECT followed by ON CONFLICT needs a WHERE
	// clause (the parser would read ON as a join); every one below has one.
	signedOf := func(rec, sign string) string { // live signatures of the person in rec, in rec's unit
		return `INSERT INTO signed_counts (campaign_id, department_id, n) SELECT campaign_id, ` + rec + `.department_id, ` + sign + `
			FROM signatures WHERE asn_id = ` + rec + `.id AND revoked = false AND ` + rec + `.active` + upsertSigned + `;`
	}
	signerOf := func(rec, sign string) string { // the signature in rec, in its signer's unit now
		return `INSERT INTO signed_counts (campaign_id, department_id, n) SELECT ` + rec + `.campaign_id, department_id, ` + sign + `
			FROM asns WHERE id = ` + rec + `.asn_id AND active = true` + upsertSigned + `;`
	}
	return []string{
		sqliteAsnInsertTrigger,
		`CREATE TRIGGER IF NOT EXISTS count_asn_update AFTER UPDATE OF department_id, active ON asns
		WHEN OLD.department_id <> NEW.department_id OR OLD.active <> NEW.active BEGIN
			INSERT INTO roster_counts (department_id, n) SELECT OLD.department_id, -1 WHERE OLD.active` + upsertRoster + `;
			INSERT INTO roster_counts (department_id, n) SELECT NEW.department_id, 1 WHERE NEW.active` + upsertRoster + `;
			` + signedOf("OLD", "-1") + `
			` + signedOf("NEW", "1") + `
		END`,
		`CREATE TRIGGER IF NOT EXISTS count_asn_delete AFTER DELETE ON asns WHEN OLD.active BEGIN
			INSERT INTO roster_counts (department_id, n) SELECT OLD.department_id, -1 WHERE OLD.active` + upsertRoster + `;
			` + signedOf("OLD", "-1") + `
		END`,
		`CREATE TRIGGER IF NOT EXISTS count_signature_insert AFTER INSERT ON signatures WHEN NEW.revoked = false BEGIN
			` + signerOf("NEW", "1") + `
		END`,
		`CREATE TRIGGER IF NOT EXISTS count_signature_update AFTER UPDATE OF revoked ON signatures WHEN OLD.revoked <> NEW.revoked BEGIN
			` + signerOf("OLD", "CASE WHEN OLD.revoked THEN 0 ELSE -1 END") + `
			` + signerOf("NEW", "CASE WHEN NEW.revoked THEN 0 ELSE 1 END") + `
		END`,
		`CREATE TRIGGER IF NOT EXISTS count_signature_day_insert AFTER INSERT ON signatures BEGIN
			INSERT INTO signed_days (campaign_id, department_id, day, n) VALUES (NEW.campaign_id, NEW.department_id, ` + d.wibDay("NEW.signed_at") + `, 1)` + upsertDay + `;
		END`,
		`CREATE TRIGGER IF NOT EXISTS count_signature_day_delete AFTER DELETE ON signatures BEGIN
			INSERT INTO signed_days (campaign_id, department_id, day, n) VALUES (OLD.campaign_id, OLD.department_id, ` + d.wibDay("OLD.signed_at") + `, -1)` + upsertDay + `;
		END`,
		`CREATE TRIGGER IF NOT EXISTS count_signature_delete AFTER DELETE ON signatures WHEN OLD.revoked = false BEGIN
			` + signerOf("OLD", "-1") + `
		END`,
	}
}

// pauseRosterCount: SQLite has no way to switch a trigger off, but DDL is
// transactional, so the import drops the insert trigger inside its own
// transaction and creates it again before committing; no other writer
// can see it missing (there is one writer).
func (sqliteDialect) pauseRosterCount(tx *gorm.DB, pause bool) error {
	if pause {
		return tx.Exec(`DROP TRIGGER IF EXISTS count_asn_insert`).Error
	}
	return tx.Exec(sqliteAsnInsertTrigger).Error
}

func (d postgresDialect) countTriggers() []string {
	up := func(table, cols string) string {
		return ` ON CONFLICT (` + cols + `) DO UPDATE SET n = ` + table + `.n + EXCLUDED.n;`
	}
	return []string{
		`CREATE OR REPLACE FUNCTION ikrar_count_asn() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF TG_OP <> 'INSERT' AND OLD.active THEN
				INSERT INTO roster_counts (department_id, n) VALUES (OLD.department_id, -1)` + up("roster_counts", "department_id") + `
				INSERT INTO signed_counts (campaign_id, department_id, n) SELECT campaign_id, OLD.department_id, -1
					FROM signatures WHERE asn_id = OLD.id AND revoked = false` + up("signed_counts", "campaign_id, department_id") + `
			END IF;
			IF TG_OP <> 'DELETE' AND NEW.active THEN
				INSERT INTO roster_counts (department_id, n) VALUES (NEW.department_id, 1)` + up("roster_counts", "department_id") + `
				IF TG_OP = 'UPDATE' THEN
					INSERT INTO signed_counts (campaign_id, department_id, n) SELECT campaign_id, NEW.department_id, 1
						FROM signatures WHERE asn_id = NEW.id AND revoked = false` + up("signed_counts", "campaign_id, department_id") + `
				END IF;
			END IF;
			RETURN NULL;
		END $$`,
		// Revocation (UPDATE) and deletion, one row at a time: both are rare.
		`CREATE OR REPLACE FUNCTION ikrar_count_signature() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NOT OLD.revoked THEN
				INSERT INTO signed_counts (campaign_id, department_id, n) SELECT OLD.campaign_id, department_id, -1
					FROM asns WHERE id = OLD.asn_id AND active` + up("signed_counts", "campaign_id, department_id") + `
			END IF;
			IF TG_OP = 'UPDATE' AND NOT NEW.revoked THEN
				INSERT INTO signed_counts (campaign_id, department_id, n) SELECT NEW.campaign_id, department_id, 1
					FROM asns WHERE id = NEW.asn_id AND active` + up("signed_counts", "campaign_id, department_id") + `
			END IF;
			RETURN NULL;
		END $$`,
		`CREATE OR REPLACE FUNCTION ikrar_count_signature_day() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			INSERT INTO signed_days (campaign_id, department_id, day, n) VALUES (OLD.campaign_id, OLD.department_id, ` + d.wibDay("OLD.signed_at") + `, -1)` + upsertDay + `;
			RETURN NULL;
		END $$`,
		// New signatures, once per INSERT statement over the rows it
		// stored (its transition table): the group committer inserts a
		// batch in one statement, and two PL/pgSQL calls per row cost
		// PostgreSQL about 18 us of CPU per signature, this about 5 us
		// (inserts of 32 signatures, docs/PERFORMANCE.md). Rows
		// are summed per counter first, so each counter row is updated
		// once per batch (ON CONFLICT DO UPDATE may not touch a row twice
		// in one statement). The unit is looked up per row by primary key,
		// a plan that cannot turn into a scan of the roster.
		`CREATE OR REPLACE FUNCTION ikrar_count_signatures_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			INSERT INTO signed_counts (campaign_id, department_id, n)
				SELECT campaign_id, department_id, COUNT(*) FROM (SELECT campaign_id,
					(SELECT department_id FROM asns WHERE id = asn_id AND active) AS department_id FROM inserted WHERE NOT revoked) s
				WHERE department_id IS NOT NULL GROUP BY campaign_id, department_id` + up("signed_counts", "campaign_id, department_id") + `
			INSERT INTO signed_days (campaign_id, department_id, day, n)
				SELECT campaign_id, department_id, ` + d.wibDay("signed_at") + `, COUNT(*) FROM inserted GROUP BY 1, 2, 3` + upsertDay + `;
			RETURN NULL;
		END $$`,
		`DROP TRIGGER IF EXISTS count_signature_insert ON signatures`,
		`DROP TRIGGER IF EXISTS count_signature_day ON signatures`,
		`CREATE OR REPLACE TRIGGER count_signatures_inserted AFTER INSERT ON signatures REFERENCING NEW TABLE AS inserted
			FOR EACH STATEMENT EXECUTE FUNCTION ikrar_count_signatures_inserted()`,
		`CREATE OR REPLACE TRIGGER count_signature_day_delete AFTER DELETE ON signatures FOR EACH ROW EXECUTE FUNCTION ikrar_count_signature_day()`,
		`CREATE OR REPLACE TRIGGER count_asn_insert AFTER INSERT ON asns FOR EACH ROW WHEN (NEW.active) EXECUTE FUNCTION ikrar_count_asn()`,
		`CREATE OR REPLACE TRIGGER count_asn_update AFTER UPDATE OF department_id, active ON asns FOR EACH ROW
			WHEN (OLD.department_id <> NEW.department_id OR OLD.active <> NEW.active) EXECUTE FUNCTION ikrar_count_asn()`,
		`CREATE OR REPLACE TRIGGER count_asn_delete AFTER DELETE ON asns FOR EACH ROW WHEN (OLD.active) EXECUTE FUNCTION ikrar_count_asn()`,
		`CREATE OR REPLACE TRIGGER count_signature_update AFTER UPDATE OF revoked ON signatures FOR EACH ROW
			WHEN (OLD.revoked <> NEW.revoked) EXECUTE FUNCTION ikrar_count_signature()`,
		`CREATE OR REPLACE TRIGGER count_signature_delete AFTER DELETE ON signatures FOR EACH ROW WHEN (NOT OLD.revoked) EXECUTE FUNCTION ikrar_count_signature()`,
	}
}

// pauseRosterCount: disabling a trigger locks the table against other
// writers (not readers) until the transaction ends.
func (postgresDialect) pauseRosterCount(tx *gorm.DB, pause bool) error {
	if pause {
		return tx.Exec(`ALTER TABLE asns DISABLE TRIGGER count_asn_insert`).Error
	}
	return tx.Exec(`ALTER TABLE asns ENABLE TRIGGER count_asn_insert`).Error
}

// migrateCounts creates the counters and their triggers, and fills them
// by a recount the first time (and whenever countsVersion is raised).
func migrateCounts(db *gorm.DB) error {
	d := dialectOf(db)
	return db.Transaction(func(tx *gorm.DB) error {
		// Instances starting together on one PostgreSQL install once.
		if err := lockChain(tx); err != nil {
			return err
		}
		for _, q := range []string{
			`CREATE TABLE IF NOT EXISTS roster_counts (department_id BIGINT PRIMARY KEY, n BIGINT NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS signed_counts (campaign_id BIGINT NOT NULL, department_id BIGINT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (campaign_id, department_id))`,
			`CREATE TABLE IF NOT EXISTS count_versions (version INTEGER NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS signed_days (campaign_id BIGINT NOT NULL, day VARCHAR(10) NOT NULL, department_id BIGINT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (campaign_id, day, department_id))`,
		} {
			if err := tx.Exec(q).Error; err != nil {
				return fmt.Errorf("migrate database: completion counters: %w", err)
			}
		}
		var version []int
		if err := tx.Raw(`SELECT version FROM count_versions`).Scan(&version).Error; err != nil {
			return fmt.Errorf("migrate database: completion counters: %w", err)
		}
		if len(version) > 0 && version[0] >= countsVersion {
			return nil
		}
		for _, q := range d.countTriggers() {
			if err := tx.Exec(q).Error; err != nil {
				return fmt.Errorf("migrate database: completion counter triggers: %w", err)
			}
		}
		if err := recountRoster(tx); err != nil {
			return err
		}
		if err := tx.Exec(`DELETE FROM signed_counts`).Error; err != nil {
			return fmt.Errorf("recount signatures: %w", err)
		}
		if err := tx.Exec(`INSERT INTO signed_counts (campaign_id, department_id, n)
			SELECT s.campaign_id, a.department_id, COUNT(*) FROM signatures s JOIN asns a ON a.id = s.asn_id
			WHERE s.revoked = false AND a.active = true GROUP BY s.campaign_id, a.department_id`).Error; err != nil {
			return fmt.Errorf("recount signatures: %w", err)
		}
		if err := tx.Exec(`DELETE FROM signed_days`).Error; err != nil {
			return fmt.Errorf("recount signatures per day: %w", err)
		}
		if err := tx.Exec(`INSERT INTO signed_days (campaign_id, day, department_id, n)
			SELECT campaign_id, ` + d.wibDay("signed_at") + `, department_id, COUNT(*) FROM signatures GROUP BY 1, 2, 3`).Error; err != nil {
			return fmt.Errorf("recount signatures per day: %w", err)
		}
		if err := tx.Exec(`DELETE FROM count_versions`).Error; err != nil {
			return fmt.Errorf("migrate database: completion counters: %w", err)
		}
		if err := tx.Exec(`INSERT INTO count_versions (version) VALUES (?)`, countsVersion).Error; err != nil {
			return fmt.Errorf("migrate database: completion counters: %w", err)
		}
		return nil
	})
}

// recountRoster sets roster_counts from the roster itself.
func recountRoster(tx *gorm.DB) error {
	if err := tx.Exec(`DELETE FROM roster_counts`).Error; err != nil {
		return fmt.Errorf("recount roster: %w", err)
	}
	if err := tx.Exec(`INSERT INTO roster_counts (department_id, n)
		SELECT department_id, COUNT(*) FROM asns WHERE active = true GROUP BY department_id`).Error; err != nil {
		return fmt.Errorf("recount roster: %w", err)
	}
	return nil
}
