package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
	"gorm.io/gorm"
)

// CreateCampaign stores a new campaign and records it in the audit chain.
func (s *Store) CreateCampaign(ctx context.Context, actor string, c *Campaign) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		if err := tx.Create(c).Error; err != nil {
			return fmt.Errorf("create campaign %q: %w", c.Title, err)
		}
		_, err := appendEvent(tx, s.now(), actor, "campaign.created", "campaign:"+strconv.Itoa(int(c.ID)),
			audit.Detail(map[string]string{"title": c.Title, "version": strconv.Itoa(c.Version), "text_hash": c.TextHash, "status": string(c.Status)}))
		return err
	})
}

// UpdateCampaignText replaces a campaign's text, refusing once anyone has
// signed it: signatures must keep pointing at the text they acknowledged.
func (s *Store) UpdateCampaignText(ctx context.Context, actor string, c *Campaign) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&Signature{}).Where("campaign_id = ?", c.ID).Count(&n).Error; err != nil {
			return fmt.Errorf("count signatures of campaign %d: %w", c.ID, err)
		}
		if n > 0 {
			return fmt.Errorf("update campaign %d: %w", c.ID, ErrFrozen)
		}
		if err := tx.Model(&Campaign{}).Where("id = ?", c.ID).Updates(map[string]any{
			"title": c.Title, "preamble": c.Preamble, "points": c.Points, "closing": c.Closing,
			"title_en": c.TitleEN, "preamble_en": c.PreambleEN, "points_en": c.PointsEN, "closing_en": c.ClosingEN,
			"instansi": c.Instansi, "text_hash": c.TextHash,
		}).Error; err != nil {
			return fmt.Errorf("update campaign %d: %w", c.ID, err)
		}
		_, err := appendEvent(tx, s.now(), actor, "campaign.text_changed", "campaign:"+strconv.Itoa(int(c.ID)),
			audit.Detail(map[string]string{"text_hash": c.TextHash}))
		return err
	})
}

// SetCampaignStatus opens or closes a campaign. Closing records its
// figures (recordClosing); reopening a closed campaign is noted so its
// pages can say so.
func (s *Store) SetCampaignStatus(ctx context.Context, actor string, id uint, status CampaignStatus) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		var old Campaign
		if err := tx.Take(&old, id).Error; err != nil {
			return notFound(err, fmt.Sprintf("campaign %d", id))
		}
		if err := tx.Model(&Campaign{}).Where("id = ?", id).Update("status", status).Error; err != nil {
			return fmt.Errorf("set campaign %d status: %w", id, err)
		}
		switch {
		case status == CampaignClosed && old.Status != CampaignClosed:
			if err := recordClosing(tx, id, s.now()); err != nil {
				return err
			}
			if err := emitEvent(tx, s.now(), EventCampaignClosed, map[string]any{"campaign": id, "slug": old.Slug, "version": old.Version, "title": old.Title}); err != nil {
				return err
			}
		case status == CampaignOpen && old.Status == CampaignClosed:
			if err := recordReopening(tx, id, s.now()); err != nil {
				return err
			}
		}
		_, err := appendEvent(tx, s.now(), actor, "campaign.status", "campaign:"+strconv.Itoa(int(id)),
			audit.Detail(map[string]string{"status": string(status)}))
		return err
	})
}

// CampaignSlugExists tells whether any version of a campaign uses slug.
func (s *Store) CampaignSlugExists(ctx context.Context, slug string) (bool, error) {
	var n int64
	if err := s.r.WithContext(ctx).Model(&Campaign{}).Where("slug = ?", slug).Count(&n).Error; err != nil {
		return false, fmt.Errorf("check campaign slug %q: %w", slug, err)
	}
	return n > 0, nil
}

