package web

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
)

// TestStaticURLsResolvedAtParse checks that {{static "name"}} becomes the
// hashed URL when templates are parsed, and that a missing file stops
// start-up instead of breaking pages later.
func TestStaticURLsResolvedAtParse(t *testing.T) {
	layout := `{{define "layout"}}<link href="{{static "app.css"}}"><b>{{template "content" .}}</b>{{end}}`
	tests := []struct {
		name    string
		page    string
		want    string
		wantErr string
	}{
		{"known file", `{{define "content"}}<script src="{{ static "x.js" }}"></script>{{end}}`,
			`<link href="/static/app.css?v=`, ""},
		{"inside a condition, with trim markers", `{{define "content"}}{{if true}}{{range seq 1}}<script src="{{- static "x.js" -}}"></script>{{end}}{{end}}{{end}}`,
			`<link href="/static/app.css?v=`, ""},
		{"unknown file", `{{define "content"}}<script src="{{static "gone.js"}}"></script>{{end}}`,
			"", `unknown static file "gone.js"`},
		{"unknown file in a branch", `{{define "content"}}{{with 1}}{{else}}<script src="{{static "gone.js"}}"></script>{{end}}{{end}}`,
			"", `unknown static file "gone.js"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assets := fstest.MapFS{
				"static/app.css":         {Data: []byte("body{}")},
				"static/x.js":            {Data: []byte("1")},
				"templates/layout.html":  {Data: []byte(layout)},
				"templates/pages/p.html": {Data: []byte(tc.page)},
			}
			r, err := newRenderer(assets)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := r.Render(&buf, "p", nil, nil); err != nil {
				t.Fatal(err)
			}
			got := buf.String()
			if !strings.Contains(got, tc.want) || !strings.Contains(got, `<script src="/static/x.js?v=`+r.static["x.js"]+`">`) {
				t.Errorf("page = %s", got)
			}
		})
	}
}
