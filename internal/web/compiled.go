package web

import (
	"bytes"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The signing page and the receipt are most of what the service renders
// during a campaign. Folded per language (fold.go) they still run about
// 30 actions each, every one a reflective field walk and an escaper
// called through reflection: together the largest part of a signing
// visit's CPU. A compiled form of such a page is the same page as byte
// chunks between its request fields, with each field's escaping taken
// from html/template itself:
//
//   - the template stays the only source of the markup: a compiled form
//     is made by executing the template with probe values (each field a
//     unique marker around a probe string) and cutting the output at the
//     markers;
//   - each place a field is printed gets the escaper, among the few
//     html/template uses on these pages (escapers below, copied from it),
//     whose output equals the template's for every probe string: all
//     ASCII bytes, non-ASCII and broken UTF-8, percent escapes, unsafe
//     URL schemes. A place no escaper explains leaves the page to the
//     template;
//   - a form is made for one variant (which optional parts show: see
//     compiledSpec.variant) and one language, when a request first needs
//     it; a page with anything the variants leave out (errors, another
//     campaign to list, a staff member signed in ...) is rendered by the
//     template as before.
//
// TestCompiledPagesSameAsTemplates and FuzzCompiledPages compare the two
// for every variant, both languages and hostile values;
// TestFoldedPagesSameAsTemplates does so for the pages real requests get.

// fieldKind is how a probe value reaches the template.
type fieldKind uint8

const (
	textField fieldKind = iota // a string field
	htmlField                  // a template.HTML field (already safe markup)
	numField                   // a number: probed with a unique number
	funcField                  // the result of a template function (compiledField.fn)
)

type compiledField struct {
	name string
	kind fieldKind
	fn   string // for funcField: the function whose result this is
}

// maxCompiledFields bounds the fields of a compiled page, so a request's
// values fit an array on the stack.
const maxCompiledFields = 20

type fieldValues [maxCompiledFields]string

// compiledSpec says what of a page varies per request.
type compiledSpec struct {
	page   string
	fields []compiledField
	// variant names the compiled form that fits p, or ok false when p
	// shows a part no compiled form has (the template renders it).
	variant func(p page) (key uint8, ok bool)
	// values puts p's value of each field in v (numbers as decimal text);
	// a field whose bit is not in prints (1<<field) is not printed by the
	// form at hand and may be left out.
	values func(p page, prints uint32, v *fieldValues)
	// probe builds a page of variant key in lang whose fields are v.
	probe func(lang string, key uint8, v *fieldValues) page
}

// compiledForm is one page variant in one language.
type compiledForm struct {
	chunks []string // len(slots)+1 pieces of fixed markup
	slots  []slot
	prints uint32 // 1<<field for each field with a slot
}

type slot struct {
	field int
	esc   escaper
}

func (f *compiledForm) render(buf *bytes.Buffer, v *fieldValues) {
	for i, s := range f.slots {
		buf.WriteString(f.chunks[i])
		s.esc.write(buf, v[s.field])
	}
	buf.WriteString(f.chunks[len(f.chunks)-1])
}

// compiledPage holds one page's spec, its probe template and the forms
// made so far.
type compiledPage struct {
	spec compiledSpec
	mu   sync.Mutex // probing: one probe template, values in cur
	t    *template.Template
	cur  fieldValues
	// forms maps a formKey to its *compiledForm, or to nil when the
	// variant could not be compiled (then the template renders it).
	forms sync.Map
}

type formKey struct {
	lang    string
	variant uint8
}

// newCompiledPage prepares spec's page: t must not have been executed
// (it is cloned, and the clone's functions of funcFields return the
// probe values).
func newCompiledPage(spec compiledSpec, t *template.Template) (*compiledPage, error) {
	if len(spec.fields) > maxCompiledFields {
		return nil, fmt.Errorf("compile %s: %d fields, at most %d", spec.page, len(spec.fields), maxCompiledFields)
	}
	c, err := t.Clone()
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", spec.page, err)
	}
	cp := &compiledPage{spec: spec, t: c}
	funcs := template.FuncMap{}
	for i, f := range spec.fields {
		if f.kind == funcField {
			funcs[f.fn] = func(...any) string { return cp.cur[i] }
		}
	}
	c.Funcs(funcs)
	return cp, nil
}

