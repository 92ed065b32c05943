package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/web"
)

// TestFoldedPagesSameAsTemplates renders every page a signer, a visitor
// and an admin reach, in both languages, from the templates folded per
// language and from the templates as parsed, and wants the same bytes:
// folding must not change a page or its escaping, here with names that
// carry markup.
func TestFoldedPagesSameAsTemplates(t *testing.T) {
	e := newEnv(t)
	data := "nip,nama,jabatan,unit_kerja\n" +
		"198003152005011004,\"Budi <script>alert(1)</script> & 'x' + \"\"y\"\"\",\"\"\"><img src=x onerror=alert(2)>\",javascript:alert(3)\n"
	if _, err := importRoster(e, data); err != nil {
		t.Fatal(err)
	}
	foldedPages := web.CompareFolded(e.app, func(name, folded, full string) {
		t.Errorf("page %q folded differs from the template's output:\n%s\n--- template:\n%s", name, folded, full)
	})
	hostile := e.asn("198003152005011004")
	signed := e.asn("198703122010121002")
	code := e.signAs(signed.NIP, signed.Name)
	admin := e.staffLogin("admin", store.RoleAdmin)

	for _, lang := range []string{"", "lang=en"} {
		q := func(path string) string {
			if lang == "" {
				return path
			}
			if strings.Contains(path, "?") {
				return path + "&" + lang
			}
			return path + "?" + lang
		}
		c := e.client()
		for _, path := range []string{"/", "/sign", "/sign/" + hostile.Token, "/sign/" + signed.Token, "/verify", "/verify/" + code, "/login", "/no-such-page"} {
			e.get(c, q(path))
		}
		// The form sent back with a problem (points ticked, a name typed).
		_, body := e.get(c, q("/sign/"+hostile.Token))
		form := url.Values{"_csrf": {csrfOf(t, body)}, "point1": {"on"}, "name": {"<b>nama</b>"}}
		if status, _, _ := e.post(c, q("/sign/"+hostile.Token), form); status != http.StatusUnprocessableEntity {
			t.Errorf("sign with a point missing: status %d", status)
		}
		// Every page without a parameter in its path, as an admin.
		for _, r := range e.app.Routes() {
			method, path, _ := strings.Cut(r, " ")
			if method != http.MethodGet || strings.ContainsAny(path, ":*") || strings.HasPrefix(path, "/api/") || strings.HasSuffix(path, ".csv") || strings.HasSuffix(path, ".pdf") || strings.HasSuffix(path, ".zip") {
				continue
			}
			e.get(admin, q(path))
		}
	}
	if foldedPages() < 20 {
		t.Errorf("only %d pages came from folded templates", foldedPages())
	}
}
