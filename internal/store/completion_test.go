package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// joinCompletion is the straightforward definition CompletionByDepartment
// must agree with: the active roster per department now, and how many of
// them signed the campaign, wherever they signed.
func joinCompletion(t *testing.T, st *Store, campaignID uint) map[uint]DepartmentCount {
	t.Helper()
	var rows []struct {
		DepartmentID uint
		Roster       int
		Signed       int
	}
	err := st.r.Raw(`SELECT a.department_id, COUNT(*) AS roster, COUNT(s.id) AS signed FROM asns a
		LEFT JOIN signatures s ON s.asn_id = a.id AND s.campaign_id = ?
		WHERE a.active = ? GROUP BY a.department_id`, campaignID, true).Scan(&rows).Error
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint]DepartmentCount{}
	for _, r := range rows {
		out[r.DepartmentID] = DepartmentCount{DepartmentID: r.DepartmentID, Roster: r.Roster, Signed: r.Signed}
	}
	return out
}

// TestCompletionMatchesJoin runs rounds of signing and roster changes
// (people leave, come back and move between departments, before and after
// signing) and compares CompletionByDepartment with the join after each.
func TestCompletionMatchesJoin(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{DSN: filepath.Join(t.TempDir(), "completion.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	campaigns := make([]Campaign, 2)
	for i := range campaigns {
		campaigns[i] = Campaign{Slug: fmt.Sprintf("c%d", i), Version: 1, Title: "T", Preamble: "P", Points: `["a"]`, Closing: "C",
			Instansi: "I", TextHash: "h", Status: "open"}
		if err := st.CreateCampaign(ctx, "test", &campaigns[i]); err != nil {
			t.Fatal(err)
		}
	}
	depts := []string{"Dinas A", "Dinas B", "Dinas C", "Dinas D"}
	r := rand.New(rand.NewPCG(1, 2))
	const people = 120
	dept := make([]string, people)
	active := make([]bool, people)
	for i := range dept {
		dept[i] = depts[r.IntN(len(depts))]
		active[i] = true
	}
	tok := 0
	opts := ImportOptions{DeactivateMissing: true, NewToken: func() string { tok++; return fmt.Sprintf("tok-%026d", tok) },
		NewAccessCode: func() string { return "ABCDEFGH" }}
	importRoster := func() {
		t.Helper()
		var rows []ImportRow
		for i := range people {
			if active[i] {
				rows = append(rows, ImportRow{Line: i + 2, NIP: fmt.Sprintf("19800101200501%04d", i), Name: fmt.Sprintf("Orang %d", i),
					Position: "Staf", Department: dept[i], Kind: "PNS"})
			}
		}
		// The deactivation is the test's own choice: confirm its size.
		dry := opts
		dry.DryRun = true
		pre, err := st.ImportRoster(ctx, "test", "roster.csv", rows, dry)
		if err != nil {
			t.Fatal(err)
		}
		opts.ConfirmDeactivate = pre.Deactivated
		if _, err := st.ImportRoster(ctx, "test", "roster.csv", rows, opts); err != nil {
			t.Fatal(err)
		}
	}
	importRoster()
	seq := 0
	for round := range 6 {
		// Some active people sign one of the campaigns.
		for i := range people {
			if !active[i] || r.IntN(3) > 0 {
				continue
			}
			a, err := st.ASNByNIP(ctx, fmt.Sprintf("19800101200501%04d", i))
			if err != nil {
				t.Fatal(err)
			}
			seq++
			c := campaigns[r.IntN(len(campaigns))]
			if _, err := st.Sign(ctx, NewSignature{ASN: a, CampaignID: c.ID, SignedAt: time.Now(), TypedName: a.Name,
				PledgeHash: "h", CertCode: fmt.Sprintf("IKR-CMP-%06d", seq)}); err != nil {
				t.Fatal(err)
			}
		}
		// Then some leave, some come back, some move.
		for i := range people {
			switch r.IntN(10) {
			case 0:
				active[i] = !active[i]
			case 1:
				dept[i] = depts[r.IntN(len(depts))]
			}
		}
		importRoster()
		for _, c := range campaigns {
			got, err := st.CompletionByDepartment(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := joinCompletion(t, st, c.ID); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, campaign %d:\n got %v\nwant %v", round, c.ID, got, want)
			}
		}
	}
}
