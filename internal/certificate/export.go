package certificate

import (
	"context"
	"fmt"
	"io"

	"github.com/ikrar/ikrar/internal/store"
)

// Progress is told how many certificates are done out of how many.
type Progress func(done, total int)

// ExportZip streams every certificate of a campaign in the given
// departments (nil = all) into a ZIP, one folder per department. Missing
// certificates are made on the way, so an export is always complete. Only
// one PDF is held in memory at a time.
func (s *Service) ExportZip(ctx context.Context, w io.Writer, campaignID uint, deptIDs []uint, total int, progress Progress) (int, error) {
	zw := NewZipWriter(w)
	done := 0
	err := s.Store.SignedEntries(ctx, campaignID, deptIDs, func(batch []store.SignedEntry) error {
		for _, e := range batch {
			sig, err := s.Store.SignatureByID(ctx, e.SignatureID)
			if err != nil {
				return err
			}
			pdf, err := s.PDF(ctx, sig)
			if err != nil {
				return err
			}
			if err := zw.Add(ZipEntry{Department: e.DepartmentName, NIP: e.NIP, Name: e.Name, PDF: pdf, Modified: sig.SignedAt}); err != nil {
				return err
			}
			done++
			if progress != nil {
				progress(done, total)
			}
		}
		return nil
	})
	if err != nil {
		return done, fmt.Errorf("export certificates: %w", err)
	}
	if err := zw.Close(); err != nil {
		return done, err
	}
	return done, nil
}
