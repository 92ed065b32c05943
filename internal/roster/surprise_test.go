package roster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/nip"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/store/storetest"
)

func TestUnitKeyAndSimilar(t *testing.T) {
	existing := []string{"Dinas Komunikasi, Informatika, dan Persandian", "Dinas Kesehatan", "Kemantren Gondokusuman", "Bagian Hukum", "Sekretariat Daerah"}
	tests := []struct{ name, want string }{
		{"Dinas Komunikasi, Informatika dan Persandian", "Dinas Komunikasi, Informatika, dan Persandian"},
		{"DINAS KOMUNIKASI INFORMATIKA & PERSANDIAN", "Dinas Komunikasi, Informatika, dan Persandian"},
		{"Dinas  Kesehatan ", "Dinas Kesehatan"},
		{"Dinkes", "Dinas Kesehatan"},
		{"Setda", "Sekretariat Daerah"},
		{"Kemantren Gondokusuman.", "Kemantren Gondokusuman"},
		{"Kemantren Gondokusumn", "Kemantren Gondokusuman"}, // a typo
		{"Kelurahan Gondokusuman", ""},
		{"Bagian Umum", ""},
		{"Dinas Sosial", ""},
	}
	for _, tt := range tests {
		if got := similarUnit(tt.name, existing); got != tt.want {
			t.Errorf("similarUnit(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// nips makes n valid NIPs.
func nips(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("19870312201012%d%03d", 1+i%2, i+1)
		if _, err := nip.Validate(out[i]); err != nil {
			panic(err)
		}
	}
	return out
}

func rosterOf(ns []string, unit func(i int) string) string {
	var b strings.Builder
	b.WriteString("nip;nama;jabatan;unit_kerja\n")
	for i, n := range ns {
		fmt.Fprintf(&b, "%s;Pegawai %03d;Staf;%s\n", n, i+1, unit(i))
	}
	return b.String()
}

// TestNearDuplicateUnits: a new unit name close to an existing one is
// shown as similar in the preview and refused at commit until it is mapped
// or confirmed (issue 14: one missing comma split a unit).
func TestNearDuplicateUnits(t *testing.T) { storetest.Each(t, testNearDuplicateUnits) }

func testNearDuplicateUnits(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st := storetest.Open(t, b)
	ns := nips(20)
	const kominfo = "Dinas Komunikasi, Informatika, dan Persandian"
	first := rosterOf(ns, func(int) string { return kominfo })
	if _, err := Import(ctx, st, "admin", "r.csv", strings.NewReader(first), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	split := rosterOf(ns, func(i int) string {
		if i < 10 {
			return "Dinas Komunikasi, Informatika dan Persandian"
		}
		return kominfo
	})
	res, err := Import(ctx, st, "admin", "r.csv", strings.NewReader(split), ImportOptions{DryRun: true})
	if err != nil || len(res.Similar) != 1 || res.Similar[0].Existing != kominfo || res.Similar[0].Rows != 10 || res.Similar[0].Line != 2 {
		t.Fatalf("preview: %+v %v", res.Similar, err)
	}
	_, err = Import(ctx, st, "admin", "r.csv", strings.NewReader(split), ImportOptions{})
	var perr *Errors
	if !errors.As(err, &perr) || perr.Problems[0].Line != 2 || !strings.Contains(perr.Problems[0].In("id"), "mirip dengan") {
		t.Fatalf("commit without a decision: %v", err)
	}
	if ds, _ := st.Departments(ctx); len(ds) != 1 {
		t.Fatalf("refused import left %d units", len(ds))
	}
	// Mapped: nobody moves, no new unit.
	res, err = Import(ctx, st, "admin", "r.csv", strings.NewReader(split), ImportOptions{
		UnitMap: map[string]string{"dinas komunikasi, informatika dan persandian": kominfo}})
	if err != nil || len(res.NewDepartments) != 0 || res.Unchanged != 20 {
		t.Fatalf("mapped: %+v %v", res, err)
	}
	// A map to a unit that does not exist is refused.
	if _, err := Import(ctx, st, "admin", "r.csv", strings.NewReader(split), ImportOptions{
		UnitMap: map[string]string{"x": "Tidak Ada"}}); !errors.As(err, &perr) {
		t.Fatalf("bad map: %v", err)
	}
	// Confirmed: the new unit is made.
	res, err = Import(ctx, st, "admin", "r.csv", strings.NewReader(split), ImportOptions{ConfirmNewUnits: true})
	if err != nil || len(res.NewDepartments) != 1 || res.Updated != 10 {
		t.Fatalf("confirmed: %+v %v", res, err)
	}
}

// TestMassDeactivation: deactivating more than 5 % of the roster needs the
// number typed; the preview lists who and says how many already signed.
func TestMassDeactivation(t *testing.T) { storetest.Each(t, testMassDeactivation) }

func testMassDeactivation(t *testing.T, b storetest.Backend) {
	ctx := context.Background()
	st := storetest.Open(t, b)
	ns := nips(40)
	all := rosterOf(ns, func(i int) string { return []string{"Dinas Kesehatan", "Inspektorat"}[i%2] })
	if _, err := Import(ctx, st, "admin", "r.csv", strings.NewReader(all), ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	signOne(t, st, ns[39])

	// 2 of 40 (5 %) is not a mass deactivation.
	two := rosterOf(ns[:38], func(i int) string { return []string{"Dinas Kesehatan", "Inspektorat"}[i%2] })
	res, err := Import(ctx, st, "admin", "r.csv", strings.NewReader(two), ImportOptions{DeactivateMissing: true, DryRun: true})
	if err != nil || res.Deactivated != 2 || store.IsMassDeactivation(res.Deactivated, res.ActiveBefore) {
		t.Fatalf("2 of 40: %+v %v", res, err)
	}
	if len(res.DeactivatedList) != 2 || res.DeactivatedList[0].Name != "Pegawai 039" || res.DeactivatedList[1].Name != "Pegawai 040" ||
		!res.DeactivatedList[1].Signed || res.DeactivatedSigned != 1 {
		t.Fatalf("deactivated list %+v, signed %d", res.DeactivatedList, res.DeactivatedSigned)
	}

	// 30 of 40: refused without the number, refused with a wrong one.
	partial := rosterOf(ns[:10], func(i int) string { return []string{"Dinas Kesehatan", "Inspektorat"}[i%2] })
	for _, typed := range []int{0, 29, 40} {
		_, err = Import(ctx, st, "admin", "r.csv", strings.NewReader(partial), ImportOptions{DeactivateMissing: true, ConfirmDeactivate: typed})
		var mass *store.MassDeactivationError
		if !errors.As(err, &mass) || mass.Count != 30 || mass.Active != 40 {
			t.Fatalf("typed %d: %v", typed, err)
		}
	}
	res, err = Import(ctx, st, "admin", "r.csv", strings.NewReader(partial), ImportOptions{DeactivateMissing: true, ConfirmDeactivate: 30})
	if err != nil || res.Deactivated != 30 {
		t.Fatalf("confirmed: %+v %v", res, err)
	}
}

func signOne(t *testing.T, st *store.Store, nipNo string) {
	t.Helper()
	ctx := context.Background()
	a, err := st.ASNByNIP(ctx, nipNo)
	if err != nil {
		t.Fatal(err)
	}
	c := store.Campaign{Slug: "t", Version: 1, Title: "T", Preamble: "P", Points: `["a","b"]`, Closing: "C", Instansi: "I", TextHash: strings.Repeat("a", 64), Status: "open"}
	if err := st.CreateCampaign(ctx, "admin", &c); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Sign(ctx, store.NewSignature{ASN: a, CampaignID: c.ID, SignedAt: time.Now(), TypedName: a.Name, PledgeHash: c.TextHash, CertCode: "IKR-T0001"}); err != nil {
		t.Fatal(err)
	}
}
