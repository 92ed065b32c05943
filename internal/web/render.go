package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
)

// renderer holds one parsed template set per page, each cloned from the
// layout, parsed once at start-up.
type renderer struct {
	pages  map[string]*template.Template
	folded map[string]*folded // per language: see foldLanguage
	// compiled are the signing page and the receipt as chunks between
	// their fields, used for folded pages (compiled.go).
	compiled map[string]*compiledPage
	static   map[string]string // file name → content hash for cache busting
	gz       map[string][]byte // file name → its gzip form, made once at start-up
	// bufs reuses page buffers: growing a fresh one to a page's size was
	// the largest allocation of a signing request.
	bufs sync.Pool
}

// FormatWIB renders a time as people in Indonesia write it:
// "28 Agustus 2023 12.20 WIB" (or "28 August 2023 12:20 WIB" in English).
func FormatWIB(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	if lang == "en" {
		return t.In(wib.Zone).Format("2 January 2006 15:04") + " WIB"
	}
	return wib.DateTime(t)
}

// FormatDate renders a date alone, in WIB: "1 Januari 2026".
func FormatDate(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(wib.Zone)
	if lang == "en" {
		return t.Format("2 January 2006")
	}
	return fmt.Sprintf("%d %s %d", t.Day(), wib.Month(t.Month()), t.Year())
}

func newRenderer(assets fs.FS) (*renderer, error) {
	r := &renderer{pages: map[string]*template.Template{}, static: map[string]string{}, gz: map[string][]byte{}}
	err := fs.WalkDir(assets, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		r.static[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		if z := gzipStatic(p, b); z != nil {
			r.gz[strings.TrimPrefix(p, "static/")] = z
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hash static files: %w", err)
	}
	funcs := template.FuncMap{
		"static": func(name string) (string, error) {
			h, ok := r.static[name]
			if !ok {
				return "", fmt.Errorf("unknown static file %q", name)
			}
			return "/static/" + name + "?v=" + h, nil
		},
		"wib": FormatWIB,
		"add": func(a, b int) int { return a + b },
		// pct prints a unit's completion the one way every view does
		// ("66,7", "—" for a unit with nobody to sign); pctSign adds "%".
		"pct":           func(lang string, c report.Completion) string { return c.PercentText(lang) },
		"campaignLabel": campaignLabel,
		"pctSign": func(lang string, c report.Completion) string {
			if c.Empty() {
				return c.PercentText(lang)
			}
			return c.PercentText(lang) + "%"
		},
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i
			}
			return s
		},
		"lower":   strings.ToLower,
		"twolang": twoLang,
		"wa":      waLink,
		"deref": func(v any) any {
			switch x := v.(type) {
			case *time.Time:
				if x == nil {
					return time.Time{}
				}
				return *x
			case *string:
				if x == nil {
					return ""
				}
				return *x
			}
			return v
		},
	}
	base := template.New("layout").Funcs(funcs)
	shared, err := fs.Glob(assets, "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range append([]string{"templates/layout.html"}, shared...) {
		if err := r.parse(base, assets, p); err != nil {
			return nil, err
		}
	}
	pages, err := fs.Glob(assets, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if err := r.parse(t, assets, p); err != nil {
			return nil, err
		}
		r.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	// Cloned here, before any page is executed.
	r.compiled = map[string]*compiledPage{}
	for _, spec := range []compiledSpec{signSpec, receiptSpec} {
		t, ok := r.pages[spec.page]
		if !ok {
			continue // a set of templates without the page (some tests)
		}
		cp, err := newCompiledPage(spec, t)
		if err != nil {
			return nil, err
		}
		r.compiled[spec.page] = cp
	}
	return r, nil
}

// twoLang shows a message in the page's language, then in the other
// language marked with its lang, so a screen reader switches voice and
// the page's own language stays first.
func twoLang(lang string, m *i18n.Error) template.HTML {
	if m == nil {
		return ""
	}
	other := "en"
	if lang == "en" {
		other = "id"
	}
	return template.HTML(template.HTMLEscapeString(m.In(lang)) + ` / <span lang="` + other + `">` + template.HTMLEscapeString(m.In(other)) + `</span>`)
}

// parse adds one template file to t, then turns each {{static "name"}}
// with a constant name into its URL as plain template text (inlineStatic):
// a call and its three URL escapers per asset were a tenth of the template
// work of a signing page, and the URL never changes while the process
// runs. It works on the parsed tree, before html/template escapes it, so
// the URL is text in its context as if it had been typed there.
func (r *renderer) parse(t *template.Template, assets fs.FS, name string) error {
	b, err := fs.ReadFile(assets, name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if _, err := t.New(path.Base(name)).Parse(string(b)); err != nil {
		return fmt.Errorf("parse %s: %w", name, err)
	}
	for _, d := range t.Templates() {
		if d.Tree == nil {
			continue
		}
		if err := r.inlineStatic(d.Tree.Root); err != nil {
			return fmt.Errorf("parse %s: %w", name, err)
		}
	}
	return nil
}

// inlineStatic replaces, under n, every {{static "name"}} action by the
// text of its URL; an unknown name is an error at start-up.
func (r *renderer) inlineStatic(n parse.Node) error {
	var lists []*parse.ListNode
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for i, c := range n.Nodes {
			file, ok := staticName(c)
			if !ok {
				if err := r.inlineStatic(c); err != nil {
					return err
				}
				continue
			}
			h, ok := r.static[file]
			if !ok {
				return fmt.Errorf("unknown static file %q", file)
			}
			n.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: c.Position(), Text: []byte(html.EscapeString("/static/" + file + "?v=" + h))}
		}
	case *parse.IfNode:
		lists = []*parse.ListNode{n.List, n.ElseList}
	case *parse.RangeNode:
		lists = []*parse.ListNode{n.List, n.ElseList}
	case *parse.WithNode:
		lists = []*parse.ListNode{n.List, n.ElseList}
	}
	for _, l := range lists {
		if err := r.inlineStatic(l); err != nil {
			return err
		}
	}
	return nil
}