// render writes p with its compiled form, or reports false when p needs
// the template.
func (cp *compiledPage) render(buf *bytes.Buffer, p page) bool {
	key, ok := cp.spec.variant(p)
	if !ok {
		return false
	}
	fk := formKey{p.Lang, key}
	var form *compiledForm
	if f, ok := cp.forms.Load(fk); ok {
		form = f.(*compiledForm)
	} else {
		form = cp.compile(fk)
	}
	if form == nil {
		return false
	}
	var v fieldValues
	cp.spec.values(p, form.prints, &v)
	form.render(buf, &v)
	return true
}

func (cp *compiledPage) compile(fk formKey) *compiledForm {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if f, ok := cp.forms.Load(fk); ok {
		return f.(*compiledForm)
	}
	form, err := cp.probeForm(fk)
	if err != nil {
		form = nil // the template renders this variant; tests name the reason
	}
	cp.forms.Store(fk, form)
	return form
}

// probeStrings are the values each field is tried with: every byte an
// escaper could change, and the cases where html/template's escapers look
// beyond one byte (percent escapes, URL schemes). None is empty: an empty
// field can hide a part of the page, which is the variant's business.
var probeStrings = func() []string {
	var all strings.Builder
	for b := range 0x80 {
		all.WriteByte(byte(b))
	}
	all.WriteString("é€\uFDD0\uFFFD\xff\xfe%4a%zz%")
	return []string{all.String(), "javascript:alert(1)", "HTTPS://x.test/?a=1&b='2'", "mailto:a@b", "%41%4", "  Budi & <b>Ani</b> \"'"}
}()

// marker is the unique text that stands for field i in the first probe
// render; markers are letters and digits, which no escaper changes.
func marker(i int, kind fieldKind, end bool) string {
	if kind == numField {
		return strconv.Itoa(739100000 + i*1000 + 7) // a number field holds only digits
	}
	if end {
		return "ikrarq" + strconv.Itoa(i) + "e"
	}
	return "ikrarq" + strconv.Itoa(i) + "b"
}

// probeForm makes the compiled form of one variant: a render with markers
// finds the chunks and the places of the fields, then each field is
// rendered with each probe string, and every place keeps only the
// escapers whose output agrees with the template's.
func (cp *compiledPage) probeForm(fk formKey) (*compiledForm, error) {
	fields := cp.spec.fields
	var v fieldValues
	for i, f := range fields {
		if f.kind == numField {
			v[i] = marker(i, f.kind, false)
		} else {
			v[i] = marker(i, f.kind, false) + probeStrings[0] + marker(i, f.kind, true)
		}
	}
	out, err := cp.exec(fk, &v)
	if err != nil {
		return nil, err
	}
	type place struct {
		start, end int // of the field's output, markers included
		field      int
	}
	var places []place
	for i, f := range fields {
		begin, end := marker(i, f.kind, false), marker(i, f.kind, true)
		for from := 0; ; {
			at := strings.Index(out[from:], begin)
			if at < 0 {
				break
			}
			at += from
			stop := at + len(begin)
			if f.kind != numField {
				e := strings.Index(out[stop:], end)
				if e < 0 {
					return nil, fmt.Errorf("field %s: no end marker after %d", f.name, at)
				}
				stop += e + len(end)
			}
			places = append(places, place{at, stop, i})
			from = stop
		}
	}
	sort.Slice(places, func(a, b int) bool { return places[a].start < places[b].start })
	form := &compiledForm{}
	cands := make([][]escaper, len(places))
	prev := 0
	for k, pl := range places {
		if pl.start < prev {
			return nil, fmt.Errorf("field %s overlaps another", fields[pl.field].name)
		}
		form.chunks = append(form.chunks, out[prev:pl.start])
		form.slots = append(form.slots, slot{field: pl.field})
		form.prints |= 1 << pl.field
		f := fields[pl.field]
		got := out[pl.start:pl.end]
		for _, e := range escapers {
			if e.apply(v[pl.field]) == got {
				cands[k] = append(cands[k], e)
			}
		}
		if f.kind == htmlField { // safe markup is printed as it is, never escaped
			cands[k] = filterEscapers(cands[k], func(e escaper) bool { return e.name == "none" })
		}
		prev = pl.end
	}
	form.chunks = append(form.chunks, out[prev:])
	for _, c := range form.chunks {
		for i, f := range fields {
			if strings.Contains(c, marker(i, f.kind, false)) || strings.Contains(c, marker(i, f.kind, true)) {
				return nil, fmt.Errorf("field %s: a marker is left in the markup (a place no escaper explains)", f.name)
			}
		}
	}
	// Each field alone with each probe string: the template's whole page
	// must equal the form's for some escaper at each of its places.
	for i, f := range fields {
		var probes []string
		if f.kind == numField {
			probes = []string{"1", "4294967295", "9223372036854775807"} // not 0: a zero id means no campaign
		} else {
			probes = probeStrings
		}
		for _, ps := range probes {
			w := v
			w[i] = ps
			want, err := cp.exec(fk, &w)
			if err != nil {
				return nil, err
			}
			for k, s := range form.slots {
				if s.field != i {
					continue
				}
				cands[k] = filterEscapers(cands[k], func(e escaper) bool {
					form.slots[k].esc = e
					return form.renderString(&w, cands, k) == want
				})
				if len(cands[k]) == 0 {
					return nil, fmt.Errorf("field %s: no escaper gives the template's output for %q", f.name, ps)
				}
				form.slots[k].esc = cands[k][0]
			}
		}
	}
	for k := range form.slots {
		if len(cands[k]) == 0 {
			return nil, fmt.Errorf("field %s: no escaper gives the template's output", fields[form.slots[k].field].name)
		}
		form.slots[k].esc = cands[k][0]
	}
	return form, nil
}

