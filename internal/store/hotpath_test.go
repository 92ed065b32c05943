package store

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm/schema"
)

// TestHotColumnsMatchModels fails when a model gains or loses a column that
// the prepared signing-path reads do not list.
func TestHotColumnsMatchModels(t *testing.T) {
	tests := []struct {
		model any
		cols  []string
	}{
		// Every roster column is either read by signing or named as not.
		{&ASN{}, slices.Concat(asnSigningColumns, asnNotSigning)},
		{&Department{}, departmentColumns},
		{&Campaign{}, campaignColumns},
		{&Signature{}, signatureColumns},
	}
	for _, tt := range tests {
		s, err := schema.Parse(tt.model, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			t.Fatal(err)
		}
		t.Run(s.Table, func(t *testing.T) {
			want := slices.Sorted(slices.Values(s.DBNames))
			got := slices.Sorted(slices.Values(tt.cols))
			if !slices.Equal(got, want) {
				t.Fatalf("prepared read of %s lists %v, the model has %v", s.Table, got, want)
			}
		})
	}
}

// signingRead is a roster entry as the signing read returns it: contact
// details and timestamps are not read (asnNotSigning).
func signingRead(a ASN) ASN {
	a.Email, a.Phone, a.CreatedAt, a.UpdatedAt = "", "", time.Time{}, time.Time{}
	return a
}

// TestHotReadsMatchGORM checks that each prepared read returns exactly what
// the GORM query it replaced returns, nullable fields included.
func TestHotReadsMatchGORM(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{DSN: filepath.Join(t.TempDir(), "hot.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	parent := Department{Code: "induk", Name: "Induk"}
	if err := st.CreateDepartment(ctx, "test", &parent); err != nil {
		t.Fatal(err)
	}
	child := Department{Code: "anak", Name: "Anak", ParentID: &parent.ID}
	if err := st.CreateDepartment(ctx, "test", &child); err != nil {
		t.Fatal(err)
	}
	opens := time.Date(2024, 1, 2, 3, 4, 5, 600, time.UTC)
	full := Campaign{Slug: "penuh", Version: 2, Title: "T", Preamble: "P", Points: `["a"]`, Closing: "C", TitleEN: "TE",
		PreambleEN: "PE", PointsEN: `["ae"]`, ClosingEN: "CE", Instansi: "I", TextHash: "h", Status: "open", OpensAt: &opens, ClosesAt: &opens}
	bare := Campaign{Slug: "kosong", Version: 1, Title: "T", Preamble: "P", Points: `[]`, Closing: "C", Instansi: "I", TextHash: "h", Status: "open"}
	closed := bare
	closed.Slug, closed.Status = "tutup", "closed"
	for _, c := range []*Campaign{&full, &bare, &closed} {
		if err := st.CreateCampaign(ctx, "test", c); err != nil {
			t.Fatal(err)
		}
	}
	withContact := ASN{NIP: "198001012005011001", Name: "A", Position: "P", DepartmentID: child.ID, Kind: "PNS", Email: "a@b.id",
		Phone: "0812", Active: true, Token: "token-with-contact-000", AccessCode: "ABCDEFGH"}
	noContact := ASN{NIP: "198001012005011002", Name: "B", Position: "P", DepartmentID: parent.ID, Kind: "PPPK",
		Active: true, Token: "token-without-contact0", AccessCode: "ABCDEFGH"}
	for _, a := range []*ASN{&withContact, &noContact} {
		if err := st.w.Create(a).Error; err != nil {
			t.Fatal(err)
		}
	}
	res, err := st.Sign(ctx, NewSignature{ASN: withContact, CampaignID: full.ID, SignedAt: time.Now(), TypedName: "A",
		DrawnPNG: []byte{1, 2, 3}, IP: "10.0.0.1", UserAgent: "UA", PledgeHash: "h", CertCode: "IKR-HOT-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Sign(ctx, NewSignature{ASN: noContact, CampaignID: full.ID, SignedAt: time.Now(), TypedName: "B",
		PledgeHash: "h", CertCode: "IKR-HOT-2"}); err != nil {
		t.Fatal(err)
	}
	if err := st.w.Model(&Signature{}).Where("id = ?", res.Signature.ID).Updates(map[string]any{"cert_sha256": "abc"}).Error; err != nil {
		t.Fatal(err)
	}

	t.Run("ASNByToken", func(t *testing.T) {
		for _, a := range []ASN{withContact, noContact} {
			var want ASN
			if err := st.r.Where("token = ?", a.Token).Take(&want).Error; err != nil {
				t.Fatal(err)
			}
			got, err := st.ASNByToken(ctx, a.Token)
			if want = signingRead(want); err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v, %v\nwant %+v", got, err, want)
			}
		}
	})
	t.Run("DepartmentByID", func(t *testing.T) {
		for _, d := range []Department{parent, child} {
			var want Department
			if err := st.r.Take(&want, d.ID).Error; err != nil {
				t.Fatal(err)
			}
			got, err := st.DepartmentByID(ctx, d.ID)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v, %v\nwant %+v", got, err, want)
			}
		}
	})
	t.Run("CampaignByID", func(t *testing.T) {
		for _, c := range []Campaign{full, bare} {
			var want Campaign
			if err := st.r.Take(&want, c.ID).Error; err != nil {
				t.Fatal(err)
			}
			got, err := st.CampaignByID(ctx, c.ID)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v, %v\nwant %+v", got, err, want)
			}
		}
	})
	t.Run("OpenCampaigns", func(t *testing.T) {
		var want []Campaign
		if err := st.r.Where("status = ?", "open").Order("id DESC").Find(&want).Error; err != nil {
			t.Fatal(err)
		}
		got, err := st.OpenCampaigns(ctx)
		if err != nil || len(want) != 2 || !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, %v\nwant %+v", got, err, want)
		}
	})
	t.Run("SignatureOf", func(t *testing.T) {
		for _, a := range []ASN{withContact, noContact} {
			var want Signature
			if err := st.r.Where("asn_id = ? AND campaign_id = ?", a.ID, full.ID).Take(&want).Error; err != nil {
				t.Fatal(err)
			}
			got, err := st.SignatureOf(ctx, a.ID, full.ID)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("got %+v, %v\nwant %+v", got, err, want)
			}
		}
		// A revoked signature is no longer the person's signature.
		if err := st.w.Model(&Signature{}).Where("id = ?", res.Signature.ID).Update("revoked", true).Error; err != nil {
			t.Fatal(err)
		}
		if got, err := st.SignatureOf(ctx, withContact.ID, full.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("revoked signature read back: %+v %v", got, err)
		}
		if _, signed, err := st.ASNByTokenFor(ctx, withContact.Token, full.ID); err != nil || signed {
			t.Fatalf("ASNByTokenFor after revocation: signed %v, %v", signed, err)
		}
	})
	t.Run("ASNByTokenFor", func(t *testing.T) {
		tests := []struct {
			a        ASN
			campaign uint
			signed   bool
		}{
			{noContact, full.ID, true},
			{noContact, bare.ID, false},
			{noContact, 0, false},
			{withContact, bare.ID, false},
		}
		for _, tc := range tests {
			var want ASN
			if err := st.r.Where("token = ?", tc.a.Token).Take(&want).Error; err != nil {
				t.Fatal(err)
			}
			want = signingRead(want)
			got, signed, err := st.ASNByTokenFor(ctx, tc.a.Token, tc.campaign)
			if err != nil || signed != tc.signed || !reflect.DeepEqual(got, want) {
				t.Errorf("%s, campaign %d: signed %v, %v, got %+v; want signed %v, %+v", tc.a.Name, tc.campaign, signed, err, got, tc.signed, want)
			}
		}
	})
	t.Run("not found", func(t *testing.T) {
		errs := map[string]error{}
		_, errs["ASNByToken"] = st.ASNByToken(ctx, "no-such-token-000000")
		_, _, errs["ASNByTokenFor"] = st.ASNByTokenFor(ctx, "no-such-token-000000", full.ID)
		_, errs["DepartmentByID"] = st.DepartmentByID(ctx, 999)
		_, errs["CampaignByID"] = st.CampaignByID(ctx, 999)
		_, errs["SignatureOf"] = st.SignatureOf(ctx, noContact.ID, bare.ID)
		for name, err := range errs {
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", name, err)
			}
		}
	})
	t.Run("inactive token", func(t *testing.T) {
		if err := st.w.Model(&ASN{}).Where("id = ?", noContact.ID).Update("active", false).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := st.ASNByToken(ctx, noContact.Token); !errors.Is(err, ErrNotFound) {
			t.Fatalf("inactive entry's token: %v, want ErrNotFound", err)
		}
	})
}

