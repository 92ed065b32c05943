package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"reflect"
	"strings"
	"sync"
	"text/template/parse"
)

// A page in one language repeats the same words on every request: every
// {{.T.key}}, {{.Lang}} and {{if eq .Lang "en"}} gives the same output for
// everyone reading Indonesian, and again for everyone reading English. In
// html/template each of those actions is a map lookup and an escaper
// called through reflection, and they were about half the ~60 actions
// of a signing visit's two pages. foldLanguage makes one copy of every
// page per language in which those actions are already text, so a page
// executes only the actions that depend on the request.
//
// It works on the escaped templates (html/template escapes a template
// set on its first execution and rewrites each action into a pipeline
// ending in the escapers its context needs), so every folded action
// keeps exactly the escaping the page had: the value is escaped by
// html/template itself, in a probe template whose escaper chain is the
// same (see escapeProbes). An action whose chain has no probe, or whose
// dot is not certainly the page, is left as it was.
// TestFoldedPagesSameAsTemplates compares every page, folded and not.

// folded is every page specialised for one language. A page is folded
// when a request first needs it and kept: a folded page holds its own
// escaped copy of the layout and partials, and all of them in both
// languages held 10 MB that an idle instance (most pages never asked
// for) carried from start-up (idle RSS 53 MB against 38 MB before the
// fold; the bar is 40 MB). foldLanguage still folds every page once at
// start-up, so a page that cannot be folded stops the server there;
// `ikrar serve` then hands that garbage back (debug.FreeOSMemory).
type folded struct {
	table  map[string]string // the .T it was folded with
	consts pageConsts
	probes escapeProbes
	mu     sync.Mutex // one fold at a time; reads go through pages
	pages  sync.Map   // page name → *template.Template
}

// foldLanguage folds, for lang and its message table, each action of
// every page whose value only depends on the language, and keeps what
// it needs to fold a page again when a request first asks for it.
func (r *renderer) foldLanguage(lang string, table map[string]string) error {
	probes, err := newEscapeProbes()
	if err != nil {
		return err
	}
	f := &folded{table: table, consts: pageConsts{lang: lang, table: table}, probes: probes}
	for name, t := range r.pages {
		if _, err := f.fold(name, t); err != nil {
			return err // thrown away: folded again at first use
		}
	}
	if r.folded == nil {
		r.folded = map[string]*folded{}
	}
	r.folded[lang] = f
	return nil
}

// fold clones page t and folds the clone.
func (f *folded) fold(name string, t *template.Template) (*template.Template, error) {
	c, err := t.Clone()
	if err != nil {
		return nil, fmt.Errorf("fold %s: %w", name, err)
	}
	// Executing escapes the layout and every template it calls; the
	// data is nil, so execution itself stops at the first field.
	var escErr *template.Error
	if err := c.ExecuteTemplate(io.Discard, "layout", nil); errors.As(err, &escErr) {
		return nil, fmt.Errorf("fold %s: %w", name, err)
	}
	if err := foldSet(c, f.consts, f.probes); err != nil {
		return nil, fmt.Errorf("fold %s (%s): %w", name, f.consts.lang, err)
	}
	return c, nil
}

