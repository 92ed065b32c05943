package store

import (
	"context"
	"fmt"
	"time"
)

// RateLimit is one failure counter of the web layer's rate limits, kept in
// the database when several instances serve the same people, so that a
// guesser cannot multiply their attempts by the number of instances behind
// the load balancer. The window is fixed and starts at its first failure.
type RateLimit struct {
	Bucket      string    `gorm:"primaryKey;size:128"`
	WindowStart time.Time `gorm:"not null;index"`
	Failures    int       `gorm:"not null"`
}

// RecordFailure counts one failure for bucket at now. A window older than
// window starts again at now with one failure. It is one statement, so
// concurrent failures from several instances all count.
func (s *Store) RecordFailure(ctx context.Context, bucket string, now time.Time, window time.Duration) error {
	now = now.UTC()
	expired := now.Add(-window)
	err := s.w.WithContext(ctx).Exec(`INSERT INTO rate_limits (bucket, window_start, failures) VALUES (?, ?, 1)
		ON CONFLICT (bucket) DO UPDATE SET
			failures = CASE WHEN rate_limits.window_start <= ? THEN 1 ELSE rate_limits.failures + 1 END,
			window_start = CASE WHEN rate_limits.window_start <= ? THEN excluded.window_start ELSE rate_limits.window_start END`,
		bucket, now, expired, expired).Error
	if err != nil {
		return fmt.Errorf("record failure: %w", err)
	}
	return nil
}

// Failures returns the failures of bucket in its current window at now
// (0 once the window has passed) and when that window started, so a
// refusal can say how long it lasts.
func (s *Store) Failures(ctx context.Context, bucket string, now time.Time, window time.Duration) (int, time.Time, error) {
	var rows []RateLimit
	err := s.r.WithContext(ctx).Where("bucket = ? AND window_start > ?", bucket, now.UTC().Add(-window)).
		Limit(1).Find(&rows).Error
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("read failures: %w", err)
	}
	if len(rows) == 0 {
		return 0, time.Time{}, nil
	}
	return rows[0].Failures, rows[0].WindowStart, nil
}

// ResetFailures forgets bucket, after a success that ends the suspicion.
func (s *Store) ResetFailures(ctx context.Context, bucket string) error {
	if err := s.w.WithContext(ctx).Where("bucket = ?", bucket).Delete(&RateLimit{}).Error; err != nil {
		return fmt.Errorf("reset failures: %w", err)
	}
	return nil
}

// PurgeFailures deletes windows that started before cutoff, keeping the
// table as small as the live windows.
func (s *Store) PurgeFailures(ctx context.Context, cutoff time.Time) error {
	if err := s.w.WithContext(ctx).Where("window_start < ?", cutoff.UTC()).Delete(&RateLimit{}).Error; err != nil {
		return fmt.Errorf("purge failures: %w", err)
	}
	return nil
}