// TestHotReadsWithoutCancellation: on SQLite the signing pages' point
// reads do not watch the request's context (see sqliteDialect.hotReadContext),
// so a read made with a context already cancelled still answers.
func TestHotReadsWithoutCancellation(t *testing.T) {
	st, err := Open(context.Background(), Options{DSN: filepath.Join(t.TempDir(), "hot.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dept := Department{Code: "unit", Name: "Unit"}
	if err := st.CreateDepartment(context.Background(), "test", &dept); err != nil {
		t.Fatal(err)
	}
	camp := Campaign{Slug: "c", Version: 1, Title: "T", Preamble: "P", Points: `["a"]`, Closing: "C", Instansi: "I", TextHash: "h", Status: CampaignOpen}
	if err := st.CreateCampaign(context.Background(), "test", &camp); err != nil {
		t.Fatal(err)
	}
	a := ASN{NIP: "198001012005011001", Name: "A", Position: "P", DepartmentID: dept.ID, Kind: "PNS", Active: true,
		Token: "token-cancelled-ctx-0", AccessCode: "ABCDEFGH"}
	if err := st.w.Create(&a).Error; err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	reads := map[string]func() error{
		"ASNByTokenFor":  func() error { _, _, err := st.ASNByTokenFor(ctx, a.Token, camp.ID); return err },
		"DepartmentByID": func() error { _, err := st.DepartmentByID(ctx, dept.ID); return err },
		"CampaignByID":   func() error { _, err := st.CampaignByID(ctx, camp.ID); return err },
		"OpenCampaigns":  func() error { _, err := st.OpenCampaigns(ctx); return err },
		"SignatureOf": func() error {
			if _, err := st.SignatureOf(ctx, a.ID, camp.ID); !errors.Is(err, ErrNotFound) {
				return err
			}
			return nil
		},
	}
	for name, read := range reads {
		if err := read(); err != nil {
			t.Errorf("%s with a cancelled context: %v", name, err)
		}
	}
}