// page is the folded copy of page t, folded now if no request has
// needed it yet; t itself if it cannot be folded (start-up proved it
// can, so this is only a guard: t renders the same bytes, slower). A
// failed fold is kept as t too: it would fail again (a set that has
// executed cannot be cloned), and trying cost a clone of the whole set
// on every request.
func (f *folded) page(name string, t *template.Template) *template.Template {
	if c, ok := f.pages.Load(name); ok {
		return c.(*template.Template)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.pages.Load(name); ok {
		return c.(*template.Template)
	}
	c, err := f.fold(name, t)
	if err != nil {
		c = t
	}
	f.pages.Store(name, c)
	return c
}

// pageFor is the template to execute for a page: its folded copy when
// data is a page in a folded language with the table it was folded with.
func (r *renderer) pageFor(name string, data any) (*template.Template, bool) {
	t, ok := r.pages[name]
	if !ok {
		return nil, false
	}
	if p, ok := data.(page); ok {
		if f, ok := r.folded[p.Lang]; ok && sameTable(f.table, p.T) {
			return f.page(name, t), true
		}
	}
	return t, true
}

// renderBlock executes one named block of a page with data, from the
// page's folded copy in lang. Never from the page's own set: a set that
// has executed cannot be cloned, so the page could no longer be folded.
func (r *renderer) renderBlock(buf *bytes.Buffer, lang, name, block string, data any) error {
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	if f, ok := r.folded[lang]; ok {
		t = f.page(name, t)
	}
	return t.ExecuteTemplate(buf, block, data)
}

// renderCompiled renders a page in a folded language with its compiled
// form when it has one for this page's variant; false means the template
// must render it.
func (r *renderer) renderCompiled(buf *bytes.Buffer, name string, data any) bool {
	cp, ok := r.compiled[name]
	if !ok {
		return false
	}
	p, ok := data.(page)
	if !ok {
		return false
	}
	if f, ok := r.folded[p.Lang]; !ok || !sameTable(f.table, p.T) {
		return false
	}
	return cp.render(buf, p)
}

// sameTable reports whether a and b are the same map (not merely equal).
func sameTable(a, b map[string]string) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// pageConsts are the page fields that are the same for every request in
// one language.
type pageConsts struct {
	lang  string
	table map[string]string
}

// value is the constant value of a field chain on the page (.Lang,
// .T.key), if it is one.
func (k pageConsts) value(fields []string) (string, bool) {
	switch {
	case len(fields) == 1 && fields[0] == "Lang":
		return k.lang, true
	case len(fields) == 2 && fields[0] == "T":
		return k.table[fields[1]], true // a missing key prints "", as the map index would
	}
	return "", false
}

// foldSet folds the escaped templates reachable from "layout" whose dot
// is the page at every call.
func foldSet(t *template.Template, k pageConsts, probes escapeProbes) error {
	onPage := pageTemplates(t)
	for name, ok := range onPage {
		if !ok {
			continue
		}
		tmpl := t.Lookup(name)
		if tmpl == nil || tmpl.Tree == nil || tmpl.Tree.Root == nil {
			continue
		}
		if err := foldList(tmpl.Tree.Root, true, k, probes); err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
	}
	return nil
}

// pageTemplates finds the templates reachable from "layout" and whether
// each is only ever called with the page as its data (then both . at its
// top level and $ are the page).
func pageTemplates(t *template.Template) map[string]bool {
	onPage := map[string]bool{}
	queue := []string{"layout"}
	onPage["layout"] = true
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		tmpl := t.Lookup(name)
		if tmpl == nil || tmpl.Tree == nil || tmpl.Tree.Root == nil {
			continue
		}
		visitCalls(tmpl.Tree.Root, onPage[name], onPage[name], func(callee string, withPage bool) {
			was, seen := onPage[callee]
			switch {
			case !seen:
				onPage[callee] = withPage
			case was && !withPage:
				onPage[callee] = false
			default:
				return
			}
			queue = append(queue, callee)
		})
	}
	return onPage
}

// visitCalls reports each {{template}} call under n and whether it passes
// the page: dotPage says . is the page there, dollarPage that $ is.
func visitCalls(n parse.Node, dotPage, dollarPage bool, call func(name string, withPage bool)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			visitCalls(c, dotPage, dollarPage, call)
		}
	case *parse.IfNode:
		visitCalls(n.List, dotPage, dollarPage, call)
		visitCalls(n.ElseList, dotPage, dollarPage, call)
	case *parse.WithNode: // dot is the pipeline's value inside, unchanged in else
		visitCalls(n.List, false, dollarPage, call)
		visitCalls(n.ElseList, dotPage, dollarPage, call)
	case *parse.RangeNode:
		visitCalls(n.List, false, dollarPage, call)
		visitCalls(n.ElseList, dotPage, dollarPage, call)
	case *parse.TemplateNode:
		call(n.Name, isPage(n.Pipe, dotPage, dollarPage))
	}
}

