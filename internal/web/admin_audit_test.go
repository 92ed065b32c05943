package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var auditRowRe = regexp.MustCompile(`<tr id="e(\d+)">`)

// TestAdminAuditPage: /admin/audit lists events newest first, filters by
// kind, actor, unit and date, pages, links each event to its predecessor,
// and exports what it shows as CSV and JSON Lines (issue 14).
func TestAdminAuditPage(t *testing.T) {
	e, admin := adminEnv(t)
	e.adminSign(adminNIPZoe)  // a signature in Dinas Kesehatan
	e.adminSign(adminNIPBudi) // and one in Disdikpora

	ids := func(body string) []string {
		var out []string
		for _, m := range auditRowRe.FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	status, all := e.get(admin, "/admin/audit")
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	allIDs := ids(all)
	if len(allIDs) < 4 {
		t.Fatalf("only %d events listed", len(allIDs))
	}
	for i := 1; i < len(allIDs); i++ {
		a, _ := strconv.Atoi(allIDs[i-1])
		b, _ := strconv.Atoi(allIDs[i])
		if a <= b {
			t.Fatalf("events not newest first: %v", allIDs)
		}
	}
	if !strings.Contains(all, `<a href="/admin/audit?before=`+allIDs[0]+`#e`) {
		t.Error("the newest event does not link to its predecessor")
	}

	tests := []struct {
		name, query string
		want        []string // substrings every listed event's row has
		none        bool
	}{
		{"kind", "kind=signature.created", []string{"signature.created"}, false},
		{"kind prefix", "kind=signature", []string{"signature."}, false},
		{"actor", "actor=" + adminNIPZoe, []string{"asn:" + adminNIPZoe}, false},
		{"unit", "unit=" + adminDeptKes, []string{"asn:" + adminNIPZoe}, false},
		{"date range in the past", "from=2001-01-01&to=2001-12-31", nil, true},
		{"today", "from=2000-01-01&to=2100-01-01", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.get(admin, "/admin/audit?"+tt.query)
			if status != 200 {
				t.Fatalf("status %d", status)
			}
			rows := strings.Split(body, `<tr id="e`)[1:]
			if tt.none {
				if len(rows) != 0 || !strings.Contains(body, "Tidak ada peristiwa") {
					t.Fatalf("%d rows, want none", len(rows))
				}
				return
			}
			if len(rows) == 0 {
				t.Fatal("no rows")
			}
			for _, r := range rows {
				for _, w := range tt.want {
					if !strings.Contains(r, w) {
						t.Errorf("row %.80q lacks %q", r, w)
					}
				}
			}
		})
	}
	if status, body := e.get(admin, "/admin/audit?from=kemarin"); status != 422 || !strings.Contains(body, "tidak valid") {
		t.Errorf("bad date: %d", status)
	}

	// Paging: older pages continue where the first stopped.
	for i := 0; i < 60; i++ {
		e.get(admin, "/admin/exports/links.csv") // each export is an event
	}
	_, p1 := e.get(admin, "/admin/audit")
	m := regexp.MustCompile(`href="(/admin/audit\?before=\d+)" rel="next"`).FindStringSubmatch(p1)
	if m == nil || len(ids(p1)) != 50 {
		t.Fatalf("first page: %d events, older link %v", len(ids(p1)), m)
	}
	_, p2 := e.get(admin, strings.ReplaceAll(m[1], "&amp;", "&"))
	first, second := ids(p1), ids(p2)
	if len(second) == 0 || second[0] == first[len(first)-1] || !strings.Contains(p2, `id="audit-newest"`) {
		t.Fatalf("second page starts at %v after %v", second[:1], first[len(first)-1])
	}

	// Exports of the filtered events, parsed by their readers.
	q := url.Values{"kind": {"signature.created"}}.Encode()
	_, csvBody := e.get(admin, "/admin/audit/export.csv?"+q)
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvBody, "\ufeff")))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "no" || recs[1][3] != "signature.created" || len(recs[2][7]) != 64 {
		t.Fatalf("CSV export: %v %q", err, recs)
	}
	_, jl := e.get(admin, "/admin/audit/export.jsonl?"+q)
	lines := bytes.Split(bytes.TrimSpace([]byte(jl)), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("JSON Lines: %d lines", len(lines))
	}
	for _, l := range lines {
		var ev struct {
			No       int             `json:"no"`
			Action   string          `json:"action"`
			Detail   json.RawMessage `json:"detail"`
			PrevHash string          `json:"prev_hash"`
			Hash     string          `json:"hash"`
		}
		if err := json.Unmarshal(l, &ev); err != nil || ev.Action != "signature.created" || len(ev.Hash) != 64 || len(ev.PrevHash) != 64 || !bytes.Contains(ev.Detail, []byte(`"cert_code"`)) {
			t.Fatalf("JSON line %s: %v", l, err)
		}
	}
	// Heads get 404 like every admin page.
	head := e.adminLogin("kepala", "head", adminDeptKes)
	if status, _ := e.get(head, "/admin/audit"); status != 404 {
		t.Errorf("head: status %d", status)
	}
}
