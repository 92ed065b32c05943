package roster

import (
	"context"
	"fmt"
	"io"

	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/store"
)

// ImportOptions control Import.
type ImportOptions struct {
	DryRun            bool // preview: parse and compute the outcome, write nothing
	DeactivateMissing bool // ASN absent from the file are deactivated (never deleted)
}

// Import parses a roster file and upserts it by NIP in one transaction.
// Any bad row means nothing is written; the error is *Errors listing every
// problem with its line and column. The CLI and the admin page both call
// this, so the rules cannot drift apart.
func Import(ctx context.Context, st *store.Store, actor, filename string, r io.Reader, o ImportOptions) (store.ImportResult, error) {
	rows, err := Parse(r, filename)
	if err != nil {
		return store.ImportResult{}, err
	}
	in := make([]store.ImportRow, len(rows))
	for i, row := range rows {
		in[i] = store.ImportRow{Line: row.Line, NIP: row.NIP, Name: row.Name, Position: row.Position,
			Department: row.Department, Email: row.Email, Phone: row.Phone, Kind: row.Kind}
	}
	res, err := st.ImportRoster(ctx, actor, filename, in, store.ImportOptions{
		DryRun: o.DryRun, DeactivateMissing: o.DeactivateMissing,
		NewToken: secret.Token, NewAccessCode: secret.AccessCode,
	})
	if err != nil {
		return store.ImportResult{}, fmt.Errorf("import roster %s: %w", filename, err)
	}
	return res, nil
}
