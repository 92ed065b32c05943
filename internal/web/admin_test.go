package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/nip"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/staff"
	"github.com/ikrar/ikrar/internal/store"
)

const (
	adminTestPassword = "kata-sandi-uji-123"
	adminDeptDik      = "dinas-pendidikan-pemuda-dan-olahraga"
	adminDeptKes      = "dinas-kesehatan"
	adminNIPBudi      = "198703122010121002"
	adminNIPZoe       = "199001012015032001"
	adminNIPKartini   = "198512302010012003"
	adminNIPNew1      = "199002152015031004"
	adminNIPNew2      = "200012312024211001"
)

// login adds a staff user through the staff rules and signs in through the
// login form, as a browser would.
func (e *env) adminLogin(username, role string, depts ...string) *http.Client {
	e.t.Helper()
	if _, err := staff.Add(context.Background(), e.st, "test", username, role, adminTestPassword, depts); err != nil {
		e.t.Fatalf("add %s: %v", username, err)
	}
	return e.adminSignIn(username, adminTestPassword)
}

func (e *env) adminSignIn(username, password string) *http.Client {
	e.t.Helper()
	c := e.client()
	_, body := e.get(c, "/login")
	status, _, resp := e.post(c, "/login", url.Values{"_csrf": {csrfOf(e.t, body)}, "username": {username}, "password": {password}})
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" {
		e.t.Fatalf("login %s: status %d location %q", username, status, resp.Header.Get("Location"))
	}
	return c
}

// adminEnv is an environment with a logged-in admin.
func adminEnv(t *testing.T) (*env, *http.Client) {
	t.Helper()
	e := newEnv(t)
	return e, e.adminLogin("admin", store.RoleAdmin)
}

// csrfFor fetches a page and returns its CSRF token.
func (e *env) adminCSRF(c *http.Client, path string) string {
	e.t.Helper()
	status, body := e.get(c, path)
	if status != http.StatusOK {
		e.t.Fatalf("GET %s: status %d", path, status)
	}
	return csrfOf(e.t, body)
}

func (e *env) adminAuditEvents() int {
	e.t.Helper()
	rep, err := e.st.VerifyAudit(context.Background())
	if err != nil {
		e.t.Fatalf("audit chain: %v", err)
	}
	return rep.Events
}

// signAs signs the open campaign through the /sign pages.
func (e *env) adminSign(nipNo string) {
	e.t.Helper()
	a := e.asn(nipNo)
	c := e.client()
	_, body := e.get(c, "/sign/"+a.Token)
	status, body, _ := e.post(c, "/sign/"+a.Token, signForm(csrfOf(e.t, body), a.Name))
	if status != http.StatusOK || !codeRe.MatchString(body) {
		e.t.Fatalf("sign as %s: status %d\n%.1500s", nipNo, status, body)
	}
}

func TestAdminValidNIPs(t *testing.T) {
	// The fixtures below must be valid, or the import tests test nothing.
	for _, n := range []string{adminNIPNew1, adminNIPNew2} {
		if _, err := nip.Validate(n); err != nil {
			t.Errorf("fixture NIP %s: %v", n, err)
		}
	}
}

func TestAdminAccess(t *testing.T) {
	e, admin := adminEnv(t)
	head := e.adminLogin("kepala", store.RoleHead, adminDeptKes)
	anon := e.client()
	gets := []string{"/admin", "/admin/roster", "/admin/campaigns", "/admin/campaigns/1/edit", "/admin/departments",
		"/admin/departments/" + adminDeptKes, "/admin/users", "/admin/exports", "/admin/exports/links.csv",
		"/admin/exports/links.pdf", "/admin/exports/certificates.zip", "/admin/exports/links.csv?department=" + adminDeptKes}
	posts := []string{"/admin/roster/preview", "/admin/roster/commit", "/admin/campaigns", "/admin/campaigns/1",
		"/admin/campaigns/1/status", "/admin/departments", "/admin/departments/" + adminDeptKes, "/admin/users",
		"/admin/users/1/disable", "/admin/users/1/enable", "/admin/users/1/password", "/admin/users/1/email"}
	for _, p := range gets {
		t.Run("GET "+p, func(t *testing.T) {
			if status, _ := e.get(admin, p); status != http.StatusOK {
				t.Errorf("admin: status %d, want 200", status)
			}
			if status, _ := e.get(head, p); status != http.StatusNotFound {
				t.Errorf("head: status %d, want 404", status)
			}
			resp, err := anon.Get(e.srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
				t.Errorf("anonymous: status %d location %q, want login redirect", resp.StatusCode, loc)
			}
		})
	}
	headCSRF := e.adminCSRF(head, "/dashboard")
	anonCSRF := e.adminCSRF(anon, "/login")
	users, _ := e.st.Users(context.Background())
	for _, p := range posts {
		t.Run("POST "+p, func(t *testing.T) {
			form := url.Values{"status": {"closed"}, "name": {"X"}, "code": {"x"}, "username": {"intruder"}, "role": {"admin"},
				"password": {"intruder-password"}, "title": {"X"}}
			form.Set("_csrf", headCSRF)
			if status, _, _ := e.post(head, p, form); status != http.StatusNotFound {
				t.Errorf("head: status %d, want 404", status)
			}
			form.Set("_csrf", anonCSRF)
			status, _, resp := e.post(anon, p, form)
			if loc := resp.Header.Get("Location"); status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
				t.Errorf("anonymous: status %d location %q, want login redirect", status, loc)
			}
		})
	}
	after, _ := e.st.Users(context.Background())
	cp, _ := e.st.CampaignByID(context.Background(), 1)
	if len(after) != len(users) || cp.Status != "open" {
		t.Fatalf("refused requests changed data: %d users (was %d), campaign %s", len(after), len(users), cp.Status)
	}
	// Flash words map to messages; anything else shows nothing.
	_, body := e.get(admin, "/admin?ok=%3Cb%3Exss-probe%3C%2Fb%3E")
	if strings.Contains(body, "<b>xss-probe") || strings.Contains(body, `role="status"`) {
		t.Fatal("query text echoed into the page")
	}
	_, body = e.get(admin, "/admin/departments?ok=dept_created")
	if !strings.Contains(body, "Unit kerja ditambahkan.") {
		t.Fatal("flash message missing")
	}
}

