package web

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	ikrar "github.com/ikrar/ikrar"
	"github.com/ikrar/ikrar/internal/i18n"
)

// compiledVariants are the variants of each compiled page.
var compiledVariants = map[string][]uint8{
	"sign":    {0, svAskCode, svDeadline, svDeadline | svDeadlineLeft, svAskCode | svDeadline, svAskCode | svDeadline | svDeadlineLeft},
	"receipt": {0},
}

// testRenderer is a renderer folded in both languages, as New makes it.
func testRenderer(t testing.TB) *renderer {
	t.Helper()
	r, err := newRenderer(ikrar.Assets)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"id", "en"} {
		if err := r.foldLanguage(lang, i18n.Table(lang)); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// compareCompiled (safe in any goroutine) renders the page of spec's variant key in lang with
// field values v (and a signing time) from its compiled form and from the
// template as parsed, and reports a difference.
func compareCompiled(t testing.TB, r *renderer, spec compiledSpec, lang string, key uint8, v *fieldValues, signedAt time.Time) {
	t.Helper()
	p := spec.probe(lang, key, v)
	if d := p.Data.(*signData); d.Signature != nil {
		d.Signature.SignedAt = signedAt
	}
	if got, ok := spec.variant(p); !ok || got != key {
		t.Errorf("%s: variant %v, %v of a page built as variant %v", spec.page, got, ok, key)
		return
	}
	var compiled, full bytes.Buffer
	if !r.renderCompiled(&compiled, spec.page, p) {
		form, _ := r.compiled[spec.page].forms.Load(formKey{lang, key})
		_, err := r.compiled[spec.page].probeForm(formKey{lang, key})
		t.Errorf("%s (%s, variant %d): no compiled form (%v): %v", spec.page, lang, key, form, err)
		return
	}
	if err := r.pages[spec.page].ExecuteTemplate(&full, "layout", p); err != nil {
		t.Error(err)
		return
	}
	if compiled.String() != full.String() {
		t.Errorf("%s (%s, variant %d) with %q:\ncompiled:\n%s\n--- template:\n%s", spec.page, lang, key, v[:len(spec.fields)], compiled.String(), full.String())
	}
}

var hostileValues = []string{
	"", " ", "Budi <script>alert(1)</script> & 'x' + \"y\"", `"><img src=x onerror=alert(2)>`, "javascript:alert(3)",
	"JavaScript:alert(4)", "https://x.test/a?b=c&d=e#f", "mailto:x@y", "%41%zz%", "/sign/abc?x=1", "a\x00b", "\xff\xfe",
	"Siti Nurhaliza, S.Kom., M.T.", "Ñoño Ünïcødé 中文 العربية 🙂", "\uFDD0\uFFFD", "{{.CSRF}}", "ikrarq3b", "739100007",
	"&amp; &#34; &lt;", "line\nbreak\ttab", "<!-- -->", "]]>", "`back`",
}

// TestCompiledPagesSameAsTemplates wants the compiled signing page and
// receipt byte for byte as their templates render them, in both
// languages, every variant, with markup, quotes, URLs and Unicode in every
// field.
func TestCompiledPagesSameAsTemplates(t *testing.T) {
	r := testRenderer(t)
	rnd := rand.New(rand.NewPCG(18, 1))
	when := time.Date(2024, 2, 14, 9, 30, 0, 0, time.UTC)
	for _, spec := range []compiledSpec{signSpec, receiptSpec} {
		for _, lang := range []string{"id", "en"} {
			for _, key := range compiledVariants[spec.page] {
				for round := range 40 {
					var v fieldValues
					for i, f := range spec.fields {
						switch {
						case f.kind == numField:
							v[i] = []string{"1", "7", "42", "4294967295"}[rnd.IntN(4)]
						case i == cfTitle: // the layout's title shows with its separator; a page without one is the template's
							v[i] = hostileValues[1+rnd.IntN(len(hostileValues)-1)]
						case round == 0:
							v[i] = "plain" + f.name
						default:
							v[i] = hostileValues[rnd.IntN(len(hostileValues))]
						}
					}
					if key&svDeadline != 0 && spec.page == "sign" && v[cfDeadlineWhen] == "" {
						v[cfDeadlineWhen] = "Jumat"
					}
					if key&svDeadlineLeft != 0 && spec.page == "sign" && v[cfDeadlineLeft] == "" {
						v[cfDeadlineLeft] = "3"
					}
					if spec.page == "sign" && v[cfPoints] == "" {
						v[cfPoints] = "<ol></ol>"
					}
					compareCompiled(t, r, spec, lang, key, &v, when.Add(time.Duration(rnd.IntN(1e6))*time.Minute))
				}
			}
		}
	}
}

// FuzzCompiledPages compares the compiled forms with the templates for
// any field values.
func FuzzCompiledPages(f *testing.F) {
	f.Add(uint8(0), "Budi <b>", "19870312", "javascript:x", "%zz&+'\"", "<p>x</p>")
	f.Add(uint8(7), "", "\xff", "https://a?b", "中文", "")
	r := testRenderer(f)
	f.Fuzz(func(t *testing.T, key uint8, a, b, c, d, html string) {
		for _, spec := range []compiledSpec{signSpec, receiptSpec} {
			variants := compiledVariants[spec.page]
			k := variants[int(key)%len(variants)]
			lang := []string{"id", "en"}[int(key/8)%2]
			var v fieldValues
			texts := []string{a, b, c, d}
			for i, fl := range spec.fields {
				switch fl.kind {
				case numField:
					v[i] = "7"
				case htmlField:
					v[i] = "<ol>" + html + "</ol>" // non-empty: empty points are the template's
				default:
					v[i] = texts[i%len(texts)]
				}
			}
			if v[cfTitle] == "" {
				v[cfTitle] = "t"
			}
			if spec.page == "sign" {
				v[cfDeadlineWhen] += "w"
				v[cfDeadlineLeft] += "l"
			}
			compareCompiled(t, r, spec, lang, k, &v, time.Unix(int64(len(a))*86400, 0))
		}
	})
}

// TestCompiledFormsFound: every variant of both pages compiles, and a
// page outside them (a problem list) is left to the template.
func TestCompiledFormsFound(t *testing.T) {
	r := testRenderer(t)
	for _, spec := range []compiledSpec{signSpec, receiptSpec} {
		for _, lang := range []string{"id", "en"} {
			for _, key := range compiledVariants[spec.page] {
				form, err := r.compiled[spec.page].probeForm(formKey{lang, key})
				if err != nil {
					t.Fatalf("%s (%s, variant %d): %v", spec.page, lang, key, err)
				}
				if len(form.slots) < 9 {
					t.Errorf("%s (%s, variant %d): only %d fields found", spec.page, lang, key, len(form.slots))
				}
				for _, s := range form.slots {
					t.Logf("%s %s %d: %s → %s", spec.page, lang, key, spec.fields[s.field].name, s.esc.name)
				}
			}
		}
	}
	var v fieldValues
	for i := range v {
		v[i] = "x"
	}
	v[cfCampaignID] = "1"
	p := signSpec.probe("id", 0, &v)
	p.Data.(*signData).Others = p.Data.(*signData).Others[:0:0]
	p.Data.(*signData).Problems = nil
	p.Data.(*signData).Closed = true
	if _, ok := signSpec.variant(p); ok {
		t.Error("a closed campaign's page has a compiled variant")
	}
	if strings.Contains(probeStrings[0], "ikrarq") {
		t.Error("the probe string contains a marker")
	}
}

// TestCompiledPagesConcurrently renders every variant from many
// goroutines at once on a fresh renderer, so forms are compiled while
// others render (run with -race).
func TestCompiledPagesConcurrently(t *testing.T) {
	r := testRenderer(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for _, spec := range []compiledSpec{signSpec, receiptSpec} {
				for _, lang := range []string{"id", "en"} {
					for _, key := range compiledVariants[spec.page] {
						var v fieldValues
						for i, f := range spec.fields {
							v[i] = f.name + " <&> " + string(rune('a'+g))
							if f.kind == numField {
								v[i] = "7"
							}
						}
						compareCompiled(t, r, spec, lang, key, &v, time.Date(2024, 2, 14, 9, 30, 0, 0, time.UTC))
					}
				}
			}
		})
	}
	wg.Wait()
}

