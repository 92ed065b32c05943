package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
)

// TestUnitMessages: a head sends invitations to their own unit's pending
// people after one confirmation that says how many will go; other units
// are 404; pressing again sends nothing twice.
func TestUnitMessages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.withEmails(map[string]string{"198703122010121002": "budi@example.test", "199001012015032001": "zoe@example.test"})
	budi := e.asn("198703122010121002")
	own, other := e.deptCode(budi.DepartmentID), e.deptCode(e.asn("199001012015032001").DepartmentID)
	head := e.adminLogin("kepala", store.RoleHead, own)

	_, unit := e.get(head, "/dashboard/departments/"+own)
	if !strings.Contains(unit, "/dashboard/departments/"+own+"/messages?kind=invitation") {
		t.Fatal("unit page has no invitation button")
	}
	status, body := e.get(head, "/dashboard/departments/"+own+"/messages?kind=invitation")
	if status != http.StatusOK || !strings.Contains(body, "<strong>1</strong> pesan akan dikirim") || !strings.Contains(body, "1 tidak punya alamat email") {
		t.Fatalf("confirmation: status %d\n%s", status, between(body, `id="confirm-messages"`, "</section>"))
	}
	if n, _ := e.st.OutboxCounts(ctx); len(n) != 0 {
		t.Fatal("the confirmation page queued something")
	}
	status, _, resp := e.post(head, "/dashboard/departments/"+own+"/messages?campaign=1", url.Values{"_csrf": {csrfOf(t, body)}, "kind": {"invitation"}})
	if status != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "messages_queued") {
		t.Fatalf("send: status %d", status)
	}
	q, _ := e.st.OutboxByState(ctx, store.OutboxQueued, 10)
	if len(q) != 1 || q[0].Recipient != "budi@example.test" {
		t.Fatalf("queued %+v", q)
	}
	if _, body := e.get(head, "/dashboard/departments/"+own+"/messages?kind=invitation"); !strings.Contains(body, "<strong>0</strong> pesan") || !strings.Contains(body, "sudah mendapat pesan ini") {
		t.Error("second confirmation does not say they already have it")
	}
	for _, path := range []string{"/dashboard/departments/" + other + "/messages?kind=invitation", "/dashboard/departments/" + own + "/messages?kind=spam"} {
		if status, _ := e.get(head, path); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, status)
		}
	}
	if status, _, _ := e.post(head, "/dashboard/departments/"+other+"/messages", url.Values{"_csrf": {csrfOf(t, body)}, "kind": {"invitation"}}); status != http.StatusNotFound {
		t.Errorf("head sending to another unit: %d, want 404", status)
	}
	admin := e.adminLogin("admin", store.RoleAdmin)
	_, body = e.get(admin, "/dashboard/departments/"+other+"/messages?kind=reminder&lang=en")
	if !strings.Contains(body, "<strong>1</strong> messages will go") {
		t.Errorf("admin reminder confirmation:\n%s", between(body, `id="confirm-messages"`, "</section>"))
	}
}
