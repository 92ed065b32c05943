package pledge

import (
	"sync"

	"github.com/ikrar/ikrar/internal/store"
)

// textSource is every campaign column TextsOf reads. A cached text is
// reused only while all of them are unchanged, so an edit (in this
// process or another instance) is seen at once, without a TTL.
type textSource struct {
	title, preamble, points, closing         string
	titleEN, preambleEN, pointsEN, closingEN string
	instansi                                 string
}

func sourceOf(c store.Campaign) textSource {
	return textSource{c.Title, c.Preamble, c.Points, c.Closing, c.TitleEN, c.PreambleEN, c.PointsEN, c.ClosingEN, c.Instansi}
}

type cachedTexts struct {
	src    textSource
	id, en Text
}

// TextCache remembers the decoded texts of campaigns. Every signing
// request needs them and decoding the JSON points was about 5% of the
// server's CPU under load; comparing the source strings costs far less.
// The zero value is ready to use.
type TextCache struct {
	mu sync.Mutex
	m  map[uint]cachedTexts
}

// TextsOf is pledge.TextsOf, cached per campaign. The returned texts are
// shared between callers and must not be modified.
func (tc *TextCache) TextsOf(c store.Campaign) (id, en Text, err error) {
	src := sourceOf(c)
	tc.mu.Lock()
	e, ok := tc.m[c.ID]
	tc.mu.Unlock()
	if ok && e.src == src {
		return e.id, e.en, nil
	}
	id, en, err = TextsOf(c)
	if err != nil {
		return Text{}, Text{}, err
	}
	tc.mu.Lock()
	if tc.m == nil {
		tc.m = map[uint]cachedTexts{}
	}
	tc.m[c.ID] = cachedTexts{src: src, id: id, en: en}
	tc.mu.Unlock()
	return id, en, nil
}
