package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

// TestStagedImport runs re-imports through the staging table on both
// databases: the figures of the result, a dry run and a refused import
// writing nothing, the file's order kept for new people, and another
// import on the same connection afterwards (the temporary tables are
// dropped and their names reused safely).
func TestStagedImport(t *testing.T) {
	storetest.Each(t, testStagedImport)
}

func testStagedImport(t *testing.T, b storetest.Backend) {
	st := storetest.Open(t, b)
	ctx := context.Background()
	c, people := seed(t, st, 5)
	if _, err := st.Sign(ctx, newSig(people[0], c, 0)); err != nil {
		t.Fatal(err)
	}
	tok := 0
	opts := func(o store.ImportOptions) store.ImportOptions {
		o.NewToken = func() string { tok++; return fmt.Sprintf("staged-token-%020d", tok) }
		o.NewAccessCode = func() string { return "ABCDEFGH" }
		return o
	}
	row := func(line int, a store.ASN, dept string) store.ImportRow {
		return store.ImportRow{Line: line, NIP: a.NIP, Name: a.Name, Position: "Staf", Department: dept, Kind: "PNS"}
	}
	// Person 4 leaves first, to come back below.
	if _, err := st.ImportRoster(ctx, "test", "v1", []store.ImportRow{row(2, people[0], "Dinas Uji"), row(3, people[1], "Dinas Uji"),
		row(4, people[2], "Dinas Uji"), row(5, people[3], "Dinas Uji")}, opts(store.ImportOptions{DeactivateMissing: true, ConfirmDeactivate: 1})); err != nil {
		t.Fatal(err)
	}
	next := []store.ImportRow{
		row(2, people[0], "Dinas Baru"), // signed, moves
		row(3, people[1], "Dinas Uji"),  // unchanged
		{Line: 4, NIP: people[2].NIP, Name: "Nama Diganti", Position: "Staf", Department: "dinas uji", Kind: "PNS", Email: "a@b.go.id"},
		row(5, people[4], "Dinas Uji"), // comes back
		{Line: 6, NIP: "199001012015011002", Name: "Orang Baru B", Position: "Staf", Department: "Dinas Baru", Kind: "PNS"},
		{Line: 7, NIP: "199001012015011001", Name: "Orang Baru A", Position: "Staf", Department: "Dinas Baru", Kind: "PNS"},
	}
	want := store.ImportResult{Added: 2, Updated: 3, Unchanged: 1, Deactivated: 1, Reactivated: 1, ActiveBefore: 4, MovedSigned: 1}
	check := func(res store.ImportResult) {
		t.Helper()
		got := res
		got.NewDepartments, got.DeactivatedList = nil, nil
		if got.Added != want.Added || got.Updated != want.Updated || got.Unchanged != want.Unchanged || got.Deactivated != want.Deactivated ||
			got.Reactivated != want.Reactivated || got.ActiveBefore != want.ActiveBefore || got.MovedSigned != want.MovedSigned {
			t.Fatalf("result %+v, want %+v", got, want)
		}
		if len(res.NewDepartments) != 1 || res.NewDepartments[0] != "Dinas Baru" {
			t.Fatalf("new departments %v", res.NewDepartments)
		}
		if len(res.DeactivatedList) != 1 || res.DeactivatedList[0].NIP != people[3].NIP || res.DeactivatedList[0].Signed {
			t.Fatalf("deactivated %+v", res.DeactivatedList)
		}
	}
	dry, err := st.ImportRoster(ctx, "test", "v2", next, opts(store.ImportOptions{DryRun: true, DeactivateMissing: true}))
	if err != nil {
		t.Fatal(err)
	}
	check(dry)
	if _, err := st.ASNByNIP(ctx, next[4].NIP); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("dry run wrote a new person: %v", err)
	}
	// A cycle in unit_induk refuses the whole file, on its line.
	bad := append([]store.ImportRow(nil), next...)
	bad[0].Parent, bad[1].Parent = "Dinas Uji", "Dinas Baru"
	var lp store.LineProblems
	if _, err := st.ImportRoster(ctx, "test", "bad", bad, opts(store.ImportOptions{DeactivateMissing: true, ConfirmDeactivate: 1})); !errors.As(err, &lp) {
		t.Fatalf("import with a cycle: %v, want line problems", err)
	}
	if a, _ := st.ASNByNIP(ctx, people[2].NIP); a.Name != people[2].Name {
		t.Fatalf("refused import renamed %q to %q", people[2].Name, a.Name)
	}
	res, err := st.ImportRoster(ctx, "test", "v2", next, opts(store.ImportOptions{DeactivateMissing: true, ConfirmDeactivate: 1}))
	if err != nil {
		t.Fatal(err)
	}
	check(res)
	nb, err1 := st.ASNByNIP(ctx, next[4].NIP)
	na, err2 := st.ASNByNIP(ctx, next[5].NIP)
	if err1 != nil || err2 != nil || nb.ID > na.ID || nb.Token == "" || nb.Token == na.Token {
		t.Fatalf("new people: %+v %v, %+v %v (want ids in file order, own tokens)", nb, err1, na, err2)
	}
	renamed, _ := st.ASNByNIP(ctx, people[2].NIP)
	if renamed.Name != "Nama Diganti" || renamed.Email != "a@b.go.id" || renamed.Token != people[2].Token {
		t.Fatalf("updated person %+v", renamed)
	}
	if back, _ := st.ASNByNIP(ctx, people[4].NIP); !back.Active {
		t.Fatal("person in the file again is still inactive")
	}
	// The same file again: nothing changes.
	again, err := st.ImportRoster(ctx, "test", "v2", next, opts(store.ImportOptions{DeactivateMissing: true}))
	if err != nil || again.Unchanged != len(next) || again.Updated != 0 || again.Added != 0 || again.Deactivated != 0 {
		t.Fatalf("second import: %+v, %v", again, err)
	}
	if _, err := st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
