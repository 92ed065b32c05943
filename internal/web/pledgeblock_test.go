package web

import (
	"bytes"
	"strings"
	"testing"

	ikrar "github.com/ikrar/ikrar"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
)

// TestPointsHTMLSameAsPage checks that the signing page with its
// pre-rendered points is byte for byte the page rendered in full, that
// an edited text gets a new block, and that a form with ticked points is
// rendered in full (its checkboxes stay ticked).
func TestPointsHTMLSameAsPage(t *testing.T) {
	s, err := New(Deps{Assets: ikrar.Assets})
	if err != nil {
		t.Fatal(err)
	}
	edited := pledge.DefaultID
	edited.Points = append([]string{"Butir <baru> & \"diubah\""}, pledge.DefaultID.Points[1:]...)
	tests := []struct {
		name      string
		lang      string
		text      pledge.Text
		ticked    []bool
		wantBlock bool
		want      []string
	}{
		{"Indonesian", "id", pledge.DefaultID, make([]bool, 4), true, []string{`name="point4"  required>`, pledge.DefaultID.Points[3]}},
		{"English", "en", pledge.DefaultEN, make([]bool, 4), true, []string{pledge.DefaultEN.Points[0]}},
		{"edited text, same campaign", "id", edited, make([]bool, 4), true, []string{"Butir &lt;baru&gt; &amp; &#34;diubah&#34;"}},
		{"some points ticked", "id", pledge.DefaultID, []bool{true, false, true, true}, false, []string{`name="point1" checked required>`, `name="point2"  required>`}},
	}
	render := func(d *signData, lang string) string {
		var buf bytes.Buffer
		p := page{Lang: lang, T: i18n.Table(lang), Data: d}
		if err := s.renderer().Render(&buf, "sign", p, nil); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := &signData{Campaign: store.Campaign{ID: 3, Status: "open"}, Token: "tok", Text: tc.text, Ticked: tc.ticked}
			full := render(d, tc.lang)
			block, err := s.pointsHTML(tc.lang, d)
			if err != nil {
				t.Fatal(err)
			}
			if (block != "") != tc.wantBlock {
				t.Fatalf("pre-rendered block = %q, want one: %v", block, tc.wantBlock)
			}
			d.PointsHTML = block
			if got := render(d, tc.lang); got != full {
				t.Errorf("page with the pre-rendered block differs from the full page:\n%s\n---\n%s", got, full)
			}
			for _, w := range tc.want {
				if !strings.Contains(full, w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
}