// staticName is the file of a {{static "name"}} action with a constant name.
func staticName(n parse.Node) (string, bool) {
	a, ok := n.(*parse.ActionNode)
	if !ok || len(a.Pipe.Decl) > 0 || len(a.Pipe.Cmds) != 1 || len(a.Pipe.Cmds[0].Args) != 2 {
		return "", false
	}
	args := a.Pipe.Cmds[0].Args
	fn, ok := args[0].(*parse.IdentifierNode)
	if !ok || fn.Ident != "static" {
		return "", false
	}
	file, ok := args[1].(*parse.StringNode)
	if !ok {
		return "", false
	}
	return file.Text, true
}

// Render implements echo.Renderer. Rendering into a buffer first means a
// template error becomes a clean error page, not half a page.
func (r *renderer) Render(w io.Writer, name string, data any, c echo.Context) error {
	buf := r.buffer()
	defer r.release(buf)
	if err := r.renderTo(buf, name, data); err != nil {
		return err
	}
	if c != nil { // tests render without a request
		holdAnswer(c.Request()) // one write for headers and page (listen.go)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// write renders a page and sends it in one piece with its length. Echo's
// c.Render renders into a fresh buffer grown to the page's size and sends
// it without a length; on the signing pages that buffer was the largest
// allocation of a request.
func (r *renderer) write(c echo.Context, status int, name string, data any) error {
	buf := r.buffer()
	defer r.release(buf)
	if err := r.renderTo(buf, name, data); err != nil {
		return err
	}
	holdAnswer(c.Request()) // one write for headers and page (listen.go)
	res := c.Response()
	h := res.Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	res.WriteHeader(status)
	_, err := res.Write(buf.Bytes())
	return err
}

// render is c.Render through renderer.write; a test that puts its own
// renderer in place gets c.Render.
func (s *Server) render(c echo.Context, status int, name string, data any) error {
	if r, ok := c.Echo().Renderer.(*renderer); ok {
		return r.write(c, status, name, data)
	}
	return c.Render(status, name, data)
}

func (r *renderer) renderTo(buf *bytes.Buffer, name string, data any) error {
	if r.renderCompiled(buf, name, data) {
		return nil
	}
	t, ok := r.pageFor(name, data)
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return nil
}

// buffer is a page buffer from the pool; release returns it.
func (r *renderer) buffer() *bytes.Buffer {
	if buf, _ := r.bufs.Get().(*bytes.Buffer); buf != nil {
		return buf
	}
	return new(bytes.Buffer)
}

func (r *renderer) release(buf *bytes.Buffer) {
	// Keep ordinary pages' buffers; let a rare huge one go.
	if buf.Cap() <= 256<<10 {
		buf.Reset()
		r.bufs.Put(buf)
	}
}

// campaignLabel names a campaign in a selector in the page's language:
// "Ikrar … (versi 2, ditutup)".
func campaignLabel(lang string, c store.Campaign) string {
	t := i18n.Table(lang)
	status := t["status_"+string(c.Status)]
	if status == "" {
		status = string(c.Status)
	}
	return fmt.Sprintf("%s (%s %d, %s)", c.Title, strings.ToLower(t["version"]), c.Version, strings.ToLower(status))
}
