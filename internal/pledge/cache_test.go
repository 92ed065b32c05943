package pledge

import (
	"reflect"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
)

// TestTextCacheFollowsEdits checks that the cache returns what TextsOf
// returns for every version of a campaign, including after edits that
// keep the campaign id, and never caches a failure.
func TestTextCacheFollowsEdits(t *testing.T) {
	base := NewCampaign("pemilu-2024", 1, "Kota Yogyakarta", DefaultID, DefaultEN)
	base.ID = 7
	edit := func(f func(c *store.Campaign)) store.Campaign {
		c := base
		f(&c)
		return c
	}
	steps := []struct {
		name    string
		c       store.Campaign
		wantErr bool
	}{
		{"first read", base, false},
		{"same again", base, false},
		{"points edited", edit(func(c *store.Campaign) { c.Points = `["satu","dua","tiga","empat"]` }), false},
		{"English points edited", edit(func(c *store.Campaign) { c.PointsEN = `["one","two","three","four"]` }), false},
		{"instansi changed", edit(func(c *store.Campaign) { c.Instansi = "Kabupaten Sleman" }), false},
		{"closing edited", edit(func(c *store.Campaign) { c.ClosingEN = "Done." }), false},
		{"broken points", edit(func(c *store.Campaign) { c.Points = `[` }), true},
		{"back to the original", base, false},
	}
	var tc TextCache
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			id, en, err := tc.TextsOf(s.c)
			wantID, wantEN, wantErr := TextsOf(s.c)
			if (err != nil) != s.wantErr || (wantErr != nil) != s.wantErr {
				t.Fatalf("err = %v, uncached err = %v, want error %v", err, wantErr, s.wantErr)
			}
			if !reflect.DeepEqual(id, wantID) || !reflect.DeepEqual(en, wantEN) {
				t.Errorf("cached texts differ from decoding:\n got %+v\n%+v\nwant %+v\n%+v", id, en, wantID, wantEN)
			}
		})
	}
}
