package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/ikrar/ikrar/internal/api"
	"github.com/ikrar/ikrar/internal/cli"
	"github.com/ikrar/ikrar/internal/nip"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// The API tests send every request through apiCall, which checks the
// answer against the served OpenAPI document with kin-openapi: a field,
// status or content type the document does not describe fails the test,
// so the document cannot drift from the code.

var (
	openAPIOnce sync.Once
	openAPIDoc  *openapi3.T
	openAPIErr  error
)

func init() {
	openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
}

func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	openAPIOnce.Do(func() {
		loader := openapi3.NewLoader()
		openAPIDoc, openAPIErr = loader.LoadFromData(api.OpenAPI())
		if openAPIErr == nil {
			openAPIErr = openAPIDoc.Validate(loader.Context)
		}
	})
	if openAPIErr != nil {
		t.Fatalf("OpenAPI document: %v", openAPIErr)
	}
	return openAPIDoc
}

type apiClient struct {
	e      *env
	token  string
	router routers.Router
}

func (e *env) apiClient(token string) *apiClient {
	e.t.Helper()
	doc := *loadOpenAPI(e.t)
	doc.Servers = openapi3.Servers{{URL: e.srv.URL + "/api/v1"}}
	r, err := gorillamux.NewRouter(&doc)
	if err != nil {
		e.t.Fatal(err)
	}
	return &apiClient{e: e, token: token, router: r}
}

// newToken makes a token through the same function as the CLI and page.
func (e *env) newToken(name string, scopes []string, units ...string) string {
	e.t.Helper()
	plain, _, err := api.CreateToken(context.Background(), e.st, "test", api.TokenRequest{Name: name, Scopes: scopes, Departments: units}, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return plain
}

// call sends one request and validates the answer against the document.
func (c *apiClient) call(method, path string, body []byte, hdr map[string]string) (int, []byte, http.Header) {
	t := c.e.t
	t.Helper()
	req, err := http.NewRequest(method, c.e.srv.URL+"/api/v1"+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	c.validate(req, resp, b)
	return resp.StatusCode, b, resp.Header
}

func (c *apiClient) validate(req *http.Request, resp *http.Response, body []byte) {
	t := c.e.t
	t.Helper()
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		t.Errorf("%s %s: not in the OpenAPI document: %v", req.Method, req.URL.Path, err)
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}},
		Status:  resp.StatusCode,
		Header:  resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s → %d does not match the OpenAPI document: %v\n%s", req.Method, req.URL.RequestURI(), resp.StatusCode, err, truncateBody(body))
	}
}

func truncateBody(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

func (c *apiClient) get(path string) (int, []byte) {
	c.e.t.Helper()
	s, b, _ := c.call(http.MethodGet, path, nil, nil)
	return s, b
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", truncateBody(b), err)
	}
	return v
}

type apiProblem struct {
	Title   string
	TitleEN string `json:"title_en"`
	Status  int
	Detail  string
	Errors  []struct {
		Index  *int
		Field  string
		Detail string
	}
}

func TestAPITokensAndUnits(t *testing.T) { storetest.Each(t, testAPITokensAndUnits) }

