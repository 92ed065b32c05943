// Package i18ntest checks from the outside that a rendered message or
// document takes its words from the catalogue: every word in it must be a
// word of some catalogue message or of the data it was made from.
package i18ntest

import (
	"html"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/wib"
)

var (
	tagRe  = regexp.MustCompile(`(?s)<[^>]*>`)
	wordRe = regexp.MustCompile(`\p{L}{2,}`)
	// cutRe is a word a document cut to fit ("Pemerin…"): not judged.
	cutRe = regexp.MustCompile(`\p{L}+(…|\.\.\.)`)
)

// Words are the words (two letters or more, case folded) of s, with HTML
// tags left out and entities decoded.
func Words(s string) []string {
	s = html.UnescapeString(tagRe.ReplaceAllString(s, " "))
	return wordRe.FindAllString(strings.ToLower(s), -1)
}

// catalogueWords is every word of every message in both languages, and
// the month and weekday names dates are written with.
func catalogueWords() map[string]bool {
	known := map[string]bool{}
	add := func(s string) {
		for _, w := range Words(s) {
			known[w] = true
		}
	}
	for _, lang := range []string{"id", "en"} {
		for _, m := range i18n.Table(lang) {
			add(m)
		}
	}
	for m := 1; m <= 12; m++ {
		add(wib.Month(time.Month(m)))
	}
	for d := 0; d < 7; d++ {
		add(wib.Weekday(time.Weekday(d)))
	}
	// English dates (wib.DeadlineEN, "Monday, 2 January 2006") use Go's names.
	add("January February March April May June July August September October November December")
	add("Sunday Monday Tuesday Wednesday Thursday Friday Saturday")
	return known
}

// Stray is the words of text that are in no catalogue message and in none
// of data (what the document was made from: names, titles, links, dates
// as written), sorted and once each. Empty means every word of text came
// from the catalogue or the data.
func Stray(text string, data ...string) []string {
	known := catalogueWords()
	for _, d := range data {
		for _, w := range Words(d) {
			known[w] = true
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, w := range Words(cutRe.ReplaceAllString(text, " ")) {
		if !known[w] && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}
