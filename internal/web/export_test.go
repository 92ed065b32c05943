package web

import (
	"bytes"
	"io"
	"maps"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/ikrar/ikrar/internal/i18n"
)

// Catalogue gives the tests of package web_test the message catalogue.
func Catalogue() map[string]map[string]string {
	return map[string]map[string]string{"id": i18n.Table("id"), "en": i18n.Table("en")}
}

// CompareFolded makes s render every page twice: from its templates
// folded per language (what it serves) and from the templates as parsed.
// diff is called when the two differ; the returned func counts the pages
// rendered from folded templates.
func CompareFolded(s *Server, diff func(name, folded, full string)) (foldedPages func() int) {
	c := &comparingRenderer{r: s.pages, diff: diff}
	s.echo.Renderer = c
	return func() int { return int(c.folded.Load()) }
}

type comparingRenderer struct {
	r      *renderer
	diff   func(name, folded, full string)
	folded atomic.Int64
}

func (c *comparingRenderer) Render(w io.Writer, name string, data any, ec echo.Context) error {
	var folded, full bytes.Buffer
	if err := c.r.Render(&folded, name, data, ec); err != nil {
		return err
	}
	if p, ok := data.(page); ok {
		if f, ok := c.r.folded[p.Lang]; ok && sameTable(f.table, p.T) {
			c.folded.Add(1)
		}
		p.T = maps.Clone(p.T) // another map: the renderer uses the unfolded templates
		data = p
	}
	if err := c.r.Render(&full, name, data, ec); err != nil {
		return err
	}
	if folded.String() != full.String() {
		c.diff(name, folded.String(), full.String())
	}
	_, err := w.Write(folded.Bytes())
	return err
}
