package reach

import (
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/ikrar/ikrar/internal/i18n"
)

// The e-mail templates hold layout only: every word comes from the
// catalogue (package i18n) by key, Indonesian with {{id "key" args}},
// English with {{en "key" args}}.
var textFuncs = texttemplate.FuncMap{
	"id": func(key string, args ...any) string { return i18n.T("id", key, args...) },
	"en": func(key string, args ...any) string { return i18n.T("en", key, args...) },
}

// htmlFuncs add, for a sentence with markup inside, {{sentence "id" "key"
// args}}: the catalogue's words escaped as the template escapes text, with
// the arguments that are already HTML ({{strong x}}, {{anchor url}}) put in
// as they are and the others escaped.
var htmlFuncs = htmltemplate.FuncMap{
	"id":       textFuncs["id"],
	"en":       textFuncs["en"],
	"sentence": htmlSentence,
	"strong":   func(v any) htmltemplate.HTML { return snippet(strongTmpl, v) },
	"anchor":   func(v any) htmltemplate.HTML { return snippet(anchorTmpl, v) },
}

var (
	escapeTmpl = htmltemplate.Must(htmltemplate.New("text").Parse(`{{.}}`))
	strongTmpl = htmltemplate.Must(htmltemplate.New("strong").Parse(`<strong>{{.}}</strong>`))
	anchorTmpl = htmltemplate.Must(htmltemplate.New("anchor").Parse(`<a href="{{.}}">{{.}}</a>`))
)

// snippet is v put into a small HTML template, escaped by html/template
// itself, so a sentence built from catalogue words and values comes out
// byte for byte as the same markup written in the page template would.
func snippet(t *htmltemplate.Template, v any) htmltemplate.HTML {
	var b strings.Builder
	if err := t.Execute(&b, v); err != nil {
		return htmltemplate.HTML(htmltemplate.HTMLEscapeString(fmt.Sprint(v)))
	}
	return htmltemplate.HTML(b.String())
}

// htmlSentence is message key in lang as HTML: its words escaped, its
// HTML arguments kept, the rest escaped.
func htmlSentence(lang, key string, args ...any) htmltemplate.HTML {
	format := string(snippet(escapeTmpl, i18n.T(lang, key)))
	escaped := make([]any, len(args))
	for i, a := range args {
		switch a.(type) {
		case htmltemplate.HTML:
			escaped[i] = a
		case int, int64, uint:
			escaped[i] = a // keeps %d working
		default:
			escaped[i] = snippet(escapeTmpl, a)
		}
	}
	return htmltemplate.HTML(fmt.Sprintf(format, escaped...))
}