// isPage reports whether a template call's argument is the page itself.
func isPage(p *parse.PipeNode, dotPage, dollarPage bool) bool {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	switch a := p.Cmds[0].Args[0].(type) {
	case *parse.DotNode:
		return dotPage
	case *parse.VariableNode:
		return dollarPage && len(a.Ident) == 1 && a.Ident[0] == "$"
	}
	return false
}

// foldList replaces, in a template whose $ is the page, the constant
// actions and language conditions under l; dotPage says . is the page.
func foldList(l *parse.ListNode, dotPage bool, k pageConsts, probes escapeProbes) error {
	if l == nil {
		return nil
	}
	out := l.Nodes[:0]
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			v, ok := constPipe(n.Pipe, dotPage, k)
			if !ok {
				break
			}
			s, ok, err := probes.escape(n.Pipe.Cmds[1:], v)
			if err != nil {
				return err
			}
			if ok {
				out = appendText(out, s)
				continue
			}
		case *parse.IfNode:
			if cond, ok := langCondition(n.Pipe, dotPage, k); ok {
				branch := n.ElseList
				if cond {
					branch = n.List
				}
				if err := foldList(branch, dotPage, k, probes); err != nil {
					return err
				}
				if branch != nil {
					for _, b := range branch.Nodes {
						if t, ok := b.(*parse.TextNode); ok {
							out = appendText(out, string(t.Text))
						} else {
							out = append(out, b)
						}
					}
				}
				continue
			}
			if err := foldList(n.List, dotPage, k, probes); err != nil {
				return err
			}
			if err := foldList(n.ElseList, dotPage, k, probes); err != nil {
				return err
			}
		case *parse.WithNode:
			if err := foldList(n.List, false, k, probes); err != nil {
				return err
			}
			if err := foldList(n.ElseList, dotPage, k, probes); err != nil {
				return err
			}
		case *parse.RangeNode:
			if err := foldList(n.List, false, k, probes); err != nil {
				return err
			}
			if err := foldList(n.ElseList, dotPage, k, probes); err != nil {
				return err
			}
		case *parse.TextNode:
			out = appendText(out, string(n.Text))
			continue
		}
		out = append(out, n)
	}
	l.Nodes = out
	return nil
}

// appendText adds text to a node list, joined to a text node before it.
func appendText(nodes []parse.Node, s string) []parse.Node {
	if len(nodes) > 0 {
		if t, ok := nodes[len(nodes)-1].(*parse.TextNode); ok {
			joined := make([]byte, 0, len(t.Text)+len(s))
			nodes[len(nodes)-1] = &parse.TextNode{NodeType: parse.NodeText, Pos: t.Pos, Text: append(append(joined, t.Text...), s...)}
			return nodes
		}
	}
	return append(nodes, &parse.TextNode{NodeType: parse.NodeText, Text: []byte(s)})
}

// constPipe is the value of an action's first command when it is a
// language constant of the page (.T.key, $.T.key, .Lang, $.Lang); the
// rest of the pipeline must be the escapers html/template added.
func constPipe(p *parse.PipeNode, dotPage bool, k pageConsts) (string, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) == 0 || len(p.Cmds[0].Args) != 1 {
		return "", false
	}
	return constArg(p.Cmds[0].Args[0], dotPage, k)
}

func constArg(n parse.Node, dotPage bool, k pageConsts) (string, bool) {
	switch a := n.(type) {
	case *parse.FieldNode:
		if dotPage {
			return k.value(a.Ident)
		}
	case *parse.VariableNode:
		if len(a.Ident) > 1 && a.Ident[0] == "$" {
			return k.value(a.Ident[1:])
		}
	case *parse.StringNode:
		return a.Text, true
	}
	return "", false
}

