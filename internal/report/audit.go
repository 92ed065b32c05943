package report

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/excelcsv"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
)

// AuditQuery is the audit filter as people type it (page query or CLI
// flags). Dates are days in WIB, both ends included.
type AuditQuery struct {
	Kind, Actor, Unit, From, To string
}

// Filter resolves q into a store filter: the unit (by code) with its
// sub-units, the days as WIB midnight bounds. A bad date or an unknown unit
// is an error naming it in both languages.
func (q AuditQuery) Filter(ctx context.Context, st *store.Store) (store.AuditFilter, error) {
	f := store.AuditFilter{Kind: strings.TrimSpace(q.Kind), Actor: strings.TrimSpace(q.Actor)}
	day := func(s string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), wib.Zone)
		if err != nil {
			return time.Time{}, i18n.New("audit_date_invalid", s)
		}
		return t, nil
	}
	var err error
	if q.From != "" {
		if f.From, err = day(q.From); err != nil {
			return f, err
		}
	}
	if q.To != "" {
		if f.To, err = day(q.To); err != nil {
			return f, err
		}
		f.To = f.To.AddDate(0, 0, 1)
	}
	if code := strings.TrimSpace(q.Unit); code != "" {
		sc, err := org.All(ctx, st)
		if err != nil {
			return f, err
		}
		d, ok := sc.Department(code)
		if !ok {
			return f, i18n.New("department_unknown", code)
		}
		f.Units = sc.Below(d.ID)
	}
	return f, nil
}

// auditCSVHeader is the audit export's columns.
var auditCSVHeader = []string{"no", "waktu_wib", "pelaku", "jenis", "subjek", "rincian", "hash_sebelumnya", "hash"}

// WriteAuditCSV streams the matching events, oldest first, in the CSV
// format of package excelcsv, and returns how many it wrote.
func WriteAuditCSV(ctx context.Context, st *store.Store, f store.AuditFilter, w io.Writer) (int, error) {
	cw := excelcsv.NewWriter(w)
	if err := cw.Write(auditCSVHeader); err != nil {
		return 0, err
	}
	n := 0
	err := st.StreamAuditEvents(ctx, f, func(evs []store.AuditEvent) error {
		for _, e := range evs {
			if err := cw.Write([]string{strconv.FormatUint(uint64(e.ID), 10), formatMachineWIB(e.At), e.Actor, e.Action,
				e.Subject, e.Detail, e.PrevHash, e.Hash}); err != nil {
				return err
			}
			n++
		}
		return cw.Flush()
	})
	if err != nil {
		return n, fmt.Errorf("report: audit CSV: %w", err)
	}
	return n, cw.Flush()
}

// AuditLine is one event of the JSON Lines export.
type AuditLine struct {
	No       uint            `json:"no"`
	At       time.Time       `json:"at_utc"` // RFC 3339; _utc says the zone to machines
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Subject  string          `json:"subject"`
	Detail   json.RawMessage `json:"detail"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// WriteAuditJSONL streams the matching events, oldest first, one JSON
// object a line, and returns how many it wrote. The detail is the event's
// own canonical JSON, so a reader can recompute every hash.
func WriteAuditJSONL(ctx context.Context, st *store.Store, f store.AuditFilter, w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	err := st.StreamAuditEvents(ctx, f, func(evs []store.AuditEvent) error {
		for _, e := range evs {
			detail := json.RawMessage(e.Detail)
			if !json.Valid(detail) {
				b, _ := json.Marshal(e.Detail)
				detail = b
			}
			if err := enc.Encode(AuditLine{No: e.ID, At: e.At.UTC(), Actor: e.Actor, Action: e.Action, Subject: e.Subject,
				Detail: detail, PrevHash: e.PrevHash, Hash: e.Hash}); err != nil {
				return err
			}
			n++
		}
		return bw.Flush()
	})
	if err != nil {
		return n, fmt.Errorf("report: audit JSON Lines: %w", err)
	}
	return n, bw.Flush()
}