// renderString renders the form with every place but k using its first
// remaining escaper.
func (f *compiledForm) renderString(v *fieldValues, cands [][]escaper, k int) string {
	var b bytes.Buffer
	for i, s := range f.slots {
		b.WriteString(f.chunks[i])
		e := s.esc
		if i != k && len(cands[i]) > 0 {
			e = cands[i][0]
		}
		e.write(&b, v[s.field])
	}
	b.WriteString(f.chunks[len(f.chunks)-1])
	return b.String()
}

func filterEscapers(es []escaper, keep func(escaper) bool) []escaper {
	var out []escaper
	for _, e := range es {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// exec renders the probe template for a variant with field values v.
func (cp *compiledPage) exec(fk formKey, v *fieldValues) (string, error) {
	cp.cur = *v
	var b strings.Builder
	if err := cp.t.ExecuteTemplate(&b, "layout", cp.spec.probe(fk.lang, fk.variant, v)); err != nil {
		return "", err
	}
	return b.String(), nil
}

// An escaper is one of the escaper chains html/template puts on these
// pages, as a function that appends to the page buffer.
type escaper struct {
	name  string
	write func(b *bytes.Buffer, s string)
}

func (e escaper) apply(s string) string {
	var b bytes.Buffer
	e.write(&b, s)
	return b.String()
}

var escapers = []escaper{
	{"html", writeHTMLEscaped},                                     // text, quoted attributes, <title>
	{"none", func(b *bytes.Buffer, s string) { b.WriteString(s) }}, // template.HTML in text
	{"url | html", func(b *bytes.Buffer, s string) { writeURLEscaped(b, s, false) }},
	{"urlnorm | html", func(b *bytes.Buffer, s string) { writeURLEscaped(b, s, true) }},
	{"urlfilter | urlnorm | html", func(b *bytes.Buffer, s string) {
		if !isSafeURL(s) {
			s = "#ZgotmplZ"
		}
		writeURLEscaped(b, s, true)
	}},
}

// writeHTMLEscaped is html/template's htmlReplacer with its
// htmlReplacementTable: every character it replaces is ASCII, and an
// ASCII byte is never part of a longer UTF-8 sequence, so a byte loop does
// the same.
func writeHTMLEscaped(b *bytes.Buffer, s string) {
	written := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[written:i])
		b.WriteString(repl)
		written = i + 1
	}
	b.WriteString(s[written:])
}

// writeURLEscaped is html/template's processURLOnto (norm: keep reserved
// characters and valid percent escapes) followed by its attribute
// escaper, which of the URL's output only changes '&' and '+'.
func writeURLEscaped(b *bytes.Buffer, s string, norm bool) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '*', ',', '/', ':', ';', '=', '?', '@', '[', ']':
			if norm {
				b.WriteByte(c)
				continue
			}
		case '&':
			if norm {
				b.WriteString("&amp;")
				continue
			}
		case '+':
			if norm {
				b.WriteString("&#43;")
				continue
			}
		case '-', '.', '_', '~':
			b.WriteByte(c)
			continue
		case '%':
			if norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				b.WriteByte(c)
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				b.WriteByte(c)
				continue
			}
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// isSafeURL is html/template's test for a URL at the start of an
// attribute: no scheme, or http, https or mailto.
func isSafeURL(s string) bool {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return false
		}
	}
	return true
}
