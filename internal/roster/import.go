package roster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

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
			Department: row.Department, Email: row.Email, Phone: row.Phone, Kind: row.Kind, Parent: row.Parent}
	}
	res, err := st.ImportRoster(ctx, actor, filename, in, store.ImportOptions{
		DryRun: o.DryRun, DeactivateMissing: o.DeactivateMissing,
		NewToken: secret.Token, NewAccessCode: secret.AccessCode,
	})
	if err != nil {
		return store.ImportResult{}, asProblems("import roster "+filename, err)
	}
	return res, nil
}

// asProblems turns the store's line problems (unknown parent unit, cycle)
// into the same *Errors a bad file gives, so the CLI and the preview show
// them the same way.
func asProblems(what string, err error) error {
	var lp store.LineProblems
	if errors.As(err, &lp) {
		e := &Errors{}
		for _, p := range lp {
			e.Problems = append(e.Problems, Problem{Line: p.Line, Column: p.Column, ID: p.ID, EN: p.EN})
		}
		slices.SortStableFunc(e.Problems, func(a, b Problem) int { return a.Line - b.Line })
		return e
	}
	return fmt.Errorf("%s: %w", what, err)
}
