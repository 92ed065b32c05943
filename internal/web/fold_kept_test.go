package web

import (
	"bytes"
	"testing"

	"github.com/ikrar/ikrar/internal/pledge"
)

// TestFoldedPageKept wants a page folded once and then reused, whatever
// ran before its first request. A fold clones the page, and html/template
// refuses to clone a set once it has executed: when the signing page's
// points block was rendered from the page's own set first, every later
// request cloned the whole set, failed, and rendered unfolded (2,200
// allocations per signing visit instead of ~520).
func TestFoldedPageKept(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first func(t *testing.T, r *renderer)
	}{
		{"points block first", func(t *testing.T, r *renderer) {
			blank := signData{Text: pledge.Text{Points: []string{"satu", "dua"}}, Ticked: make([]bool, 2)}
			var buf bytes.Buffer
			if err := r.renderBlock(&buf, "id", "sign", "pledge-points", &blank); err != nil {
				t.Fatal(err)
			}
		}},
		{"page itself first", func(t *testing.T, r *renderer) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := testRenderer(t)
			tc.first(t, r)
			var firstUse any
			for i := range 3 {
				// A form sent back with a point ticked: the template renders
				// it, not the compiled form.
				p := signSpec.probe("id", 0, &fieldValues{})
				d := p.Data.(*signData)
				d.Text.Points, d.Ticked, d.PointsHTML = []string{"satu", "dua"}, []bool{true, false}, ""
				var buf bytes.Buffer
				if err := r.renderTo(&buf, "sign", p); err != nil {
					t.Fatal(err)
				}
				got, ok := r.folded["id"].pages.Load("sign")
				switch {
				case !ok:
					t.Fatalf("request %d: no folded signing page kept", i+1)
				case got == r.pages["sign"]:
					t.Fatalf("request %d: the kept signing page is the unfolded template", i+1)
				case i == 0:
					firstUse = got
				case got != firstUse:
					t.Fatalf("request %d: the signing page was folded again", i+1)
				}
			}
		})
	}
}

// TestFailedFoldNotRetried: a page that cannot be folded (here: its set
// has executed, so it cannot be cloned) renders from its template, and
// the failed fold is not tried again on every request.
func TestFailedFoldNotRetried(t *testing.T) {
	r := testRenderer(t)
	p := signSpec.probe("id", 0, &fieldValues{})
	var buf bytes.Buffer
	if err := r.pages["sign"].ExecuteTemplate(&buf, "layout", p); err != nil {
		t.Fatal(err)
	}
	f := r.folded["id"]
	for i := range 2 {
		if got := f.page("sign", r.pages["sign"]); got != r.pages["sign"] {
			t.Fatalf("call %d: a page that cannot be folded got a folded copy", i+1)
		}
		if kept, ok := f.pages.Load("sign"); !ok || kept != r.pages["sign"] {
			t.Fatalf("call %d: the failed fold was not remembered (%v, %v)", i+1, kept, ok)
		}
	}
}
