package web

import (
	"io/fs"
	"regexp"
	"testing"

	ikrar "github.com/ikrar/ikrar"

	"github.com/ikrar/ikrar/internal/i18n"
)

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
			if !i18n.Has(string(m[1])) {
				t.Errorf("%s uses unknown message %q", name, m[1])
			}
		}
	}
}
