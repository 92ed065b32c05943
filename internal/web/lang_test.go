package web_test

import (
	"context"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	ikrar "github.com/ikrar/ikrar"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/staff"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/web"
)

// tokenRe finds runs of letters and digits; words are the runs of two
// letters or more without a digit, so hashes and codes ("3dd9f…", a lone
// "a" of an initial) are not taken for English.
var tokenRe = regexp.MustCompile(`[\p{L}\p{N}]+(?:'\p{L}+)?`)

func words(s string) []string {
	var out []string
	for _, w := range tokenRe.FindAllString(strings.ToLower(s), -1) {
		if len([]rune(w)) >= 2 && !strings.ContainsAny(w, "0123456789") {
			out = append(out, w)
		}
	}
	return out
}

// englishOnlyWords are the words of the English catalogue that the
// Indonesian catalogue never uses, plus a few English words that once
// reached Indonesian pages from outside the catalogue (Echo's "Not Found",
// the chart's "chart" and "max", a campaign's raw status "open").
// Shared names (NIP, PDF, ASN, Admin) are in both catalogues and so never
// count as English.
func englishOnlyWords() map[string]bool {
	cat := web.Catalogue()
	id := map[string]bool{}
	// The pledge's own Indonesian text is Indonesian too ("media sosial"
	// while the API's English says "media type").
	d := pledge.DefaultID
	for _, v := range append(slices.Clone(d.Points), d.Title, d.Preamble, d.Closing) {
		for _, w := range words(v) {
			id[w] = true
		}
	}
	for _, v := range cat["id"] {
		for _, w := range words(v) {
			id[w] = true
		}
	}
	en := map[string]bool{"chart": true, "max": true, "open": true, "closed": true, "draft": true, "found": true, "not": true, "download": true, "sign": true}
	for _, v := range cat["en"] {
		for _, w := range words(v) {
			en[w] = true
		}
	}
	for w := range id {
		delete(en, w)
	}
	return en
}

