package web_test

import (
	"context"
	"html"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
)

var (
	hrefRe = regexp.MustCompile(`href="([^"]+)"`)
	formRe = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
)

// TestCampaignChoiceSurvivesLinks picks the older of two campaigns on the
// dashboard and follows every link and form of the dashboard and unit
// pages: each must carry the choice, and each page or report reached must
// be of the chosen campaign (links once came out as ?campaign%3d1 and
// fell back to the newest campaign).
func TestCampaignChoiceSurvivesLinks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	newer := pledge.NewCampaign("pilkada-2024", 1, e.cfg.Instansi, pledge.DefaultID, pledge.DefaultEN)
	newer.Title = "Kampanye Yang Lebih Baru"
	if err := e.st.CreateCampaign(ctx, "test", &newer); err != nil {
		t.Fatal(err)
	}
	old, err := e.st.CampaignByID(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	e.signAs("198703122010121002", "Budi Santosa")
	admin := e.staffLogin("admin", store.RoleAdmin)

	seen := map[string]bool{}
	queue := []string{"/dashboard?campaign=1"}
	pages := 0
	for len(queue) > 0 {
		link := queue[0]
		queue = queue[1:]
		if seen[link] {
			continue
		}
		seen[link] = true
		u, err := url.Parse(link)
		if err != nil {
			t.Fatalf("bad link %q: %v", link, err)
		}
		// Links in a page carry the choice; the header's "Dasbor" link
		// (and its language switch) cannot, and must still land on the
		// chosen campaign.
		header := u.Path == "/dashboard" && (u.RawQuery == "" || strings.HasPrefix(u.RawQuery, "lang="))
		if got := u.Query().Get("campaign"); got != "1" && !header {
			t.Errorf("link %q carries campaign %q, want 1", link, got)
			continue
		}
		if ext := filepath.Ext(u.Path); ext == ".pdf" || ext == ".csv" || ext == ".xlsx" || ext == ".zip" {
			body := e.download(admin, link)
			// Reports name their campaign (cards and lists need not).
			if strings.HasPrefix(u.Path, "/reports/") && ext == ".pdf" && !strings.Contains(pdfText(t, body), old.Title) {
				t.Errorf("%s is not a report of the chosen campaign", link)
			}
			continue
		}
		status, page := e.get(admin, link)
		if status != 200 {
			t.Errorf("GET %s: %d", link, status)
			continue
		}
		pages++
		if strings.Contains(page, `<select name="campaign"`) {
			if !regexp.MustCompile(`<option value="1"\s+selected`).MatchString(page) {
				t.Errorf("%s does not have campaign 1 selected", link)
			}
		} else if !strings.Contains(page, old.Title) || strings.Contains(page, newer.Title) {
			t.Errorf("%s is not a page of the chosen campaign", link)
		}
		for _, m := range hrefRe.FindAllStringSubmatch(page, -1) {
			h := html.UnescapeString(m[1])
			if (strings.HasPrefix(h, "/dashboard") || strings.HasPrefix(h, "/reports/")) && !strings.HasPrefix(h, "/dashboard/certificates/") {
				queue = append(queue, h)
			}
		}
		for _, f := range formRe.FindAllStringSubmatch(page, -1) {
			attrs, inner := f[1], f[2]
			action := ""
			if m := regexp.MustCompile(`action="([^"]*)"`).FindStringSubmatch(attrs); m != nil {
				action = html.UnescapeString(m[1])
			}
			if action != "" && !strings.HasPrefix(action, "/dashboard") && !strings.HasPrefix(action, "/reports/") {
				continue // logout, language switch...
			}
			if !regexp.MustCompile(`name="campaign" value="1"|name="campaign"[^>]*>.*<option value="1"[^>]*selected`).MatchString(inner) &&
				!strings.Contains(action, "campaign=1") {
				t.Errorf("a form on %s (action %q) does not carry campaign 1", link, action)
			}
		}
	}
	t.Logf("followed %d links", len(seen))
	// The selector names versions in the page's language.
	for lang, want := range map[string]string{"id": old.Title + " (versi 1, dibuka)", "en": old.Title + " (version 1, open)"} {
		_, page := e.get(admin, "/dashboard?campaign=1&lang="+lang)
		if !strings.Contains(page, want) || strings.Contains(page, "(v1, open)") {
			t.Errorf("campaign selector (%s) does not say %q", lang, want)
		}
	}
	if pages < 3 {
		t.Fatalf("followed only %d pages: %v", pages, seen)
	}
}
