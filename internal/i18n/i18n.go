// Package i18n owns the wording of what ikrar says to people: page
// labels, flash messages, the errors of every domain package, CLI lines,
// the JSON API's problem texts, the e-mails and WhatsApp texts, and the
// words printed in the certificate, the reports and the link cards, by
// key, in Bahasa Indonesia and English side by side.
//
// To add a message, add a key to the file of the area that says it
// (pages.go for the web pages, roster.go, nip.go, pledge.go, verify.go,
// staff.go, api.go, report.go for the errors of those packages, cli.go for the
// command line, mail.go for what package reach sends, pdf.go for the
// PDFs and the XLSX report) with its Indonesian and English words, then
// use it:
//
//   - in a template: {{.T.key}} (the page's language table, a map index);
//   - in an e-mail template (package reach): {{id "key" args}} and
//     {{en "key" args}}, the message in each language;
//   - in Go: i18n.T(lang, "key", args...), fmt verbs in the words take args;
//   - as an error from a domain package: i18n.New("key", args...); the web
//     layer shows it in the page's language (Error.In, Message, TwoLang),
//     the CLI prints err.Error(), which is both languages, Indonesian
//     first. An argument that is itself an *Error is worded in the same
//     language.
//
// The certificate's words (cert_*) are pinned: verification re-renders a
// certificate and compares bytes, so changing one is a new layout.
//
// TestKeys fails when a key lacks a language, when a key is never used,
// and when code or a template names a key that does not exist;
// TestNoWordingOutside fails on Indonesian wording left in a Go literal or
// a page template's text outside this package.
//
// Not here: the pledge's own text (it belongs to each campaign and is
// stored with it, package pledge); month and weekday names (date formats,
// package wib); names that are part of a file format (CSV columns, XLSX
// sheet names, the roster and units files' column aliases); and technical
// errors for operators and logs (wrapped Go errors, and sentinel errors
// whose text is never shown: the web, API and CLI map them to keys).
package i18n

import (
	"errors"
	"fmt"
)

// Text is one message in both languages.
type Text struct {
	ID string // Bahasa Indonesia
	EN string // English
}

// catalogue is every message by key, merged once from the areas' tables.
var catalogue = merge(pages, nipErrors, rosterErrors, signErrors, verifyReasons, staffErrors, cliMessages, apiMessages, mailMessages, certificateWords, reportWords, reportErrors)

// tables is the catalogue per language, built once for templates and for
// lookups that need no formatting: a page reads .T.key from it.
var tables = map[string]map[string]string{"id": column(catalogue, "id"), "en": column(catalogue, "en")}

func merge(areas ...map[string]Text) map[string]Text {
	all := map[string]Text{}
	for _, a := range areas {
		for k, v := range a {
			if _, dup := all[k]; dup {
				panic("i18n: key " + k + " defined twice")
			}
			all[k] = v
		}
	}
	return all
}

func column(c map[string]Text, lang string) map[string]string {
	m := make(map[string]string, len(c))
	for k, v := range c {
		m[k] = v.In(lang)
	}
	return m
}

// In is the message in lang ("en" English, anything else Indonesian).
func (t Text) In(lang string) string {
	if lang == "en" {
		return t.EN
	}
	return t.ID
}

// Lang returns "en" for English and "id" for anything else.
func Lang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "id"
}

// Table is every message in lang by key. The map is shared: read only.
func Table(lang string) map[string]string {
	return tables[Lang(lang)]
}

// Has reports whether key is in the catalogue.
func Has(key string) bool {
	_, ok := catalogue[key]
	return ok
}

// T is the message key in lang, with args formatted into it (fmt verbs).
// An argument that is itself an *Error or a Text is put in the same
// language. An unknown key comes back as "!key" so it shows, not hides.
// Without args it is one map index and allocates nothing.
func T(lang, key string, args ...any) string {
	m, ok := catalogue[key]
	if !ok {
		return "!" + key
	}
	s := m.In(lang)
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, localise(lang, args)...)
}

// localise words arguments that carry their own two languages in lang,
// copying args only when one does.
func localise(lang string, args []any) []any {
	var out []any
	for i, a := range args {
		var s string
		switch x := a.(type) {
		case *Error:
			s = x.In(lang)
		case Text:
			s = x.In(lang)
		default:
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = s
	}
	if out == nil {
		return args
	}
	return out
}

// Both is the message in Indonesian, then " / ", then English: the form
// of logs, CLI output and anything read by people of either language.
func Both(key string, args ...any) string {
	return T("id", key, args...) + " / " + T("en", key, args...)
}

// TwoLang is the message in lang, then " / ", then in the other language:
// a refused form is understood either way, the page's language first.
func TwoLang(lang, key string, args ...any) string {
	if lang == "en" {
		return T("en", key, args...) + " / " + T("id", key, args...)
	}
	return Both(key, args...)
}

// Error is an error for people: a catalogue key and its arguments, worded
// where it is shown, in the reader's language.
type Error struct {
	Key  string
	Args []any
}

// New is the error with message key and its arguments.
func New(key string, args ...any) *Error { return &Error{Key: key, Args: args} }

// Error is both languages, Indonesian first.
func (e *Error) Error() string { return Both(e.Key, e.Args...) }

// In is the error in lang.
func (e *Error) In(lang string) string { return T(lang, e.Key, e.Args...) }

// TwoLang is the error in lang, then in the other language.
func (e *Error) TwoLang(lang string) string { return TwoLang(lang, e.Key, e.Args...) }

// Message is err worded in lang when it carries a key anywhere in its
// chain, else its own text.
func Message(lang string, err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.In(lang)
	}
	return err.Error()
}