func testAPITokensAndUnits(t *testing.T, backend storetest.Backend) {
	tr := newTree(t, backend)
	e := tr.e
	inSetda := e.signAs(nipOf(8), tr.people[nipOf(8)].name)     // Bagian Umum, under the Setda
	inKemantren := e.signAs(nipOf(1), tr.people[nipOf(1)].name) // outside the head's units
	all := []string{api.ScopeCompletion, api.ScopeRosterRead, api.ScopeSignatures, api.ScopeCertificates}
	head := e.apiClient(e.newToken("setda-sync", all, tr.codes[setda]))
	admin := e.apiClient(e.newToken("bkpsdm", all))
	q := "?campaign=1"

	t.Run("authentication", func(t *testing.T) {
		for name, c := range map[string]*apiClient{"no token": e.apiClient(""), "unknown token": e.apiClient("ikrar_nope")} {
			if s, b := c.get("/completion" + q); s != http.StatusUnauthorized || !strings.Contains(string(b), "title_en") {
				t.Errorf("%s: %d %s", name, s, b)
			}
		}
		narrow := e.apiClient(e.newToken("only-roster", []string{api.ScopeRosterRead}))
		if s, b := narrow.get("/completion" + q); s != http.StatusForbidden {
			t.Errorf("token without completion:read: %d %s", s, b)
		}
		if s, _ := narrow.get("/roster"); s != http.StatusOK {
			t.Errorf("token with roster:read on /roster: %d", s)
		}
		tokens, err := e.st.APITokens(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range tokens {
			if tk.Name == "only-roster" {
				if tk.LastUsedAt == nil {
					t.Error("last use of a token is not recorded")
				}
				if err := e.st.RevokeAPIToken(context.Background(), "test", tk.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		if s, _ := narrow.get("/roster"); s != http.StatusUnauthorized {
			t.Errorf("revoked token: %d", s)
		}
		past := time.Now().Add(-time.Hour)
		expired := "ikrar_expired-token-for-tests"
		if err := e.st.CreateAPIToken(context.Background(), "test", expired, &store.APIToken{Name: "old", Scopes: api.ScopeRosterRead, ExpiresAt: &past}, nil); err != nil {
			t.Fatal(err)
		}
		if s, _ := e.apiClient(expired).get("/roster"); s != http.StatusUnauthorized {
			t.Errorf("expired token: %d", s)
		}
	})

	t.Run("bound token sees only its units", func(t *testing.T) {
		for _, path := range []string{
			"/completion" + q + "&unit=" + tr.codes[kemantren],
			"/completion" + q + "&unit=" + tr.codes[kelurahan],
			"/roster?unit=" + tr.codes[kemantren],
			"/certificates/" + inKemantren,
			"/certificates/" + inKemantren + "/pdf",
		} {
			if s, b := head.get(path); s != http.StatusNotFound {
				t.Errorf("head token %s: %d %s", path, s, b)
			}
			if s, b := admin.get(path); s != http.StatusOK {
				t.Errorf("admin token %s: %d %s", path, s, truncateBody(b))
			}
		}
		if s, b := head.get("/certificates/" + inSetda); s != http.StatusOK || !strings.Contains(string(b), `"valid":true`) {
			t.Errorf("head token, own certificate: %d %s", s, b)
		}
		s, b := head.get("/certificates/" + inSetda + "/pdf")
		if s != http.StatusOK || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("head token, own certificate PDF: %d", s)
		}

		_, b = head.get("/units")
		units := decode[struct{ Units []struct{ Code string } }](t, b)
		var codes []string
		for _, u := range units.Units {
			codes = append(codes, u.Code)
		}
		if got, want := strings.Join(codes, ","), strings.Join([]string{tr.codes[setda], tr.codes[bagian], tr.codes[hukum]}, ","); !sameSet(got, want) {
			t.Errorf("head token units: %s, want %s", got, want)
		}

		_, b = head.get("/roster")
		page := decode[struct{ Items []struct{ NIP, Unit string } }](t, b)
		if len(page.Items) != 6 {
			t.Errorf("head token roster: %d entries, want the 6 of the Setda and its Bagian", len(page.Items))
		}
		for _, it := range page.Items {
			if it.Unit != tr.codes[setda] && it.Unit != tr.codes[bagian] {
				t.Errorf("head token roster holds %s of %s", it.NIP, it.Unit)
			}
		}
		_, b = head.get("/signatures")
		sigs := decode[struct {
			Items []struct {
				CertificateCode string `json:"certificate_code"`
			}
		}](t, b)
		if len(sigs.Items) != 1 || sigs.Items[0].CertificateCode != inSetda {
			t.Errorf("head token signatures: %+v, want only %s", sigs.Items, inSetda)
		}
		_, b = admin.get("/signatures?nip=" + url.QueryEscape(nipOf(1)))
		sigs = decode[struct {
			Items []struct {
				CertificateCode string `json:"certificate_code"`
			}
		}](t, b)
		if len(sigs.Items) != 1 || sigs.Items[0].CertificateCode != inKemantren {
			t.Errorf("signatures by NIP: %+v, want %s", sigs.Items, inKemantren)
		}
	})

	t.Run("campaigns and the document", func(t *testing.T) {
		_, b := head.get("/campaigns")
		camps := decode[struct {
			Campaigns []struct {
				ID     uint
				Status string
			}
		}](t, b)
		if len(camps.Campaigns) != 1 || camps.Campaigns[0].ID != 1 || camps.Campaigns[0].Status != "open" {
			t.Errorf("campaigns: %s", b)
		}
		resp, err := http.Get(e.srv.URL + "/api/openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.Equal(doc, api.OpenAPI()) || resp.Header.Get("ETag") == "" {
			t.Errorf("/api/openapi.json: %d, %d bytes, ETag %q", resp.StatusCode, len(doc), resp.Header.Get("ETag"))
		}
	})

	t.Run("paging, ETags and problems", func(t *testing.T) {
		var seen []string
		cursor := ""
		for range 20 {
			_, b := admin.get("/roster?limit=4&cursor=" + cursor)
			p := decode[struct {
				Items []struct{ NIP string }
				Next  string `json:"next_cursor"`
				More  bool
			}](t, b)
			for _, it := range p.Items {
				seen = append(seen, it.NIP)
			}
			cursor = p.Next
			if !p.More {
				break
			}
		}
		if len(seen) != len(tr.people) {
			t.Errorf("paging saw %d entries, want %d", len(seen), len(tr.people))
		}
		future := url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		if _, b := admin.get("/roster?updated_since=" + future); strings.Contains(string(b), `"nip"`) {
			t.Errorf("updated_since in the future still lists entries: %s", truncateBody(b))
		}
		_, _, h := admin.call(http.MethodGet, "/completion"+q, nil, nil)
		tag := h.Get("ETag")
		if s, _, _ := admin.call(http.MethodGet, "/completion"+q, nil, map[string]string{"If-None-Match": tag}); tag == "" || s != http.StatusNotModified {
			t.Errorf("If-None-Match %q: %d, want 304", tag, s)
		}
		e.signAs(nipOf(9), tr.people[nipOf(9)].name)
		if s, _, _ := admin.call(http.MethodGet, "/completion"+q, nil, map[string]string{"If-None-Match": tag}); s != http.StatusOK {
			t.Errorf("after a signature the old ETag still matches: %d", s)
		}
		for path, want := range map[string]int{
			"/completion":                     http.StatusBadRequest,
			"/completion?campaign=99":         http.StatusNotFound,
			"/roster?cursor=nonsense":         http.StatusBadRequest,
			"/roster?limit=0":                 http.StatusBadRequest,
			"/roster?updated_since=yesterday": http.StatusBadRequest,
		} {
			s, b, h := admin.call(http.MethodGet, path, nil, nil)
			if s != want || h.Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %d %s, want %d problem+json", path, s, h.Get("Content-Type"), want)
			}
			if p := decode[apiProblem](t, b); p.Title == "" || p.TitleEN == "" || p.Title == p.TitleEN {
				t.Errorf("%s: titles %q / %q, want Indonesian and English", path, p.Title, p.TitleEN)
			}
		}
	})
}

func sameSet(a, b string) bool {
	as, bs := strings.Split(a, ","), strings.Split(b, ",")
	if len(as) != len(bs) {
		return false
	}
	m := map[string]int{}
	for _, x := range as {
		m[x]++
	}
	for _, x := range bs {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

// The API gives the dashboard's figures, for an admin token and for a
// token bound to the units of a head, compared with that head's dashboard.
func TestAPICompletionMatchesDashboard(t *testing.T) {
	t.Parallel() // long: runs beside the others once the serial tests are done
	storetest.Each(t, func(t *testing.T, backend storetest.Backend) {
		tr := newTree(t, backend)
		e := tr.e
		for _, i := range []int{1, 3, 6, 8, 9} {
			tr.sign(i)
		}
		tr.move(3, bagian)
		tr.deactivate(9)
		for name, tc := range map[string]struct {
			units []string
			login func() *http.Client
		}{
			"admin": {nil, func() *http.Client { return e.staffLogin("admin", store.RoleAdmin) }},
			"head":  {[]string{tr.codes[setda]}, func() *http.Client { return e.staffLogin("kepala.setda", store.RoleHead, tr.codes[setda]) }},
		} {
			c := e.apiClient(e.newToken("cmp-"+name, []string{api.ScopeCompletion}, tc.units...))
			_, dash := e.get(tc.login(), "/dashboard?campaign=1")
			_, b := c.get("/completion?campaign=1")
			got := decode[struct {
				Units []struct {
					Code           string
					Roster, Signed int
					Percent        *float64
				}
			}](t, b)
			if len(got.Units) == 0 {
				t.Fatalf("%s: no units: %s", name, b)
			}
			for _, u := range got.Units {
				pct := "—"
				if u.Percent != nil {
					pct = strings.Replace(strconv.FormatFloat(*u.Percent, 'f', 1, 64), ".", ",", 1)
				}
				if want, have := dashboardRow(dash, u.Code), fmt.Sprintf("%d/%d/%s", u.Roster, u.Signed, pct); want != have {
					t.Errorf("%s, unit %s: API %s, dashboard %s", name, u.Code, have, want)
				}
			}
		}
	})
}

// bulkRows makes n valid roster rows with distinct NIPs in two units.
func bulkRows(n int) []map[string]string {
	rows := make([]map[string]string, n)
	for i := range n {
		birth := time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/900)
		appointed := time.Date(2005, 3, 1, 0, 0, 0, 0, time.UTC)
		unit := "Dinas Sosial"
		if i%2 == 1 {
			unit = "Dinas Perhubungan"
		}
		rows[i] = map[string]string{"nip": nip.Generate(nil, nip.KindPNS, birth, appointed, 1+i%2, 100+i%900),
			"name": fmt.Sprintf("Pegawai Massal %d", i), "position": "Staf", "unit": unit}
	}
	return rows
}

func rosterBody(t *testing.T, rows []map[string]string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"rows": rows})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAPIRosterBulkUpsert(t *testing.T) {
	t.Parallel() // long: runs beside the others once the serial tests are done
	storetest.Each(t, testAPIRosterBulkUpsert)
}

func testAPIRosterBulkUpsert(t *testing.T, backend storetest.Backend) {
	e := newEnvOn(t, backend)
	ctx := context.Background()
	c := e.apiClient(e.newToken("simpeg", []string{api.ScopeRosterWrite, api.ScopeRosterRead}))
	const n = 10_000
	rows := bulkRows(n)
	count := func() int {
		t.Helper()
		var total int
		cursor := ""
		for {
			_, b := c.get("/roster?limit=5000&cursor=" + cursor)
			p := decode[struct {
				Items []struct{ Name string }
				Next  string `json:"next_cursor"`
				More  bool
			}](t, b)
			total += len(p.Items)
			cursor = p.Next
			if !p.More {
				return total
			}
		}
	}
	before := count()

	// Three bad rows among 10,000: nothing lands, each comes back by index.
	bad := make([]map[string]string, n)
	copy(bad, rows)
	bad[17] = map[string]string{"nip": "1234", "name": "X", "position": "Staf", "unit": "Dinas Sosial"}
	bad[5000] = map[string]string{"nip": rows[5000]["nip"], "name": "", "position": "Staf", "unit": "Dinas Sosial"}
	bad[9999] = map[string]string{"nip": rows[0]["nip"], "name": "Kembar", "position": "Staf", "unit": "Dinas Sosial"}
	s, b, _ := c.call(http.MethodPost, "/roster", rosterBody(t, bad), nil)
	p := decode[apiProblem](t, b)
	if s != http.StatusUnprocessableEntity {
		t.Fatalf("bad batch: %d %s", s, truncateBody(b))
	}
	got := map[string]bool{}
	for _, fe := range p.Errors {
		if fe.Index != nil {
			got[fmt.Sprintf("%d/%s", *fe.Index, fe.Field)] = true
		}
	}
	for _, want := range []string{"17/nip", "5000/name", "9999/nip"} {
		if !got[want] {
			t.Errorf("no error for %s in %v", want, got)
		}
	}
	if after := count(); after != before {
		t.Fatalf("a rejected batch changed the roster: %d → %d entries", before, after)
	}

	// A dry run says what would happen and writes nothing.
	s, b, _ = c.call(http.MethodPost, "/roster?dry_run=true", rosterBody(t, rows), nil)
	if res := decode[map[string]any](t, b); s != http.StatusOK || res["added"] != float64(n) || res["dry_run"] != true {
		t.Fatalf("dry run: %d %s", s, truncateBody(b))
	}
	if after := count(); after != before {
		t.Fatalf("a dry run changed the roster: %d → %d", before, after)
	}

	// The real call, with an Idempotency-Key; its retry is answered from
	// memory, not imported again.
	key := map[string]string{"Idempotency-Key": "sync-2026-11-29"}
	s, b, _ = c.call(http.MethodPost, "/roster", rosterBody(t, rows), key)
	if res := decode[map[string]any](t, b); s != http.StatusOK || res["added"] != float64(n) {
		t.Fatalf("upsert: %d %s", s, truncateBody(b))
	}
	if after := count(); after != before+n {
		t.Fatalf("after the upsert: %d entries, want %d", after, before+n)
	}
	s, b2, h := c.call(http.MethodPost, "/roster", rosterBody(t, rows), key)
	if s != http.StatusOK || !bytes.Equal(b, b2) || h.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry with the same key: %d replayed=%q, body same %v", s, h.Get("Idempotent-Replayed"), bytes.Equal(b, b2))
	}
	if s, _, _ := c.call(http.MethodPost, "/roster", rosterBody(t, rows[:10]), key); s != http.StatusUnprocessableEntity {
		t.Errorf("same key, other body: %d, want 422", s)
	}
	// A second plain call changes nothing and says so.
	rows[3]["position"] = "Kepala Seksi"
	s, b, _ = c.call(http.MethodPost, "/roster", rosterBody(t, rows), nil)
	if res := decode[map[string]any](t, b); s != http.StatusOK || res["updated"] != float64(1) || res["unchanged"] != float64(n-1) {
		t.Errorf("second upsert: %d %s", s, truncateBody(b))
	}
	a := e.asn(rows[3]["nip"])
	if a.Position != "Kepala Seksi" {
		t.Errorf("position after upsert: %q", a.Position)
	}
	// The audit chain names the token.
	if n, err := e.st.CountAuditEvents(ctx, "api:simpeg", "roster.imported"); err != nil || n != 2 {
		t.Errorf("roster.imported events by api:simpeg: %d, want 2 (err %v)", n, err)
	}
	// A token bound to a unit may only write into it.
	unit := deptCode(t, e, "Dinas Kesehatan")
	bound := e.apiClient(e.newToken("dinkes", []string{api.ScopeRosterWrite}, unit))
	s, b, _ = bound.call(http.MethodPost, "/roster", rosterBody(t, rows[:2]), nil)
	if p := decode[apiProblem](t, b); s != http.StatusUnprocessableEntity || len(p.Errors) != 4 || p.Errors[0].Field != "unit" {
		t.Errorf("bound token writing elsewhere: %d %s", s, truncateBody(b))
	}
	// ...and cannot pull a person out of another unit.
	steal := []map[string]string{{"nip": rows[0]["nip"], "name": "Pindah", "position": "Staf", "unit": unit}}
	if s, b, _ := bound.call(http.MethodPost, "/roster", rosterBody(t, steal), nil); s != http.StatusUnprocessableEntity {
		t.Errorf("bound token moving a person from another unit: %d %s", s, truncateBody(b))
	}
	own := []map[string]string{{"nip": "199001012015032001", "name": "Zoë Ngatiyem", "position": "Perawat Penyelia", "unit": unit}}
	if s, b, _ := bound.call(http.MethodPost, "/roster", rosterBody(t, own), nil); s != http.StatusOK {
		t.Errorf("bound token writing into its unit by code: %d %s", s, truncateBody(b))
	}
}

var newTokenRe = regexp.MustCompile(`id="new-token">([^<]+)<`)

// Tokens from the admin page and from `ikrar token add` work, are shown
// once, and stop working when revoked.
func TestAPITokenPageAndCLI(t *testing.T) {
	tr := newTree(t, storetest.SQLite)
	e := tr.e
	admin := e.staffLogin("admin", store.RoleAdmin)
	_, page := e.get(admin, "/admin/tokens")
	status, body, _ := e.post(admin, "/admin/tokens", url.Values{"_csrf": {csrfOf(t, page)}, "name": {"dasbor-inspektorat"},
		"scope": {api.ScopeCompletion}, "department": {tr.codes[setda]}, "expires": {"30d"}})
	m := newTokenRe.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("create token on the page: %d", status)
	}
	c := e.apiClient(m[1])
	if s, b := c.get("/completion?campaign=1"); s != http.StatusOK {
		t.Errorf("token from the page: %d %s", s, b)
	}
	if s, _ := c.get("/completion?campaign=1&unit=" + tr.codes[kemantren]); s != http.StatusNotFound {
		t.Errorf("token bound on the page sees another unit: %d", s)
	}
	if _, again := e.get(admin, "/admin/tokens"); strings.Contains(again, m[1]) {
		t.Error("the token is shown again after its creation")
	}
	status, body, _ = e.post(admin, "/admin/tokens", url.Values{"_csrf": {csrfOf(t, page)}, "name": {"dasbor-inspektorat"}, "scope": {api.ScopeCompletion}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "sudah dipakai") {
		t.Errorf("duplicate name: %d", status)
	}
	tokens, _ := e.st.APITokens(context.Background())
	status, _, _ = e.post(admin, fmt.Sprintf("/admin/tokens/%d/revoke", tokens[0].ID), url.Values{"_csrf": {csrfOf(t, page)}})
	if status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", status)
	}
	if s, _ := c.get("/completion?campaign=1"); s != http.StatusUnauthorized {
		t.Errorf("revoked token: %d", s)
	}
	if n, err := e.st.CountAuditEvents(context.Background(), "user:admin", "api_token.revoked"); err != nil || n != 1 {
		t.Errorf("revocation in the audit chain: %d (err %v)", n, err)
	}

	var stdout, stderr bytes.Buffer
	env := cli.Env{Getenv: func(k string) string {
		return map[string]string{"IKRAR_DATA": e.dir, "IKRAR_DB": e.cfg.DB, "IKRAR_DB_DRIVER": e.cfg.DBDriver}[k]
	}, Stdout: &stdout, Stderr: &stderr}
	if code := cli.Run(context.Background(), []string{"token", "add", "--name", "simpeg", "--scope", "roster:read,completion:read", "--department", tr.codes[kemantren], "--expires", "2099-12-31"}, env); code != 0 {
		t.Fatalf("ikrar token add: exit %d: %s", code, stderr.String())
	}
	c = e.apiClient(strings.TrimSpace(stdout.String()))
	if s, b := c.get("/roster?unit=" + tr.codes[kelurahan]); s != http.StatusOK {
		t.Errorf("token from the CLI: %d %s", s, b)
	}
	if s, _ := c.get("/roster?unit=" + tr.codes[setda]); s != http.StatusNotFound {
		t.Errorf("CLI token bound to the Kemantren sees the Setda: %d", s)
	}
	if code := cli.Run(context.Background(), []string{"token", "add", "--name", "x", "--scope", "everything"}, env); code != cli.ExitUsage {
		t.Errorf("unknown scope: exit %d, want %d", code, cli.ExitUsage)
	}
}

