package web

import (
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"

	ikrar "github.com/ikrar/ikrar"
)

// TestMessagesSameKeys keeps the two languages in step: a key missing in
// one language renders as an empty string on that page.
func TestMessagesSameKeys(t *testing.T) {
	id, en := messages["id"], messages["en"]
	if len(messages) != 2 || id == nil || en == nil {
		t.Fatalf("languages: %d, want id and en", len(messages))
	}
	var missing []string
	for k := range id {
		if _, ok := en[k]; !ok {
			missing = append(missing, "en:"+k)
		}
	}
	for k := range en {
		if _, ok := id[k]; !ok {
			missing = append(missing, "id:"+k)
		}
	}
	for lang, m := range messages {
		for k, v := range m {
			if strings.TrimSpace(v) == "" {
				missing = append(missing, lang+":"+k+" (empty)")
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("keys missing: %v", missing)
	}
}

// TestAdminTemplateKeys checks every message an admin page names exists,
// so a typo cannot render a blank label.
func TestAdminTemplateKeys(t *testing.T) {
	files, err := fs.Glob(ikrar.Assets, "templates/pages/admin*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no admin templates (%v)", err)
	}
	re := regexp.MustCompile(`(?:\.T|\$t)\.([a-z0-9_]+)`)
	for _, name := range files {
		b, err := fs.ReadFile(ikrar.Assets, name)
		if err != nil {
			t.Fatal(err)
		}
		ms := re.FindAllSubmatch(b, -1)
		if len(ms) == 0 {
			t.Errorf("%s names no messages; is the pattern right?", name)
		}
		for _, m := range ms {
			if _, ok := messages["id"][string(m[1])]; !ok {
				t.Errorf("%s uses unknown message %q", name, m[1])
			}
		}
	}
}
