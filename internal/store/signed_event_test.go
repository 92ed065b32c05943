package store

import (
	"strconv"
	"testing"
	"time"

	"github.com/ikrar/ikrar/internal/audit"
)

// TestSignedEventDetail pins a signature event's detail to the map that
// rule v2 has always written through audit.Detail: the hash of every stored
// event depends on these bytes.
func TestSignedEventDetail(t *testing.T) {
	at := time.Date(2024, 11, 27, 5, 20, 0, 123456000, time.UTC)
	for _, sig := range []Signature{
		{ID: 4211, CampaignID: 7, DepartmentID: 12, SignedAt: at, SignerNIP: "198703122010121002", CertCode: "IKR-7K2M-9QXA",
			TypedName: "Budi", SignerName: "Budi Santosa", SignerPosition: "Analis", PledgeHash: "h"},
		{ID: 1, CampaignID: 1, DepartmentID: 1, SignedAt: at, SignerNIP: `<"nip"> & \x`, CertCode: "IKR\n\u2028\xff",
			SignerName: "Ñoño 🙂"},
		{},
	} {
		ev, hash := signedEvent(sig, 9, audit.Genesis)
		want := audit.Detail(map[string]string{
			"v":             audit.SignatureDigestVersion,
			"signature_id":  strconv.FormatUint(uint64(sig.ID), 10),
			"nip":           sig.SignerNIP,
			"campaign_id":   strconv.FormatUint(uint64(sig.CampaignID), 10),
			"department_id": strconv.FormatUint(uint64(sig.DepartmentID), 10),
			"cert_code":     sig.CertCode,
			"digest":        audit.SignatureDigestV2(sig.facts()),
		})
		if ev.Detail != want {
			t.Errorf("signature %d: detail\n%s\nwant\n%s", sig.ID, ev.Detail, want)
		}
		if hash != audit.Hash(ev) {
			t.Errorf("signature %d: hash %s is not the event's", sig.ID, hash)
		}
	}
}