// The README's curl examples run as written against a live server.
func TestAPIReadmeExamples(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed: the README examples cannot run")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "<!-- api-examples -->\n```sh\n")
	if !ok {
		t.Fatal("README has no api-examples block")
	}
	block, _, _ = strings.Cut(block, "```")
	e := newEnv(t)
	code := e.signAs("198703122010121002", "Budi Santosa")
	token := e.newToken("readme", api.AllScopes)
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", block)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "IKRAR="+e.srv.URL, "TOKEN="+token, "CODE="+code, "CURSOR=",
		"UNIT="+deptCode(t, e, "Dinas Pendidikan, Pemuda, dan Olahraga"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README examples: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"dry_run":true`) || !strings.Contains(string(out), code) {
		t.Errorf("README examples did not show the dry run and the certificate:\n%s", out)
	}
	if pdf, err := os.ReadFile(cmd.Dir + "/sertifikat.pdf"); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Errorf("README example did not save the certificate PDF (err %v)", err)
	}
}

// Invitations asked for through the API go through the outbox once.
func TestAPIMessages(t *testing.T) {
	e := newEnv(t)
	dik := deptCode(t, e, "Dinas Pendidikan, Pemuda, dan Olahraga")
	kes := deptCode(t, e, "Dinas Kesehatan")
	c := e.apiClient(e.newToken("dikpora", []string{api.ScopeMessages, api.ScopeRosterWrite}, dik))
	rows := []map[string]string{{"nip": "198703122010121002", "name": "Drs. Budi Santosa, M.Pd.", "position": "Kepala Seksi Kurikulum", "unit": dik, "email": "budi@dikpora.example"}}
	if s, b, _ := c.call(http.MethodPost, "/roster", rosterBody(t, rows), nil); s != http.StatusOK {
		t.Fatalf("set an address: %d %s", s, b)
	}
	send := func(unit string) (int, map[string]any) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"campaign": 1, "kind": "invitation", "unit": unit})
		s, b, _ := c.call(http.MethodPost, "/messages", body, nil)
		if s != http.StatusOK {
			return s, nil
		}
		return s, decode[map[string]any](t, b)
	}
	if s, res := send(dik); s != http.StatusOK || res["pending"] != float64(2) || res["queued"] != float64(1) || res["no_address"] != float64(1) {
		t.Errorf("first call: %d %v", s, res)
	}
	if s, res := send(""); s != http.StatusOK || res["queued"] != float64(0) || res["already"] != float64(1) {
		t.Errorf("second call: %d %v", s, res)
	}
	if s, _ := send(kes); s != http.StatusNotFound {
		t.Errorf("another unit: %d, want 404", s)
	}
	if n, err := e.st.CountAuditEvents(context.Background(), "api:dikpora", "messages.queued"); err != nil || n < 1 {
		t.Errorf("messages.queued by api:dikpora in the audit chain: %d (err %v)", n, err)
	}
	ro := e.apiClient(e.newToken("read-only", []string{api.ScopeRosterRead}))
	body, _ := json.Marshal(map[string]any{"campaign": 1, "kind": "reminder"})
	if s, _, _ := ro.call(http.MethodPost, "/messages", body, nil); s != http.StatusForbidden {
		t.Errorf("token without messages:write: %d", s)
	}
	body, _ = json.Marshal(map[string]any{"campaign": 1, "kind": "sms"})
	if s, _, _ := c.call(http.MethodPost, "/messages", body, nil); s != http.StatusBadRequest {
		t.Errorf("unknown kind: %d", s)
	}
}

// TestPerfAPIBulkUpsert measures a 100,000-row roster upsert through the
// API against `ikrar roster import` of the same rows, each on a fresh
// database, in the same run (docs/PERFORMANCE.md). It only reports: run it
// with IKRAR_PERF=1 go test -run PerfAPIBulk -v ./internal/web.
func TestPerfAPIBulkUpsert(t *testing.T) {
	if os.Getenv("IKRAR_PERF") == "" {
		t.Skip("set IKRAR_PERF=1 to measure the 100,000-row upsert")
	}
	const n = 100_000
	rows := bulkRows(n)
	body := rosterBody(t, rows)
	var csv strings.Builder
	csv.WriteString("nip;nama;jabatan;unit_kerja\n")
	for _, r := range rows {
		fmt.Fprintf(&csv, "%s;%s;%s;%s\n", r["nip"], r["name"], r["position"], r["unit"])
	}
	file := t.TempDir() + "/roster.csv"
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		cliEnv := newEnv(t)
		var stdout, stderr bytes.Buffer
		env := cli.Env{Getenv: func(k string) string {
			return map[string]string{"IKRAR_DATA": cliEnv.dir, "IKRAR_DB": cliEnv.cfg.DB, "IKRAR_DB_DRIVER": cliEnv.cfg.DBDriver}[k]
		}, Stdout: &stdout, Stderr: &stderr}
		start := time.Now()
		if code := cli.Run(context.Background(), []string{"roster", "import", file}, env); code != 0 {
			t.Fatalf("ikrar roster import: %d %s", code, stderr.String())
		}
		cliTime := time.Since(start)

		apiEnv := newEnv(t)
		c := apiEnv.apiClient(apiEnv.newToken("perf", []string{api.ScopeRosterWrite}))
		req, _ := http.NewRequest(http.MethodPost, apiEnv.srv.URL+"/api/v1/roster", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("Content-Type", "application/json")
		start = time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		apiTime := time.Since(start)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("API upsert: %d %s", resp.StatusCode, truncateBody(out))
		}
		t.Logf("round %d: %d rows (%d MB of JSON): API %.2f s, CLI import %.2f s, ratio %.2f×",
			round+1, n, len(body)>>20, apiTime.Seconds(), cliTime.Seconds(), apiTime.Seconds()/cliTime.Seconds())
	}
}

// TestAPIReadsAreAudited: a read through the API is an event of the audit
// chain under the token's name, with what was asked and the answer's
// status, and the chain still verifies.
func TestAPIReadsAreAudited(t *testing.T) {
	e := newEnv(t)
	c := e.apiClient(e.newToken("simpeg-baca", []string{"roster:read"}))
	if status, _ := c.get("/roster"); status != http.StatusOK {
		t.Fatalf("GET /roster: %d", status)
	}
	if status, _ := c.get("/signatures"); status != http.StatusForbidden {
		t.Fatalf("GET /signatures without the scope: %d", status)
	}
	var subjects []string
	rows, err := storetest.DB(t, store.Options{Driver: e.cfg.DBDriver, DSN: e.cfg.DB}).Query(
		`SELECT subject || ' ' || detail FROM audit_events WHERE actor = 'api:simpeg-baca' AND action = 'api.read' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		subjects = append(subjects, s)
	}
	rows.Close()
	if len(subjects) != 2 || !strings.HasPrefix(subjects[0], "/api/v1/roster") || !strings.Contains(subjects[0], `"status":"200"`) ||
		!strings.HasPrefix(subjects[1], "/api/v1/signatures") || !strings.Contains(subjects[1], `"status":"403"`) {
		t.Fatalf("audited reads: %q", subjects)
	}
	if _, err := e.st.VerifyAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
}
