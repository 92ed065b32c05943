package web

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"sync"
)

// pointsCache holds the "pledge-points" block of the signing page (the
// numbered points with their checkboxes, and the closing) rendered with
// nothing ticked, per campaign and language. Executing it took about two
// dozen template actions per page, each a reflective call; the block is
// the same for everyone who has not ticked anything yet.
type pointsCache struct {
	mu sync.Mutex
	m  map[pointsKey]pointsEntry
}

type pointsKey struct {
	campaign uint
	lang     string
}

// pointsEntry keeps the text it was rendered from: an edited campaign
// (same id) gets a new block at once.
type pointsEntry struct {
	points  []string
	closing string
	html    template.HTML
}

// pointsHTML returns the pre-rendered block for d, or "" when d has a
// ticked point (a form sent back with problems), which the page then
// renders itself. The block comes from the sign page's own template, so
// it is escaped exactly as the page would escape it.
func (s *Server) pointsHTML(lang string, d *signData) (template.HTML, error) {
	if slices.Contains(d.Ticked, true) || len(d.Text.Points) == 0 {
		return "", nil
	}
	k := pointsKey{d.Campaign.ID, lang}
	s.points.mu.Lock()
	e, ok := s.points.m[k]
	s.points.mu.Unlock()
	if ok && e.closing == d.Text.Closing && slices.Equal(e.points, d.Text.Points) {
		return e.html, nil
	}
	var buf bytes.Buffer
	blank := signData{Text: d.Text, Ticked: make([]bool, len(d.Text.Points))}
	if err := s.renderer().renderBlock(&buf, lang, "sign", "pledge-points", &blank); err != nil {
		return "", fmt.Errorf("render pledge points of campaign %d: %w", d.Campaign.ID, err)
	}
	e = pointsEntry{points: d.Text.Points, closing: d.Text.Closing, html: template.HTML(buf.String())}
	s.points.mu.Lock()
	if s.points.m == nil {
		s.points.m = map[pointsKey]pointsEntry{}
	}
	s.points.m[k] = e
	s.points.mu.Unlock()
	return e.html, nil
}
