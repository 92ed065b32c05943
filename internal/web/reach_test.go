package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/store"
)

// TestReachStatus: invited → opened (first visit of the personal link,
// recorded in the background) → signed, shown per person on the unit
// page, filterable, and counted on the dashboard.
func TestReachStatus(t *testing.T) {
	e, admin := adminEnv(t)
	ctx := context.Background()
	e.withEmails(map[string]string{"198703122010121002": "budi@example.test", "199001012015032001": "zoe@example.test"})
	cs, _ := e.st.Campaigns(ctx)
	if _, err := reach.Queue(ctx, e.st, time.Now(), reach.Request{Kind: reach.KindInvitation, Campaign: cs[0]}); err != nil {
		t.Fatal(err)
	}
	claimed, err := e.st.ClaimMessages(ctx, 10, time.Minute)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("claim %d %v", len(claimed), err)
	}
	for _, m := range claimed {
		if err := e.st.MarkSent(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	budi, zoe := e.asn("198703122010121002"), e.asn("199001012015032001")
	c := e.client()
	e.get(c, "/sign/"+budi.Token)
	e.get(c, "/sign/"+budi.Token)
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := e.st.ReachOf(ctx, cs[0].ID, []uint{budi.ID})
		if err != nil {
			t.Fatal(err)
		}
		if r[budi.ID].OpenedAt != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the visit of the link was never recorded")
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.signAs(zoe.NIP, "Zoë Ngatiyem")

	_, body := e.get(admin, "/dashboard")
	if !strings.Contains(body, "diundang <strong>67 %</strong>, dibuka <strong>67 %</strong>, sudah <strong>33 %</strong>") {
		t.Errorf("dashboard funnel missing:\n%s", between(body, `id="funnel"`, "</p>"))
	}
	unit := "/dashboard/departments/" + e.deptCode(budi.DepartmentID)
	tests := []struct {
		status      string
		want, not   string
		wantPresent []string
	}{
		{"opened", "Budi Santosa", "Kartini", []string{"diundang (email, ", "dibuka "}},
		{"uninvited", "Kartini", "Budi Santosa", []string{"belum diundang"}},
		{"invited", "0 ", "Budi Santosa", nil},
	}
	for _, tt := range tests {
		status, body := e.get(admin, unit+"?status="+tt.status)
		if status != http.StatusOK || !strings.Contains(body, tt.want) || strings.Contains(body, tt.not) {
			t.Errorf("status=%s: %d, want %q without %q", tt.status, status, tt.want, tt.not)
		}
		for _, w := range tt.wantPresent {
			if !strings.Contains(body, w) {
				t.Errorf("status=%s lacks %q", tt.status, w)
			}
		}
	}
	// The unit's report says the same, per person.
	_, csv := e.get(admin, "/reports/departments/"+e.deptCode(budi.DepartmentID)+".csv")
	if !strings.Contains(csv, ";jangkauan") || !strings.Contains(csv, "diundang (email, ") || !strings.Contains(csv, "; dibuka ") ||
		!strings.Contains(csv, "belum diundang") {
		t.Errorf("department CSV lacks the reach column:\n%s", csv)
	}
	if rows, n, err := e.st.RosterPage(ctx, store.RosterFilter{CampaignID: cs[0].ID, DepartmentIDs: []uint{budi.DepartmentID}, Status: "reminded"}); err != nil || n != 0 || len(rows) != 0 {
		t.Fatalf("reminded: %d %v", n, err)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// TestEscalation: the dashboard lists the units with people pending,
// furthest behind first, with the pending count and the time left.
func TestEscalationOnDashboard(t *testing.T) {
	e, admin := adminEnv(t)
	ctx := context.Background()
	cs, _ := e.st.Campaigns(ctx)
	dl := time.Now().Add(72 * time.Hour)
	if err := e.st.SetCampaignDeadline(ctx, "test", cs[0].ID, &dl); err != nil {
		t.Fatal(err)
	}
	e.signAs("198703122010121002", "Budi Santosa") // Disdikpora 1 of 2, Dinas Kesehatan 0 of 1
	_, body := e.get(admin, "/dashboard")
	esc := between(body, `id="escalation"`, "</section>")
	kes, dik := strings.Index(esc, "Dinas Kesehatan"), strings.Index(esc, "Dinas Pendidikan, Pemuda, dan Olahraga")
	if kes < 0 || dik < 0 || kes > dik {
		t.Fatalf("escalation order wrong:\n%s", esc)
	}
	if !strings.Contains(esc, "hari lagi") && !strings.Contains(esc, "besok") {
		t.Errorf("escalation lacks the time left:\n%s", esc)
	}
}