func TestAdminOverview(t *testing.T) {
	e, admin := adminEnv(t)
	status, body := e.get(admin, "/admin")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	rep, err := e.st.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="count-departments">2<`, `id="count-asn">3<`, `id="count-signatures">0<`, `id="count-users">1<`,
		`id="audit-status"`, "Utuh:", rep.Head[:16], `href="/admin/roster"`, `href="/admin/exports"`} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	_, body = e.get(admin, "/admin?lang=en")
	if !strings.Contains(body, "Intact:") || !strings.Contains(body, "Admin overview") {
		t.Error("English overview not translated")
	}
}

// upload posts a roster file as a browser's multipart form.
func (e *env) adminUpload(c *http.Client, name, content string, deactivate bool) (int, string) {
	e.t.Helper()
	csrf := e.adminCSRF(c, "/admin/roster")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("_csrf", csrf)
	if deactivate {
		_ = mw.WriteField("deactivate", "on")
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = io.WriteString(fw, content)
	_ = mw.Close()
	resp, err := c.Post(e.srv.URL+"/admin/roster/preview", mw.FormDataContentType(), &buf)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var adminTokenRe = regexp.MustCompile(`name="token" value="([A-Za-z0-9_-]+)"`)

// adminUploads counts previewed uploads waiting for their commit.
func adminUploads(t *testing.T, e *env) []struct{} {
	t.Helper()
	n, err := e.st.CountUploads(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return make([]struct{}, n)
}

func TestAdminRosterImport(t *testing.T) {
	e, admin := adminEnv(t)
	ctx := context.Background()
	file := "nip,nama,jabatan,unit_kerja\n" +
		adminNIPBudi + ",\"Drs. Budi Santosa, M.Pd.\",Kepala Bidang Kurikulum,\"Dinas Pendidikan, Pemuda, dan Olahraga\"\n" +
		adminNIPNew1 + ",Wahyu Nugroho,Pranata Komputer,Dinas Kesehatan\n" +
		adminNIPNew2 + ",Siti Rahayu,Guru Ahli Pertama,Inspektorat\n"
	eventsBefore := e.adminAuditEvents()

	status, body := e.adminUpload(admin, "pegawai baru.CSV", file, false)
	if status != http.StatusOK {
		t.Fatalf("preview status %d:\n%.3000s", status, body)
	}
	for _, want := range []string{`id="preview-added">2<`, `id="preview-updated">1<`, `id="preview-unchanged">0<`,
		`id="preview-deactivated">0<`, `id="preview-departments">1<`, "Inspektorat", `id="commit-form"`, "pegawai baru.csv", "Mengimpor…"} {
		if !strings.Contains(body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if _, err := e.st.ASNByNIP(ctx, adminNIPNew1); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("preview wrote a new ASN (err %v)", err)
	}
	if a := e.asn(adminNIPBudi); a.Position != "Kepala Seksi Kurikulum" {
		t.Fatalf("preview changed a position to %q", a.Position)
	}
	if _, err := e.st.DepartmentByCode(ctx, "inspektorat"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("preview created a department")
	}
	if got := e.adminAuditEvents(); got != eventsBefore {
		t.Fatalf("preview appended %d audit events", got-eventsBefore)
	}
	kept := adminUploads(t, e)
	if len(kept) != 1 {
		t.Fatalf("%d uploads kept, want 1", len(kept))
	}
	m := adminTokenRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no token in preview")
	}
	csrf := csrfOf(t, body)

	status, _, resp := e.post(admin, "/admin/roster/commit", url.Values{"_csrf": {csrf}, "token": {m[1]}, "name": {"pegawai baru.csv"}})
	if status != http.StatusSeeOther {
		t.Fatalf("commit status %d", status)
	}
	loc := resp.Header.Get("Location")
	_, body = e.get(admin, loc)
	for _, want := range []string{`id="done-added">2<`, `id="done-updated">1<`, `id="done-departments">1<`, "Impor daftar pegawai tersimpan."} {
		if !strings.Contains(body, want) {
			t.Errorf("result page (%s) lacks %q", loc, want)
		}
	}
	if a := e.asn(adminNIPNew1); a.Name != "Wahyu Nugroho" || !a.Active {
		t.Errorf("committed ASN wrong: %+v", a)
	}
	if a := e.asn(adminNIPBudi); a.Position != "Kepala Bidang Kurikulum" {
		t.Errorf("commit did not update position: %q", a.Position)
	}
	if a := e.asn(adminNIPZoe); !a.Active {
		t.Error("ASN missing from the file was deactivated without the checkbox")
	}
	if n := len(adminUploads(t, e)); n != 0 {
		t.Errorf("%d uploads left after commit", n)
	}
	// The token works once; made-up tokens are 404 too.
	for _, tok := range []string{m[1], "AAAAAAAAAAAAAAAAAAAAAA", "../../ikrar.db", ""} {
		if status, _, _ := e.post(admin, "/admin/roster/commit", url.Values{"_csrf": {csrf}, "token": {tok}}); status != http.StatusNotFound {
			t.Errorf("commit with token %q: status %d, want 404", tok, status)
		}
	}
}

// TestAdminRosterImportDeactivates: deactivating 2 of 3 (more than 5 %)
// lists who by name, says who already signed, and commits only with the
// number typed (issue 14).
func TestAdminRosterImportDeactivates(t *testing.T) {
	e, admin := adminEnv(t)
	e.adminSign(adminNIPZoe)
	file := "nip;nama;jabatan;unit_kerja\r\n" + adminNIPBudi + ";Drs. Budi Santosa, M.Pd.;Kepala Seksi Kurikulum;Dinas Pendidikan, Pemuda, dan Olahraga\r\n"
	status, body := e.adminUpload(admin, "satu.csv", file, true)
	if status != http.StatusOK || !strings.Contains(body, `id="preview-deactivated" class="warn">2<`) || !strings.Contains(body, `name="deactivate" value="on"`) {
		t.Fatalf("preview status %d:\n%.3000s", status, body)
	}
	for _, want := range []string{`id="deactivated-list"`, "Zoë Ngatiyem", "R.A. Kartini", `id="preview-deactivated-signed"`,
		"1 orang yang akan dinonaktifkan sudah menandatangani", `name="confirm_deactivate"`, "Ketik jumlahnya"} {
		if !strings.Contains(body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	for _, typed := range []string{"", "3"} {
		m := adminTokenRe.FindStringSubmatch(body)
		status, body, _ = e.post(admin, "/admin/roster/commit", url.Values{"_csrf": {csrfOf(t, body)}, "token": {m[1]}, "deactivate": {"on"}, "confirm_deactivate": {typed}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "Jumlah yang diketik tidak sesuai") || !e.asn(adminNIPZoe).Active {
			t.Fatalf("commit with %q typed: status %d, Zoë active %v", typed, status, e.asn(adminNIPZoe).Active)
		}
	}
	m := adminTokenRe.FindStringSubmatch(body)
	status, _, _ = e.post(admin, "/admin/roster/commit", url.Values{"_csrf": {csrfOf(t, body)}, "token": {m[1]}, "deactivate": {"on"}, "confirm_deactivate": {"2"}})
	if status != http.StatusSeeOther {
		t.Fatalf("commit status %d", status)
	}
	if e.asn(adminNIPZoe).Active || e.asn(adminNIPKartini).Active || !e.asn(adminNIPBudi).Active {
		t.Fatal("deactivation not applied as previewed")
	}
}

func TestAdminRosterImportProblems(t *testing.T) {
	e, admin := adminEnv(t)
	file := "nip,nama,jabatan,unit_kerja\n" +
		adminNIPNew1 + ",Wahyu Nugroho,Pranata Komputer,Dinas Kesehatan\n" +
		"198713122010121002,Salah Bulan,Staf,Dinas Kesehatan\n" +
		adminNIPNew1 + ",Wahyu Lagi,Staf,Dinas Kesehatan\n"
	events := e.adminAuditEvents()
	status, body := e.adminUpload(admin, "salah.csv", file, false)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422:\n%.3000s", status, body)
	}
	for _, want := range []string{`id="import-problems"`, `<td class="n">3</td>`, `<td class="n">4</td>`,
		"duplicate on lines 2 and 4", "duplikat di baris 2 dan 4", "tidak ada yang disimpan"} {
		if !strings.Contains(body, want) {
			t.Errorf("problem list lacks %q", want)
		}
	}
	if strings.Contains(body, `id="commit-form"`) || strings.Contains(body, `name="token"`) {
		t.Error("commit offered for a file with problems")
	}
	if _, err := e.st.ASNByNIP(context.Background(), adminNIPNew1); !errors.Is(err, store.ErrNotFound) {
		t.Error("a bad file wrote rows")
	}
	if n := len(adminUploads(t, e)); n != 0 {
		t.Errorf("%d uploads kept for a file that cannot be committed", n)
	}
	if got := e.adminAuditEvents(); got != events {
		t.Errorf("bad file appended %d audit events", got-events)
	}
	tests := []struct {
		name, file, content string
		want                string
	}{
		{"wrong type", "roster.txt", "nip\n", "Hanya berkas .csv atau .xlsx"},
		{"empty file", "roster.csv", "", "Pilih berkas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.adminUpload(admin, tt.file, tt.content, false)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d, body lacks %q", status, tt.want)
			}
		})
	}
}

func adminCampaignForm(csrf string, points ...string) url.Values {
	return url.Values{"_csrf": {csrf}, "title": {"Ikrar Netralitas ASN pada Pilkada 2024"},
		"preamble": {"Kami Pegawai ASN di lingkungan {instansi} berikrar:"}, "points": {strings.Join(points, "\r\n")},
		"closing": {"Demikian ikrar ini kami buat."}}
}

var adminPoints = []string{"Menjaga netralitas.", "Menghindari konflik kepentingan.", "Bijak bermedia sosial.", "Menolak politik uang."}

func TestAdminCampaigns(t *testing.T) {
	e, admin := adminEnv(t)
	ctx := context.Background()
	csrf := e.adminCSRF(admin, "/admin/campaigns/1/edit")

	// An unsigned campaign's text can change in place.
	form := adminCampaignForm(csrf, adminPoints...)
	form.Set("action", "save")
	status, _, resp := e.post(admin, "/admin/campaigns/1", form)
	if status != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/campaigns?ok=campaign_saved" {
		t.Fatalf("save: status %d location %q", status, resp.Header.Get("Location"))
	}
	cp, _ := e.st.CampaignByID(ctx, 1)
	want := pledge.Text{Title: form.Get("title"), Preamble: form.Get("preamble"), Points: adminPoints, Closing: form.Get("closing")}
	if cp.Title != want.Title || cp.TextHash != want.Hash(e.cfg.Instansi) || cp.Version != 1 {
		t.Fatalf("campaign after edit: %q v%d hash %s", cp.Title, cp.Version, cp.TextHash)
	}
	_, body := e.get(admin, resp.Header.Get("Location"))
	if !strings.Contains(body, cp.TextHash[:12]) || !strings.Contains(body, "Teks kampanye disimpan.") {
		t.Error("list lacks hash or flash")
	}

	// Once signed, the text is frozen; a new version takes over.
	e.adminSign(adminNIPZoe)
	_, body = e.get(admin, "/admin/campaigns/1/edit")
	if !strings.Contains(body, `id="new-version"`) || strings.Contains(body, `id="save"`) {
		t.Fatal("frozen campaign edit page does not offer only a new version")
	}
	changed := adminCampaignForm(csrf, append(adminPoints, "Melaporkan pelanggaran netralitas.")...)
	changed.Set("action", "save")
	status, body, _ = e.post(admin, "/admin/campaigns/1", changed)
	if status != http.StatusConflict || !strings.Contains(body, "Simpan sebagai versi baru") || !strings.Contains(body, "teksnya dibekukan") {
		t.Fatalf("edit of signed campaign: status %d\n%.2000s", status, body)
	}
	if after, _ := e.st.CampaignByID(ctx, 1); after.TextHash != cp.TextHash {
		t.Fatal("frozen text changed")
	}
	// A new version first says what it costs, and saves nothing.
	changed.Set("action", "new_version")
	status, body, _ = e.post(admin, "/admin/campaigns/1", changed)
	if status != http.StatusOK || !strings.Contains(body, "1 pegawai yang sudah menandatangani versi 1 harus menandatangani ulang") ||
		!strings.Contains(body, `id="confirm-new-version"`) || !strings.Contains(body, "Melaporkan pelanggaran netralitas.") {
		t.Fatalf("new version without confirmation: status %d\n%.3000s", status, body)
	}
	if all, _ := e.st.Campaigns(ctx); len(all) != 1 {
		t.Fatalf("a new version was made before confirming: %d campaigns", len(all))
	}
	changed.Set("confirm", "1")
	if status, _, _ = e.post(admin, "/admin/campaigns/1", changed); status != http.StatusSeeOther {
		t.Fatalf("new version: status %d", status)
	}
	all, _ := e.st.Campaigns(ctx)
	if len(all) != 2 {
		t.Fatalf("%d campaigns, want 2", len(all))
	}
	v2, v1 := all[0], all[1]
	if v2.Slug != v1.Slug || v2.Version != 2 || v2.Status != "open" || v1.Status != "closed" || v1.TextHash != cp.TextHash {
		t.Fatalf("versions: v1 %s/%d %s, v2 %s/%d %s", v1.Slug, v1.Version, v1.Status, v2.Slug, v2.Version, v2.Status)
	}
	id, _, err := pledge.TextsOf(v2)
	if err != nil || len(id.Points) != 5 {
		t.Fatalf("v2 text: %v, %d points", err, len(id.Points))
	}
	sig, err := e.st.SignatureOf(ctx, e.asn(adminNIPZoe).ID, v1.ID)
	if err != nil || sig.PledgeHash != v1.TextHash {
		t.Fatalf("old signature no longer matches v1: %v", err)
	}

	// Creating and closing campaigns.
	bad := adminCampaignForm(csrf, adminPoints[:3]...)
	if status, body, _ := e.post(admin, "/admin/campaigns", bad); status != http.StatusUnprocessableEntity || !strings.Contains(body, "4 sampai 20 butir") {
		t.Fatalf("3 points: status %d", status)
	}
	halfEN := adminCampaignForm(csrf, adminPoints...)
	halfEN.Set("title_en", "Only a title")
	if status, _, _ := e.post(admin, "/admin/campaigns", halfEN); status != http.StatusUnprocessableEntity {
		t.Fatalf("half an English text: status %d", status)
	}
	create := adminCampaignForm(csrf, adminPoints...)
	create.Set("slug", "pilkada-2024")
	if status, _, _ := e.post(admin, "/admin/campaigns", create); status != http.StatusSeeOther {
		t.Fatalf("create: status %d", status)
	}
	if status, _, _ := e.post(admin, "/admin/campaigns", create); status != http.StatusConflict {
		t.Fatalf("create with a taken slug: status %d", status)
	}
	all, _ = e.st.Campaigns(ctx)
	created := all[0]
	if created.Slug != "pilkada-2024" || created.Status != "draft" || created.Version != 1 || created.Instansi != e.cfg.Instansi {
		t.Fatalf("created campaign %+v", created)
	}
	path := "/admin/campaigns/" + strconv.Itoa(int(created.ID)) + "/status"
	for _, st := range []string{"open", "closed"} {
		if status, _, _ := e.post(admin, path, url.Values{"_csrf": {csrf}, "status": {st}}); status != http.StatusSeeOther {
			t.Fatalf("status %s: %d", st, status)
		}
		if got, _ := e.st.CampaignByID(ctx, created.ID); string(got.Status) != st {
			t.Fatalf("status %s not applied: %s", st, got.Status)
		}
	}
	if status, _, _ := e.post(admin, path, url.Values{"_csrf": {csrf}, "status": {"deleted"}}); status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown status: %d", status)
	}
	if status, _ := e.get(admin, "/admin/campaigns/999/edit"); status != http.StatusNotFound {
		t.Fatalf("unknown campaign: %d", status)
	}
	e.adminAuditEvents() // the chain still verifies
}

func TestAdminDepartments(t *testing.T) {
	e, admin := adminEnv(t)
	ctx := context.Background()
	csrf := e.adminCSRF(admin, "/admin/departments")
	dik, _ := e.st.DepartmentByCode(ctx, adminDeptDik)
	id := func(d store.Department) string { return strconv.FormatUint(uint64(d.ID), 10) }

	status, _, _ := e.post(admin, "/admin/departments", url.Values{"_csrf": {csrf}, "code": {"bidang-kurikulum"}, "name": {"Bidang  Kurikulum"}, "parent": {id(dik)}})
	if status != http.StatusSeeOther {
		t.Fatalf("create: status %d", status)
	}
	bid, err := e.st.DepartmentByCode(ctx, "bidang-kurikulum")
	if err != nil || bid.Name != "Bidang Kurikulum" || bid.ParentID == nil || *bid.ParentID != dik.ID {
		t.Fatalf("created department %+v (%v)", bid, err)
	}
	_, body := e.get(admin, "/admin/departments")
	if !regexp.MustCompile(`<tr class="depth1"><td>Bidang Kurikulum</td>`).MatchString(body) {
		t.Error("tree does not indent the sub-unit")
	}

	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
		want   string
	}{
		{"duplicate code", "/admin/departments", url.Values{"code": {adminDeptKes}, "name": {"Lain"}}, http.StatusConflict, "sudah dipakai"},
		{"bad code", "/admin/departments", url.Values{"code": {"Dinas Sosial!"}, "name": {"Dinas Sosial"}}, http.StatusUnprocessableEntity, "huruf kecil"},
		{"unknown parent", "/admin/departments", url.Values{"code": {"dinsos"}, "name": {"Dinas Sosial"}, "parent": {"9999"}}, http.StatusUnprocessableEntity, "Unit induk tidak dikenal"},
		{"cycle", "/admin/departments/" + adminDeptDik, url.Values{"name": {dik.Name}, "parent": {id(bid)}}, http.StatusConflict, "tidak dapat dipindah ke bawah dirinya sendiri"},
		{"own parent", "/admin/departments/" + adminDeptDik, url.Values{"name": {dik.Name}, "parent": {id(dik)}}, http.StatusConflict, "tidak dapat dipindah"},
		{"name taken", "/admin/departments/bidang-kurikulum", url.Values{"name": {"Dinas Kesehatan"}, "parent": {id(dik)}}, http.StatusConflict, "sudah dipakai unit kerja lain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("_csrf", csrf)
			status, body, _ := e.post(admin, tt.path, tt.form)
			if status != tt.status || !strings.Contains(body, tt.want) || !strings.Contains(body, " / ") {
				t.Fatalf("status %d (want %d), body lacks %q", status, tt.status, tt.want)
			}
		})
	}
	if d, _ := e.st.DepartmentByCode(ctx, adminDeptDik); d.ParentID != nil {
		t.Fatal("cycle was stored")
	}

	// Rename and move: the sub-unit goes under Dinas Kesehatan.
	kes, _ := e.st.DepartmentByCode(ctx, adminDeptKes)
	status, _, _ = e.post(admin, "/admin/departments/bidang-kurikulum", url.Values{"_csrf": {csrf}, "name": {"Bidang Pelayanan"}, "parent": {id(kes)}})
	if status != http.StatusSeeOther {
		t.Fatalf("rename+move: status %d", status)
	}
	bid, _ = e.st.DepartmentByCode(ctx, "bidang-kurikulum")
	if bid.Name != "Bidang Pelayanan" || bid.ParentID == nil || *bid.ParentID != kes.ID {
		t.Fatalf("after rename+move: %+v", bid)
	}
	// And back to the top level.
	if status, _, _ = e.post(admin, "/admin/departments/bidang-kurikulum", url.Values{"_csrf": {csrf}, "name": {"Bidang Pelayanan"}, "parent": {""}}); status != http.StatusSeeOther {
		t.Fatalf("move to top: status %d", status)
	}
	if bid, _ = e.st.DepartmentByCode(ctx, "bidang-kurikulum"); bid.ParentID != nil {
		t.Fatal("not moved to the top level")
	}
	// The edit page does not offer the department itself as its parent.
	_, body = e.get(admin, "/admin/departments/"+adminDeptDik)
	if strings.Contains(body, `<option value="`+id(dik)+`"`) {
		t.Error("edit page offers a department as its own parent")
	}
	if status, _ := e.get(admin, "/admin/departments/tidak-ada"); status != http.StatusNotFound {
		t.Errorf("unknown department: %d", status)
	}
	e.adminAuditEvents()
}

func TestAdminUsers(t *testing.T) {
	e, admin := adminEnv(t)
	ctx := context.Background()
	csrf := e.adminCSRF(admin, "/admin/users")
	status, _, _ := e.post(admin, "/admin/users", url.Values{"_csrf": {csrf}, "username": {"Kepala.Dinkes"}, "role": {"head"},
		"department": {adminDeptKes}, "password": {"rahasia-dinkes-1"}})
	if status != http.StatusSeeOther {
		t.Fatalf("add head: status %d", status)
	}
	u, err := e.st.UserByUsername(ctx, "kepala.dinkes")
	if err != nil || u.Role != store.RoleHead {
		t.Fatalf("head not stored: %+v %v", u, err)
	}
	kes, _ := e.st.DepartmentByCode(ctx, adminDeptKes)
	if ids, _ := e.st.UserDepartmentIDs(ctx, u.ID); len(ids) != 1 || ids[0] != kes.ID {
		t.Fatalf("head bound to %v, want [%d]", ids, kes.ID)
	}
	_, body := e.get(admin, "/admin/users")
	if !strings.Contains(body, "Kepala unit · Dinas Kesehatan") {
		t.Error("user list lacks role and department")
	}

	head := e.adminSignIn("kepala.dinkes", "rahasia-dinkes-1")
	if status, _ := e.get(head, "/dashboard"); status != http.StatusOK {
		t.Fatalf("head dashboard: %d", status)
	}
	id := strconv.FormatUint(uint64(u.ID), 10)
	if status, _, _ := e.post(admin, "/admin/users/"+id+"/disable", url.Values{"_csrf": {csrf}}); status != http.StatusSeeOther {
		t.Fatalf("disable: %d", status)
	}
	resp, err := head.Get(e.srv.URL + "/dashboard")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("disabled head's session still works: %d", resp.StatusCode)
	}
	if status, _ := e.get(admin, "/admin/users"); status != http.StatusOK {
		t.Fatal("admin lost access")
	}
	if status, _, _ := e.post(admin, "/admin/users/"+id+"/enable", url.Values{"_csrf": {csrf}}); status != http.StatusSeeOther {
		t.Fatalf("enable: %d", status)
	}
	if status, _, _ := e.post(admin, "/admin/users/"+id+"/password", url.Values{"_csrf": {csrf}, "password": {"kata-sandi-baru-9"}}); status != http.StatusSeeOther {
		t.Fatalf("reset password: %d", status)
	}
	e.adminSignIn("kepala.dinkes", "kata-sandi-baru-9")

	// The address digests go to: validated, shown, changed and cleared.
	if status, _, _ := e.post(admin, "/admin/users/"+id+"/email", url.Values{"_csrf": {csrf}, "email": {" kepala@dinkes.jogjakota.go.id "}}); status != http.StatusSeeOther {
		t.Fatalf("set email: %d", status)
	}
	if u, _ := e.st.UserByID(ctx, u.ID); u.Email != "kepala@dinkes.jogjakota.go.id" {
		t.Fatalf("email stored as %q", u.Email)
	}
	if _, body := e.get(admin, "/admin/users"); !strings.Contains(body, "kepala@dinkes.jogjakota.go.id") {
		t.Error("user list lacks the email")
	}
	if status, _, _ := e.post(admin, "/admin/users/"+id+"/email", url.Values{"_csrf": {csrf}, "email": {""}}); status != http.StatusSeeOther {
		t.Fatalf("clear email: %d", status)
	}
	if u, _ := e.st.UserByID(ctx, u.ID); u.Email != "" {
		t.Fatalf("email not cleared: %q", u.Email)
	}

	self, _ := e.st.UserByUsername(ctx, "admin")
	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
		want   string
	}{
		{"duplicate username", "/admin/users", url.Values{"username": {"kepala.dinkes"}, "role": {"head"}, "department": {adminDeptKes}, "password": {"rahasia-dinkes-1"}}, http.StatusConflict, "sudah dipakai"},
		{"head without department", "/admin/users", url.Values{"username": {"kepala.baru"}, "role": {"head"}, "password": {"rahasia-dinkes-1"}}, http.StatusUnprocessableEntity, "minimal satu unit kerja"},
		{"short password", "/admin/users", url.Values{"username": {"kepala.baru"}, "role": {"head"}, "department": {adminDeptKes}, "password": {"pendek"}}, http.StatusUnprocessableEntity, "kata sandi minimal 10"},
		{"unknown department", "/admin/users", url.Values{"username": {"kepala.baru"}, "role": {"head"}, "department": {"tidak-ada"}, "password": {"rahasia-dinkes-1"}}, http.StatusUnprocessableEntity, "Unit kerja tidak dikenal"},
		{"bad role", "/admin/users", url.Values{"username": {"kepala.baru"}, "role": {"root"}, "password": {"rahasia-dinkes-1"}}, http.StatusUnprocessableEntity, "peran harus admin atau head"},
		{"bad email on create", "/admin/users", url.Values{"username": {"kepala.baru"}, "role": {"head"}, "department": {adminDeptKes}, "email": {"kepala@dinkes"}, "password": {"rahasia-dinkes-1"}}, http.StatusUnprocessableEntity, "alamat email tidak valid"},
		{"bad email on edit", "/admin/users/" + id + "/email", url.Values{"email": {"bukan alamat"}}, http.StatusUnprocessableEntity, "alamat email tidak valid"},
		{"email of unknown user", "/admin/users/999/email", url.Values{"email": {"a@b.go.id"}}, http.StatusNotFound, ""},
		{"short reset", "/admin/users/" + id + "/password", url.Values{"password": {"pendek"}}, http.StatusUnprocessableEntity, "kata sandi minimal 10"},
		{"self disable", "/admin/users/" + strconv.FormatUint(uint64(self.ID), 10) + "/disable", url.Values{}, http.StatusUnprocessableEntity, "akun Anda sendiri"},
		{"unknown user", "/admin/users/999/disable", url.Values{}, http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("_csrf", csrf)
			status, body, _ := e.post(admin, tt.path, tt.form)
			if status != tt.status || !strings.Contains(body, tt.want) {
				t.Fatalf("status %d (want %d), body lacks %q:\n%.1500s", status, tt.status, tt.want, body)
			}
		})
	}
	if _, err := e.st.UserByUsername(ctx, "kepala.baru"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("a refused user was stored")
	}
	e.adminAuditEvents()
}

func TestAdminExports(t *testing.T) {
	e, admin := adminEnv(t)
	e.adminSign(adminNIPBudi)
	e.adminSign(adminNIPKartini)
	e.adminSign(adminNIPZoe)

	events := e.adminAuditEvents()
	resp, err := admin.Get(e.srv.URL + "/admin/exports/certificates.zip?department=" + adminDeptDik)
	if err != nil {
		t.Fatal(err)
	}
	zipBytes, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("zip: status %d, type %q, disposition %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
	if err != nil {
		t.Fatalf("zip does not read back: %v", err)
	}
	if len(zr.File) != 2 {
		t.Fatalf("%d entries, want 2", len(zr.File))
	}
	folders := map[string]bool{}
	for _, f := range zr.File {
		dir, name, ok := strings.Cut(f.Name, "/")
		if !ok || !strings.HasSuffix(name, ".pdf") {
			t.Errorf("entry %q not in a department folder", f.Name)
		}
		folders[dir] = true
		rc, _ := f.Open()
		head := make([]byte, 5)
		_, _ = io.ReadFull(rc, head)
		rc.Close()
		if string(head) != "%PDF-" {
			t.Errorf("entry %q is not a PDF", f.Name)
		}
	}
	if len(folders) != 1 {
		t.Errorf("entries in %d folders, want 1: %v", len(folders), folders)
	}
	// The export and, for each certificate it had to make first, the
	// certificate.issued event that records its SHA-256.
	if got := e.adminAuditEvents(); got != events+1+len(zr.File) {
		t.Errorf("zip export appended %d audit events, want %d", got-events, 1+len(zr.File))
	}
	events += len(zr.File)

	_, csvAll := e.get(admin, "/admin/exports/links.csv")
	_, csvDik := e.get(admin, "/admin/exports/links.csv?department="+adminDeptDik)
	for _, n := range []string{adminNIPBudi, adminNIPZoe, adminNIPKartini} {
		if !strings.Contains(csvAll, n) {
			t.Errorf("links CSV lacks %s", n)
		}
	}
	if !strings.Contains(csvDik, adminNIPBudi) || !strings.Contains(csvDik, adminNIPKartini) || strings.Contains(csvDik, adminNIPZoe) {
		t.Error("department links CSV has the wrong people")
	}
	if a := e.asn(adminNIPBudi); !strings.Contains(csvAll, "http://ikrar.test/sign/"+a.Token) || !strings.Contains(csvAll, a.AccessCode) {
		t.Error("links CSV lacks the signing link or access code")
	}
	resp, err = admin.Get(e.srv.URL + "/admin/exports/links.pdf?department=" + adminDeptDik)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF")) || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("links PDF: status %d, starts %q", resp.StatusCode, pdf[:min(len(pdf), 8)])
	}
	if got := e.adminAuditEvents(); got != events+4 {
		t.Errorf("%d export events, want 4", got-events)
	}
	for _, p := range []string{"/admin/exports/links.csv?department=tidak-ada", "/admin/exports/certificates.zip?department=tidak-ada",
		"/admin/exports/links.pdf?campaign=999"} {
		if status, _ := e.get(admin, p); status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, status)
		}
	}
	_, body := e.get(admin, "/admin/exports")
	for _, want := range []string{`formaction="/admin/exports/certificates.zip"`, `formaction="/admin/exports/links.pdf"`, `value="` + adminDeptDik + `"`} {
		if !strings.Contains(body, want) {
			t.Errorf("exports page lacks %q", want)
		}
	}
}

// endlessCSV streams a multipart roster upload of n bytes without telling
// the server its length (chunked), as a hostile client would.
type endlessCSV struct {
	head, tail []byte
	n, sent    int
}

func (r *endlessCSV) Read(p []byte) (int, error) {
	if r.sent >= r.n {
		return 0, io.EOF
	}
	var i int
	for i = 0; i < len(p) && r.sent < r.n; i++ {
		switch {
		case r.sent < len(r.head):
			p[i] = r.head[r.sent]
		case r.sent >= r.n-len(r.tail):
			p[i] = r.tail[r.sent-(r.n-len(r.tail))]
		default:
			p[i] = 'x'
		}
		r.sent++
	}
	return i, nil
}

func TestAdminRosterUploadIsCapped(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 64 MB through the server")
	}
	e, admin := adminEnv(t)
	csrf := e.adminCSRF(admin, "/admin/roster")
	const boundary = "ikrarboundary"
	head := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n" +
		"--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"besar.csv\"\r\nContent-Type: text/csv\r\n\r\nnip,nama,jabatan,unit_kerja\n"
	tail := "\r\n--" + boundary + "--\r\n"
	body := &endlessCSV{head: []byte(head), tail: []byte(tail), n: 64<<20 + 64<<10}
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/admin/roster/preview", body)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	resp, err := admin.Do(req)
	if err != nil {
		// The server may also drop the connection; either way it refused.
		return
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnprocessableEntity {
		t.Fatalf("a %d-byte upload was parsed and previewed (status %d)", body.n, resp.StatusCode)
	}
	if n := len(adminUploads(t, e)); n != 0 {
		t.Fatalf("%d oversized uploads kept", n)
	}
}
