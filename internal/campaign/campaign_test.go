package campaign

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// lifecycle opens a real SQLite database and counts Changed calls.
func lifecycle(t *testing.T) (*Lifecycle, *int) {
	t.Helper()
	n := 0
	return &Lifecycle{Store: storetest.Open(t, storetest.SQLite), Changed: func() { n++ }}, &n
}

func TestCreateSlugsAndStatus(t *testing.T) {
	ctx := context.Background()
	l, changed := lifecycle(t)
	text := pledge.DefaultID
	text.Title = "Ikrar Netralitas ASN"
	tests := []struct {
		name     string
		slug     string
		status   store.CampaignStatus
		wantSlug string
		want     store.CampaignStatus
		err      error
	}{
		{"given slug, opened at once", "pilkada-2024", store.CampaignOpen, "pilkada-2024", store.CampaignOpen, nil},
		{"taken slug", "pilkada-2024", store.CampaignOpen, "", "", ErrSlugTaken},
		{"invalid slug", "Pilkada 2024", store.CampaignOpen, "", "", ErrSlugInvalid},
		{"derived from the title", "", store.CampaignDraft, "ikrar-netralitas-asn", store.CampaignDraft, nil},
		{"derived again gets a suffix", "", "", "ikrar-netralitas-asn-2", store.CampaignDraft, nil},
		{"anything but open is a draft", "x-1", store.CampaignClosed, "x-1", store.CampaignDraft, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cp, err := l.Create(ctx, "test", tt.slug, "Pemerintah Kota Contoh", text, pledge.DefaultEN, tt.status)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			got, err := l.Store.CampaignByID(ctx, cp.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Slug != tt.wantSlug || got.Status != tt.want || got.Version != 1 {
				t.Errorf("stored %q v%d %s, want %q v1 %s", got.Slug, got.Version, got.Status, tt.wantSlug, tt.want)
			}
		})
	}
	// Refusals write nothing, but every attempt past validation tells.
	if *changed != 4 {
		t.Errorf("Changed called %d times, want 4", *changed)
	}
}

func TestStatusAndVersions(t *testing.T) {
	ctx := context.Background()
	l, changed := lifecycle(t)
	cp, err := l.Create(ctx, "test", "pemilu", "Kota", pledge.DefaultID, pledge.Text{}, store.CampaignDraft)
	if err != nil {
		t.Fatal(err)
	}
	if cp.TitleEN != "" {
		t.Errorf("no English text given, TitleEN = %q", cp.TitleEN)
	}
	status := func() store.CampaignStatus {
		got, err := l.Store.CampaignByID(ctx, cp.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}
	steps := []struct {
		name string
		do   func() error
		want store.CampaignStatus
		err  error
	}{
		{"open a draft", func() error { return l.Open(ctx, "test", cp.ID) }, store.CampaignOpen, nil},
		{"close", func() error { return l.Close(ctx, "test", cp.ID) }, store.CampaignClosed, nil},
		{"reopen", func() error { return l.Open(ctx, "test", cp.ID) }, store.CampaignOpen, nil},
		{"no other status", func() error { return l.SetStatus(ctx, "test", cp.ID, store.CampaignDraft) }, store.CampaignOpen, ErrStatus},
		{"deadline", func() error { at := time.Now().Add(time.Hour); return l.SetDeadline(ctx, "test", cp.ID, &at) }, store.CampaignOpen, nil},
		{"edit unsigned text", func() error { return l.EditText(ctx, "test", cp, pledge.DefaultID, pledge.DefaultEN) }, store.CampaignOpen, nil},
	}
	for _, s := range steps {
		if err := s.do(); !errors.Is(err, s.err) {
			t.Fatalf("%s: err = %v, want %v", s.name, err, s.err)
		}
		if got := status(); got != s.want {
			t.Fatalf("%s: status %s, want %s", s.name, got, s.want)
		}
	}
	closing, err := l.Store.ClosingOf(ctx, cp.ID)
	if err != nil || closing.ReopenedAt == nil {
		t.Fatalf("closing record %+v, %v: want the reopening noted", closing, err)
	}
	if *changed != 6 { // create + 5 writes; the refused status writes nothing
		t.Errorf("Changed called %d times, want 6", *changed)
	}

	cp, _ = l.Store.CampaignByID(ctx, cp.ID)
	next, err := l.NewVersion(ctx, "test", cp, pledge.DefaultID, pledge.DefaultEN)
	if err != nil {
		t.Fatal(err)
	}
	if next.Slug != cp.Slug || next.Version != 2 || next.Status != store.CampaignOpen {
		t.Errorf("new version %q v%d %s, want %q v2 open (the old one was open)", next.Slug, next.Version, next.Status, cp.Slug)
	}
	if got := status(); got != store.CampaignClosed {
		t.Errorf("old version %s after a new version, want closed", got)
	}
	// A new version of a closed campaign starts as a draft.
	old, _ := l.Store.CampaignByID(ctx, cp.ID)
	third, err := l.NewVersion(ctx, "test", old, pledge.DefaultID, pledge.DefaultEN)
	if err != nil {
		t.Fatal(err)
	}
	if third.Version != 3 || third.Status != store.CampaignDraft {
		t.Errorf("version of a closed campaign: v%d %s, want v3 draft", third.Version, third.Status)
	}
}