// TestCSRFTokenOnlyWhenPrinted: a page's CSRF token is made when the page
// prints it: the signing page's form carries it, the receipt (no form)
// never makes one, by its compiled form or by the template.
func TestCSRFTokenOnlyWhenPrinted(t *testing.T) {
	r := testRenderer(t)
	s := &Server{keys: serverKeys{csrf: newKeyedMAC([]byte("test key"))}}
	var v fieldValues
	for i := range v {
		v[i] = "x"
	}
	v[cfCampaignID] = "1"
	for _, tc := range []struct {
		spec     compiledSpec
		compiled bool // by the compiled form, or by the template
		printed  bool
	}{
		{signSpec, true, true},
		{signSpec, false, true},
		{receiptSpec, true, false},
		{receiptSpec, false, false},
	} {
		for _, lang := range []string{"id", "en"} {
			p := tc.spec.probe(lang, 0, &v)
			p.csrf = &pageToken{s: s, binding: "anon:visitor"}
			var buf bytes.Buffer
			if tc.compiled {
				if !r.renderCompiled(&buf, tc.spec.page, p) {
					t.Fatalf("%s: no compiled form", tc.spec.page)
				}
			} else if err := r.pages[tc.spec.page].ExecuteTemplate(&buf, "layout", p); err != nil {
				t.Fatal(err)
			}
			made := p.csrf.tok != ""
			if made != tc.printed || (made && !strings.Contains(buf.String(), `name="_csrf" value="`+p.csrf.tok+`"`)) {
				t.Errorf("%s (%s, compiled %v): token made %v, want %v; printed in the page: %v",
					tc.spec.page, lang, tc.compiled, made, tc.printed, made && strings.Contains(buf.String(), p.csrf.tok))
			}
			if made && !s.csrfValid("anon:visitor", p.csrf.tok) {
				t.Errorf("%s (%s): the printed token is not valid", tc.spec.page, lang)
			}
		}
	}
}