// langCondition evaluates an {{if}} on the language alone: {{if eq .Lang
// "en"}}, {{if ne .Lang "en"}} (either argument order, . or $).
func langCondition(p *parse.PipeNode, dotPage bool, k pageConsts) (bool, bool) {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 {
		return false, false
	}
	args := p.Cmds[0].Args
	if len(args) != 3 {
		return false, false
	}
	fn, ok := args[0].(*parse.IdentifierNode)
	if !ok || (fn.Ident != "eq" && fn.Ident != "ne") {
		return false, false
	}
	a, okA := constArg(args[1], dotPage, k)
	b, okB := constArg(args[2], dotPage, k)
	// Two string literals would be a strange template; a .T value is
	// constant too, but only .Lang is compared in practice.
	if !okA || !okB || !(isLangArg(args[1]) || isLangArg(args[2])) {
		return false, false
	}
	return (a == b) == (fn.Ident == "eq"), true
}

func isLangArg(n parse.Node) bool {
	switch a := n.(type) {
	case *parse.FieldNode:
		return len(a.Ident) == 1 && a.Ident[0] == "Lang"
	case *parse.VariableNode:
		return len(a.Ident) == 2 && a.Ident[0] == "$" && a.Ident[1] == "Lang"
	}
	return false
}

// escapeProbes are tiny templates, one per context a page puts words in
// (text, a quoted attribute, the title), each keyed by the escaper chain
// html/template gives its one action. A folded value is escaped by the
// probe with the same chain, so by html/template itself.
type escapeProbes map[string]escapeProbe

type escapeProbe struct {
	t             *template.Template
	before, after string // the probe's markup around its action
}

var probeContexts = []struct{ before, after string }{
	{"<p>", "</p>"},
	{`<p title="`, `">`},
	{"<title>", "</title>"},
}

func newEscapeProbes() (escapeProbes, error) {
	probes := escapeProbes{}
	for _, pc := range probeContexts {
		t, err := template.New("probe").Parse(pc.before + "{{.}}" + pc.after)
		if err != nil {
			return nil, err
		}
		if err := t.Execute(io.Discard, ""); err != nil { // escapes it
			return nil, err
		}
		for _, n := range t.Tree.Root.Nodes {
			if a, ok := n.(*parse.ActionNode); ok {
				if key := chainKey(a.Pipe.Cmds[1:]); key != "" {
					probes[key] = escapeProbe{t, pc.before, pc.after}
				}
			}
		}
	}
	return probes, nil
}

// chainKey names an escaper chain ("_html_template_attrescaper"), or ""
// when a command is anything but a bare function name.
func chainKey(cmds []*parse.CommandNode) string {
	names := make([]string, 0, len(cmds))
	for _, c := range cmds {
		if len(c.Args) != 1 {
			return ""
		}
		id, ok := c.Args[0].(*parse.IdentifierNode)
		if !ok || !strings.HasPrefix(id.Ident, "_html_template_") {
			return ""
		}
		names = append(names, id.Ident)
	}
	return strings.Join(names, " | ")
}

// escape returns v escaped by the escaper chain cmds, or ok false when no
// probe has that chain (the action then stays as it is).
func (probes escapeProbes) escape(cmds []*parse.CommandNode, v string) (string, bool, error) {
	p, ok := probes[chainKey(cmds)]
	if !ok {
		return "", false, nil
	}
	var buf bytes.Buffer
	if err := p.t.Execute(&buf, v); err != nil {
		return "", false, err
	}
	out := buf.String()
	if !strings.HasPrefix(out, p.before) || !strings.HasSuffix(out, p.after) {
		return "", false, fmt.Errorf("escape probe %q: unexpected output %q", p.before, out)
	}
	return out[len(p.before) : len(out)-len(p.after)], true, nil
}
