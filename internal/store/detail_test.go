package store

import (
	"encoding/json"
	"testing"

	"github.com/ikrar/ikrar/internal/audit"
)

// TestSignatureDetailFastPath: the details the writers produce take the
// fast path, and what it declines still decodes through encoding/json.
func TestSignatureDetailFastPath(t *testing.T) {
	tests := []struct {
		detail string
		flat   bool
		want   sigDetail
	}{
		{audit.Detail(map[string]string{"v": "2", "signature_id": "17", "digest": "ab", "department_id": "3", "nip": "1990"}), true,
			sigDetail{V: "2", SignatureID: "17", Digest: "ab", DepartmentID: "3"}},
		{audit.Detail(map[string]string{"signature_id": "9", "sha256": "cd"}), true, sigDetail{SignatureID: "9", SHA256: "cd"}},
		{`{}`, true, sigDetail{}},
		{`{"signature_id":"1","signature_id":"2"}`, true, sigDetail{SignatureID: "2"}}, // the last wins, as in encoding/json
		{`{"Signature_ID":"5"}`, false, sigDetail{SignatureID: "5"}},                   // encoding/json folds case
		{`{"signature_id":"5","reason":"salah \"orang\""}`, false, sigDetail{SignatureID: "5"}},
		{`{"signature_id":"5","reason":"ditandatangani orang lain"}`, true, sigDetail{SignatureID: "5"}},
		{`{"signature_id": "5"}`, false, sigDetail{SignatureID: "5"}},
		{`{"signature_id":"5"} `, false, sigDetail{SignatureID: "5"}},
		{`{"signature_id":"\u0035"}`, false, sigDetail{SignatureID: "5"}},
		{`{"signature_id":"5",}`, false, sigDetail{}}, // invalid JSON: both reject
	}
	for _, tt := range tests {
		var d sigDetail
		if got := d.parseFlat(tt.detail); got != tt.flat || (got && d != tt.want) {
			t.Errorf("parseFlat(%s) = %v, %+v; want %v, %+v", tt.detail, got, d, tt.flat, tt.want)
		}
		got, _, err := parseSignatureDetail(tt.detail)
		if err == nil && got != tt.want {
			t.Errorf("parseSignatureDetail(%s) = %+v, want %+v", tt.detail, got, tt.want)
		}
	}
}

// FuzzSignatureDetail holds the fast path to encoding/json: whatever it
// accepts, json.Unmarshal accepts with the same fields.
func FuzzSignatureDetail(f *testing.F) {
	f.Add(`{"cert_code":"IKR-AB12","department_id":"3","digest":"ab","nip":"199001012015031001","signature_id":"17","v":"2"}`)
	f.Add(`{"sha256":"cd","signature_id":"9"}`)
	f.Add(`{"signature_id":"5","reason":"salah \"orang\""}`)
	f.Add(`{"Signature_ID":"5"}`)
	f.Fuzz(func(t *testing.T, detail string) {
		var fast sigDetail
		if !fast.parseFlat(detail) {
			return
		}
		var slow sigDetail
		if err := json.Unmarshal([]byte(detail), &slow); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json rejects it: %v", detail, err)
		}
		if fast != slow {
			t.Fatalf("%q: fast path %+v, encoding/json %+v", detail, fast, slow)
		}
	})
}
