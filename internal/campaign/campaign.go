// Package campaign owns a campaign's lifecycle: creating one (its slug
// included), changing an unsigned text in place, saving a new version of
// a signed one, opening, closing and reopening it, and setting its
// deadline and its access-code rule. Each change is one function: it
// applies the rules, makes the store write the row and its audit event in
// one transaction, and tells whoever registered for changes (the web
// server drops its cache of open campaigns), so no caller has to remember
// any of it. Handlers and commands validate input, call one function here
// and render the outcome.
//
// The statuses themselves (store.CampaignStatus) are declared next to the
// row that stores them, because the store's transactions read them.
package campaign

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
)

// Errors a caller shows to the admin; anything else is unexpected.
var (
	// ErrSlugInvalid: a slug is 2 to 64 of a-z, 0-9 and '-', not starting with '-'.
	ErrSlugInvalid = errors.New("campaign slug invalid")
	// ErrSlugTaken: another campaign (any version) uses the slug.
	ErrSlugTaken = errors.New("campaign slug taken")
	// ErrStatus: a campaign can only be opened or closed.
	ErrStatus = errors.New("campaign status can only become open or closed")
	// ErrFrozen: the text has signatures; only a new version may change it.
	ErrFrozen = store.ErrFrozen
)

// slugRe is the shape of a slug: it appears in URLs and file names.
var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,63}$`)

// maxSlugSuffix bounds the search for a free derived slug ("…-2", "…-3").
const maxSlugSuffix = 100

// Lifecycle makes the changes. Changed, when set, is called after every
// change that may alter which campaigns can be signed or what they say;
// it is called after failed attempts too, since a commit that reports an
// error may still have happened, and a dropped cache only costs a query.
type Lifecycle struct {
	Store   *store.Store
	Changed func()
}

func (l *Lifecycle) changed() {
	if l.Changed != nil {
		l.Changed()
	}
}

// Row builds a campaign row from its texts; without an English text the
// English fields stay empty and signers reading English see the
// Indonesian text.
func Row(slug string, version int, instansi string, id, en pledge.Text) store.Campaign {
	c := pledge.NewCampaign(slug, version, instansi, id, en)
	if en.Title == "" {
		c.TitleEN, c.PreambleEN, c.PointsEN, c.ClosingEN = "", "", "", ""
	}
	return c
}

// Create stores a new campaign, version 1. An empty slug is derived from
// the Indonesian title, made unique with a suffix; a given slug must be
// valid and unused. The campaign is a draft unless status asks to open it
// at once.
func (l *Lifecycle) Create(ctx context.Context, actor, slug, instansi string, id, en pledge.Text, status store.CampaignStatus) (store.Campaign, error) {
	if slug != "" && !slugRe.MatchString(slug) {
		return store.Campaign{}, ErrSlugInvalid
	}
	if slug != "" {
		taken, err := l.Store.CampaignSlugExists(ctx, slug)
		if err != nil {
			return store.Campaign{}, err
		}
		if taken {
			return store.Campaign{}, ErrSlugTaken
		}
	} else {
		var err error
		if slug, err = l.freeSlug(ctx, store.DepartmentCode(id.Title)); err != nil {
			return store.Campaign{}, err
		}
	}
	if status != store.CampaignOpen {
		status = store.CampaignDraft
	}
	cp := Row(slug, 1, instansi, id, en)
	cp.Status = status
	defer l.changed()
	if err := l.Store.CreateCampaign(ctx, actor, &cp); err != nil {
		return store.Campaign{}, err
	}
	return cp, nil
}

// freeSlug derives a slug no campaign uses yet ("pemilu-2024-2"...).
func (l *Lifecycle) freeSlug(ctx context.Context, base string) (string, error) {
	if len(base) > 56 {
		base = strings.TrimRight(base[:56], "-")
	}
	slug := base
	for i := 2; i < maxSlugSuffix; i++ {
		taken, err := l.Store.CampaignSlugExists(ctx, slug)
		if err != nil || !taken {
			return slug, err
		}
		slug = base + "-" + strconv.Itoa(i)
	}
	return "", errors.New("no free campaign slug")
}

// EditText replaces the text of a campaign nobody has signed yet
// (ErrFrozen otherwise: signatures keep pointing at the text they
// acknowledged).
func (l *Lifecycle) EditText(ctx context.Context, actor string, old store.Campaign, id, en pledge.Text) error {
	next := Row(old.Slug, old.Version, old.Instansi, id, en)
	next.ID = old.ID
	defer l.changed()
	return l.Store.UpdateCampaignText(ctx, actor, &next)
}

// NewVersion saves the text as the next version of old's campaign (same
// slug, next number) and closes old, in one transaction: whoever signed
// must sign again. The new version is open if old was, a draft otherwise.
func (l *Lifecycle) NewVersion(ctx context.Context, actor string, old store.Campaign, id, en pledge.Text) (store.Campaign, error) {
	next := Row(old.Slug, old.Version, old.Instansi, id, en)
	next.Status = store.CampaignDraft
	if old.Status == store.CampaignOpen {
		next.Status = store.CampaignOpen
	}
	defer l.changed()
	if err := l.Store.NewCampaignVersion(ctx, actor, old.ID, &next); err != nil {
		return store.Campaign{}, err
	}
	return next, nil
}

// SetStatus opens (a draft, or a closed campaign again: the reopening is
// recorded and its pages say so) or closes a campaign (its figures are
// recorded as they stand). Any other status is ErrStatus.
func (l *Lifecycle) SetStatus(ctx context.Context, actor string, id uint, to store.CampaignStatus) error {
	if to != store.CampaignOpen && to != store.CampaignClosed {
		return fmt.Errorf("campaign %d to %q: %w", id, to, ErrStatus)
	}
	defer l.changed()
	return l.Store.SetCampaignStatus(ctx, actor, id, to)
}

// Open opens a draft or reopens a closed campaign.
func (l *Lifecycle) Open(ctx context.Context, actor string, id uint) error {
	return l.SetStatus(ctx, actor, id, store.CampaignOpen)
}

// Close closes a campaign and records its figures.
func (l *Lifecycle) Close(ctx context.Context, actor string, id uint) error {
	return l.SetStatus(ctx, actor, id, store.CampaignClosed)
}

// SetDeadline sets, extends or (with nil) removes a campaign's closing
// time. It changes no text, so it is allowed after signatures.
func (l *Lifecycle) SetDeadline(ctx context.Context, actor string, id uint, at *time.Time) error {
	defer l.changed()
	return l.Store.SetCampaignDeadline(ctx, actor, id, at)
}

// SetRequireCode turns "personal link and access code" on or off.
func (l *Lifecycle) SetRequireCode(ctx context.Context, actor string, id uint, on bool) error {
	defer l.changed()
	return l.Store.SetCampaignRequireCode(ctx, actor, id, on)
}

// EnsureDefault creates the national 2024 template campaign when the
// database has no campaign at all, so a fresh deployment can sign at once.
func EnsureDefault(ctx context.Context, st *store.Store, instansi string) error {
	cs, err := st.Campaigns(ctx)
	if err != nil {
		return err
	}
	if len(cs) > 0 {
		return nil
	}
	c := pledge.NewCampaign("pemilu-2024", 1, instansi, pledge.DefaultID, pledge.DefaultEN)
	return st.CreateCampaign(ctx, "system", &c)
}
