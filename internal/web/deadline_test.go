package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/reach"
	"github.com/ikrar/ikrar/internal/wib"
)

// TestDeadline follows a campaign's deadline from the admin's edit form to
// the signing page and the dashboard, past it (signing refused, nothing
// written) and extended again (signing works).
func TestDeadline(t *testing.T) {
	e, admin := adminEnv(t)
	ctx := context.Background()
	cs, err := e.st.Campaigns(ctx)
	if err != nil || len(cs) != 1 {
		t.Fatalf("campaigns: %v %v", cs, err)
	}
	id := strconv.Itoa(int(cs[0].ID))
	edit := "/admin/campaigns/" + id + "/edit"
	setDeadline := func(day time.Time, clock string) (int, string) {
		t.Helper()
		form := url.Values{"_csrf": {e.adminCSRF(admin, edit)}, "date": {day.In(wib.Zone).Format("2006-01-02")}, "time": {clock}, "action": {"set"}}
		status, body, _ := e.post(admin, "/admin/campaigns/"+id+"/deadline", form)
		return status, body
	}
	a := e.asn("198703122010121002")
	c := e.client()

	// Before any deadline the page says nothing about one.
	if _, body := e.get(c, "/sign/"+a.Token); strings.Contains(body, `id="deadline"`) {
		t.Error("sign page shows a deadline the campaign does not have")
	}
	if status, body := setDeadline(time.Now(), "25:00"); status != http.StatusUnprocessableEntity || !strings.Contains(body, "tidak sah") {
		t.Errorf("bad time: status %d", status)
	}

	// Three days ahead.
	ahead := time.Now().In(wib.Zone).AddDate(0, 0, 3)
	if status, _ := setDeadline(ahead, "23:59"); status != http.StatusSeeOther {
		t.Fatalf("set deadline: status %d", status)
	}
	want := wib.Deadline(time.Date(ahead.Year(), ahead.Month(), ahead.Day(), 23, 59, 0, 0, wib.Zone))
	status, body := e.get(c, "/sign/"+a.Token)
	if status != http.StatusOK || !strings.Contains(body, "Batas waktu: <strong>"+want+"</strong>") || !strings.Contains(body, "3 hari lagi") {
		t.Fatalf("sign page (status %d) lacks %q or 3 hari lagi", status, want)
	}
	if !strings.Contains(want, " pukul 23.59 WIB") {
		t.Errorf("deadline text %q", want)
	}
	if _, body := e.get(admin, "/dashboard"); !strings.Contains(body, "3 hari lagi") || !strings.Contains(body, want) {
		t.Error("dashboard lacks the deadline")
	}
	if _, body := e.get(admin, "/dashboard/departments/"+e.deptCode(a.DepartmentID)+"?lang=en"); !strings.Contains(body, "3 days left") {
		t.Error("department page (English) lacks the days left")
	}
	csrf := csrfOf(t, body)

	// Yesterday: the page refuses clearly, and so does a form still open.
	if status, _ := setDeadline(time.Now().In(wib.Zone).AddDate(0, 0, -1), "10:00"); status != http.StatusSeeOther {
		t.Fatalf("set past deadline: status %d", status)
	}
	status, body = e.get(c, "/sign/"+a.Token)
	if status != http.StatusGone || !strings.Contains(body, "sudah lewat") || strings.Contains(body, `name="point1"`) {
		t.Fatalf("past deadline sign page: status %d\n%s", status, body)
	}
	status, body, _ = e.post(c, "/sign/"+a.Token, signForm(csrf, "Budi Santosa"))
	if status != http.StatusGone || !strings.Contains(body, "Batas waktu penandatanganan") {
		t.Fatalf("signing after the deadline: status %d", status)
	}
	if n, _ := e.st.CountSignatures(ctx, 0); n != 0 {
		t.Fatalf("%d signatures after the deadline, want 0", n)
	}

	// Extended: signing works again.
	if status, _ := setDeadline(time.Now().In(wib.Zone).AddDate(0, 0, 1), "23:59"); status != http.StatusSeeOther {
		t.Fatal("extend failed")
	}
	status, body = e.get(c, "/sign/"+a.Token)
	if status != http.StatusOK || !strings.Contains(body, "besok") {
		t.Fatalf("extended sign page: status %d", status)
	}
	if status, body, _ = e.post(c, "/sign/"+a.Token, signForm(csrfOf(t, body), "Budi Santosa")); status != http.StatusOK || !codeRe.MatchString(body) {
		t.Fatalf("signing after extension: status %d", status)
	}
}

func (e *env) deptCode(id uint) string {
	e.t.Helper()
	d, err := e.st.DepartmentByID(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d.Code
}

// TestReminderSchedule: an admin edits a campaign's reminder days.
func TestReminderSchedule(t *testing.T) {
	e, admin := adminEnv(t)
	ctx := context.Background()
	cs, _ := e.st.Campaigns(ctx)
	id := strconv.Itoa(int(cs[0].ID))
	edit := "/admin/campaigns/" + id + "/edit"
	if _, body := e.get(admin, edit); !strings.Contains(body, `name="days" value="3, 1, 0"`) {
		t.Fatal("edit page does not show the default schedule")
	}
	post := func(days string) int {
		status, _, _ := e.post(admin, "/admin/campaigns/"+id+"/reminders", url.Values{"_csrf": {e.adminCSRF(admin, edit)}, "days": {days}})
		return status
	}
	if s := post("7 2 2"); s != http.StatusSeeOther {
		t.Fatalf("save: %d", s)
	}
	got, err := reach.ScheduleOf(ctx, e.st, cs[0].ID)
	if err != nil || reach.FormatSchedule(got) != "7, 2" {
		t.Fatalf("schedule %v %v", got, err)
	}
	if s := post("besok"); s != http.StatusUnprocessableEntity {
		t.Errorf("bad days: %d", s)
	}
	if s := post(""); s != http.StatusSeeOther {
		t.Fatal("clearing failed")
	}
	if got, _ := reach.ScheduleOf(ctx, e.st, cs[0].ID); len(got) != 0 {
		t.Errorf("cleared schedule %v", got)
	}
}