// visibleText is what a reader or a screen reader meets on a page: text
// nodes and the attributes read aloud or shown (alt, title, aria-label,
// placeholder, value of buttons), leaving out scripts and anything inside
// an element that declares another language (lang="en"), which a screen
// reader reads in that language on purpose.
func visibleText(t *testing.T, page string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "script" || n.Data == "style" || n.Data == "head" {
				return
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "lang":
					if a.Val != "id" {
						return
					}
				case "alt", "title", "aria-label", "placeholder":
					b.WriteString(" " + a.Val + " ")
				}
			}
		}
		if n.Type == html.TextNode {
			b.WriteString(" " + n.Data + " ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	// The <title> and the meta description are read too.
	if m := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(page); m != nil {
		b.WriteString(" " + m[1])
	}
	if m := regexp.MustCompile(`<meta name="description" content="([^"]*)"`).FindStringSubmatch(page); m != nil {
		b.WriteString(" " + m[1])
	}
	// Addresses (a sign-in link in a message to copy) are not language.
	return urlRe.ReplaceAllString(b.String(), " ")
}

var urlRe = regexp.MustCompile(`https?://\S+`)

// TestIndonesianPagesHaveNoEnglish renders every page template in
// Indonesian, through real requests with real data, and fails on any word
// that only the English catalogue uses. It also fails when a template in
// templates/pages is not in its table, so a new page cannot skip it.
func TestIndonesianPagesHaveNoEnglish(t *testing.T) {
	t.Parallel() // long: runs beside the others once the serial tests are done
	e := newEnv(t)
	ctx := context.Background()
	// A second open campaign makes the dashboard show its campaign picker.
	second := pledge.NewCampaign("pilkada-2024", 2, e.cfg.Instansi, pledge.DefaultID, pledge.DefaultEN)
	if err := e.st.CreateCampaign(ctx, "test", &second); err != nil {
		t.Fatal(err)
	}
	code := e.signAs(adminNIPBudi, "Budi Santosa")
	admin := e.adminLogin("admin", store.RoleAdmin)
	head := e.adminLogin("kepala", store.RoleHead, adminDeptDik)
	// An account with two-factor sign-in, for the code step of the login.
	twofa, err := staff.Add(ctx, e.st, "test", "dua.langkah", store.RoleAdmin, staffPassword, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.EnableTOTP(ctx, "test", twofa.ID, "JBSWY3DPEHPK3PXPJBSWY3DP", 0, nil); err != nil {
		t.Fatal(err)
	}
	anon := e.client()
	pending := e.asn(adminNIPZoe)
	signed := e.asn(adminNIPBudi)

	// posted sends a form with a fresh CSRF token from the page at from.
	posted := func(c *http.Client, from, to string, form url.Values) func() (int, string) {
		return func() (int, string) {
			_, body := e.get(c, from)
			form.Set("_csrf", csrfOf(t, body))
			status, body, _ := e.post(c, to, form)
			return status, body
		}
	}
	got := func(c *http.Client, p string) func() (int, string) {
		return func() (int, string) { return e.get(c, p) }
	}
	pages := []struct {
		name, template string
		fetch          func() (int, string)
	}{
		{"home", "home", got(anon, "/")},
		{"sign entry", "sign_entry", got(anon, "/sign")},
		{"sign entry, wrong code", "sign_entry", posted(anon, "/sign", "/sign", url.Values{"nip": {adminNIPZoe}, "code": {"XXXXXXXX"}})},
		{"signing page", "sign", got(anon, "/sign/"+pending.Token)},
		{"signing page with problems", "sign", posted(anon, "/sign/"+pending.Token, "/sign/"+pending.Token, url.Values{"point1": {"on"}, "name": {"Orang Lain"}})},
		{"receipt", "receipt", got(anon, "/sign/"+signed.Token)},
		{"verify form", "verify", got(anon, "/verify")},
		{"verify valid", "verify", got(anon, "/verify/"+code)},
		{"verify unknown", "verify", got(anon, "/verify/IKR-AAAA-BBBB-CCCC-DDDD")},
		{"not found", "error", got(anon, "/no-such-page")},
		{"login", "login", got(anon, "/login")},
		{"login, wrong password", "login", posted(e.client(), "/login", "/login", url.Values{"username": {"admin"}, "password": {"salah-sekali-123"}})},
		{"head dashboard", "dashboard", got(head, "/dashboard")},
		{"unit page", "department", got(head, "/dashboard/departments/"+adminDeptDik)},
		{"signature review", "review", got(head, "/dashboard/review")},
		{"WhatsApp group text", "unit_whatsapp", got(head, "/dashboard/departments/"+adminDeptDik+"/whatsapp")},
		{"invite a unit", "unit_messages", got(head, "/dashboard/departments/"+adminDeptDik+"/messages?kind=invitation")},
		{"admin dashboard", "dashboard", got(admin, "/dashboard")},
		{"admin overview", "admin", got(admin, "/admin?audit=1")},
		{"roster import", "admin_roster", got(admin, "/admin/roster")},
		{"units import", "admin_units", got(admin, "/admin/roster/units")},
		{"outbox", "admin_outbox", got(admin, "/admin/outbox")},
		{"campaigns", "admin_campaigns", got(admin, "/admin/campaigns")},
		{"campaign edit", "admin_campaign_edit", got(admin, "/admin/campaigns/1/edit")},
		{"departments", "admin_departments", got(admin, "/admin/departments")},
		{"department edit", "admin_department_edit", got(admin, "/admin/departments/"+adminDeptDik)},
		{"users", "admin_users", got(admin, "/admin/users")},
		{"users, short password", "admin_users", posted(admin, "/admin/users", "/admin/users", url.Values{"username": {"baru"}, "role": {"admin"}, "password": {"pendek"}})},
		{"exports", "admin_exports", got(admin, "/admin/exports")},
		{"audit log", "admin_audit", got(admin, "/admin/audit")},
		{"two-step verification setup", "account_2fa", got(admin, "/account/2fa")},
		{"login, code step", "login_2fa", posted(e.client(), "/login", "/login", url.Values{"username": {"dua.langkah"}, "password": {staffPassword}})},
		{"API tokens", "admin_tokens", got(admin, "/admin/tokens")},
		{"API token made", "admin_tokens", posted(admin, "/admin/tokens", "/admin/tokens", url.Values{"name": {"simpeg"}, "scope": {"roster:read"}})},
		{"webhooks", "admin_webhooks", got(admin, "/admin/webhooks")},
		{"webhook made", "admin_webhooks", posted(admin, "/admin/webhooks", "/admin/webhooks", url.Values{"url": {"https://simpeg.example/ikrar"}, "event": {"roster.imported"}})},
	}

	files, err := fs.Glob(ikrar.Assets, "templates/pages/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no page templates (%v)", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if !slices.ContainsFunc(pages, func(p struct {
			name, template string
			fetch          func() (int, string)
		}) bool {
			return p.template == name
		}) {
			t.Errorf("template %s is not rendered by this test: add a page that uses it", name)
		}
	}

	english := englishOnlyWords()
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			status, body := p.fetch()
			if status >= 500 || !strings.Contains(body, `<html lang="id">`) {
				t.Fatalf("status %d, not an Indonesian page:\n%.600s", status, body)
			}
			seen := map[string]bool{}
			for _, w := range words(visibleText(t, body)) {
				if english[w] {
					seen[w] = true
				}
			}
			if len(seen) > 0 {
				words := make([]string, 0, len(seen))
				for w := range seen {
					words = append(words, w)
				}
				sort.Strings(words)
				t.Errorf("English words on the Indonesian page: %s", strings.Join(words, ", "))
			}
		})
	}
}