// NewCampaignVersion stores c as the next version of campaign oldID (same
// slug, highest version + 1) and closes oldID, in one transaction: the
// frozen text stays with its signatures and the new text takes over.
func (s *Store) NewCampaignVersion(ctx context.Context, actor string, oldID uint, c *Campaign) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		var old Campaign
		if err := tx.Take(&old, oldID).Error; err != nil {
			return notFound(err, fmt.Sprintf("campaign %d", oldID))
		}
		var top int
		if err := tx.Raw("SELECT COALESCE(MAX(version), 0) FROM campaigns WHERE slug = ?", old.Slug).Scan(&top).Error; err != nil {
			return fmt.Errorf("read versions of campaign %q: %w", old.Slug, err)
		}
		c.ID = 0
		c.Slug = old.Slug
		c.Version = top + 1
		if err := tx.Create(c).Error; err != nil {
			return fmt.Errorf("create version %d of campaign %q: %w", c.Version, c.Slug, err)
		}
		now := s.now()
		if _, err := appendEvent(tx, now, actor, "campaign.created", "campaign:"+strconv.Itoa(int(c.ID)),
			audit.Detail(map[string]string{"title": c.Title, "version": strconv.Itoa(c.Version), "text_hash": c.TextHash,
				"status": string(c.Status), "replaces": strconv.Itoa(int(old.ID))})); err != nil {
			return err
		}
		if old.Status == CampaignClosed {
			return nil
		}
		if err := tx.Model(&Campaign{}).Where("id = ?", old.ID).Update("status", CampaignClosed).Error; err != nil {
			return fmt.Errorf("close campaign %d: %w", old.ID, err)
		}
		if err := recordClosing(tx, old.ID, now); err != nil {
			return err
		}
		_, err := appendEvent(tx, now, actor, "campaign.status", "campaign:"+strconv.Itoa(int(old.ID)),
			audit.Detail(map[string]string{"status": string(CampaignClosed), "replaced_by": strconv.Itoa(int(c.ID))}))
		return err
	})
}

// Campaigns lists every campaign, newest first.
func (s *Store) Campaigns(ctx context.Context) ([]Campaign, error) {
	var cs []Campaign
	if err := s.r.WithContext(ctx).Order("id DESC").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("list campaigns: %w", err)
	}
	return cs, nil
}

// CampaignByID finds one campaign.
func (s *Store) CampaignByID(ctx context.Context, id uint) (Campaign, error) {
	c, err := scanCampaign(s.hot.campaignByID.QueryRowContext(s.d.hotReadContext(ctx), id))
	if err != nil {
		return Campaign{}, hotNotFound(err, fmt.Sprintf("campaign %d", id))
	}
	return c, nil
}

// OpenCampaigns lists the campaigns that can be signed now, newest first.
func (s *Store) OpenCampaigns(ctx context.Context) ([]Campaign, error) {
	rows, err := s.hot.openCampaigns.QueryContext(s.d.hotReadContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("list open campaigns: %w", err)
	}
	defer rows.Close()
	var cs []Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, fmt.Errorf("list open campaigns: %w", err)
		}
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list open campaigns: %w", err)
	}
	return cs, nil
}

// HasSignatures tells whether a campaign's text is frozen.
func (s *Store) HasSignatures(ctx context.Context, campaignID uint) (bool, error) {
	var one int
	err := s.r.WithContext(ctx).Raw("SELECT 1 FROM signatures WHERE campaign_id = ? LIMIT 1", campaignID).Scan(&one).Error
	if err != nil {
		return false, fmt.Errorf("check signatures of campaign %d: %w", campaignID, err)
	}
	return one == 1, nil
}

// SetCampaignDeadline sets (or, with nil, removes) a campaign's closing
// time. It changes no text, so it is allowed after signatures: admins
// extend deadlines.
func (s *Store) SetCampaignDeadline(ctx context.Context, actor string, id uint, closesAt *time.Time) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		var v any
		detail := ""
		if closesAt != nil {
			t := closesAt.UTC()
			v, detail = t, t.Format(time.RFC3339)
		}
		res := tx.Model(&Campaign{}).Where("id = ?", id).Update("closes_at", v)
		if res.Error != nil {
			return fmt.Errorf("set campaign %d deadline: %w", id, res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("campaign %d: %w", id, ErrNotFound)
		}
		_, err := appendEvent(tx, s.now(), actor, "campaign.deadline", "campaign:"+strconv.Itoa(int(id)),
			audit.Detail(map[string]string{"closes_at": detail}))
		return err
	})
}
