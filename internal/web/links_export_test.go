package web_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
)

// TestLinksCSVStreamedSameAsSheet: the links CSV the admin downloads is
// streamed from the roster (report.StreamLinksCSV) and must be, byte for
// byte, the sheet report.BuildLinks holds whole, for the whole tree and for
// one unit; the export is recorded with the number of links in it.
func TestLinksCSVStreamedSameAsSheet(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.adminLogin("admin", "admin")
	camps, err := e.st.Campaigns(ctx)
	if err != nil || len(camps) == 0 {
		t.Fatalf("campaigns: %v", err)
	}
	all, err := org.All(ctx, e.st)
	if err != nil {
		t.Fatal(err)
	}
	dik, ok := all.Department(adminDeptDik)
	if !ok {
		t.Fatalf("no unit %s", adminDeptDik)
	}
	for _, tc := range []struct {
		query string
		scope org.Scope
		want  string
	}{
		{"", all, "3"},
		{"?department=" + adminDeptDik, all.Narrow(dik.ID), "2"},
	} {
		sheet, err := report.BuildLinks(ctx, e.st, tc.scope, "http://ikrar.test", camps[0], time.Now())
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := report.WriteLinksCSV(&want, sheet); err != nil {
			t.Fatal(err)
		}
		status, got := e.get(admin, "/admin/exports/links.csv"+tc.query)
		if status != 200 || got != want.String() {
			t.Errorf("links.csv%s: status %d, streamed sheet differs from the built one:\n%s\nwant:\n%s", tc.query, status, got, want.String())
		}
		events, _, err := e.st.AuditEvents(ctx, store.AuditFilter{Kind: "links.exported", Limit: 1})
		if err != nil || len(events) != 1 || !strings.Contains(events[0].Detail, `"count":"`+tc.want+`"`) {
			t.Errorf("links.csv%s: last export event %+v (%v), want count %s", tc.query, events, err, tc.want)
		}
	}
}
