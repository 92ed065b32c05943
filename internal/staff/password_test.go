package staff

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		user, pw string
		want     error // nil: accepted; errAny: any refusal
	}{
		{"admin", "aaaaaaaaaa", ErrPasswordTrivial},
		{"admin", "abababababab", ErrPasswordTrivial},
		{"admin", "1234567890", ErrPasswordCommon},
		{"admin", "klmnopqrstuv", ErrPasswordTrivial},
		{"admin", "9876543210", ErrPasswordTrivial},
		{"admin", "abcdefghijkl", ErrPasswordTrivial},
		{"admin", "aabbaabbaabb", ErrPasswordTrivial},
		{"admin", "qwertyuiop", ErrPasswordCommon},
		{"admin", "Password1234", ErrPasswordCommon},
		{"admin", "football2024!", ErrPasswordCommon},
		{"admin", "!!Bismillah123", ErrPasswordCommon},
		{"admin", "indonesiaraya45", ErrPasswordCommon},
		{"admin", "iloveyou123", ErrPasswordCommon},
		{"admin", "admin2024!!", ErrPasswordUsername},
		{"kepala.dik", "Kepala.Dik-2024", ErrPasswordUsername},
		{"admin", "short", errAny},
		{"admin", strings.Repeat("xyz1", 19), errAny}, // over 72 bytes
		{"admin", "kata-sandi-uji-123", nil},
		{"admin", "rahasia-sekali-123", nil},
		{"admin", "Kopi tubruk di Malioboro", nil},
		{"kepala.dik", "sapu-lidi-7-hijau", nil},
	}
	for _, tt := range tests {
		t.Run(tt.user+"/"+tt.pw, func(t *testing.T) {
			err := CheckPassword(tt.user, tt.pw)
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want == errAny && err == nil, tt.want != nil && tt.want != errAny && !errors.Is(err, tt.want):
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), " / ") {
				t.Fatalf("message not bilingual: %v", err)
			}
		})
	}
}

var errAny = errors.New("any refusal")

func TestCommonListLoaded(t *testing.T) {
	m := commonPasswords()
	if len(m) < 4000 {
		t.Fatalf("%d common passwords, want a few thousand", len(m))
	}
	for _, pw := range []string{"password", "1q2w3e4r5t", "bismillah"} {
		if _, ok := m[pw]; !ok {
			t.Errorf("%q missing", pw)
		}
	}
}

func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"aaaaaaaaaa", "password123", "kata-sandi-uji-123", "\xff\xfe", ""} {
		f.Add("admin", s)
	}
	f.Fuzz(func(t *testing.T, user, pw string) {
		err := CheckPassword(user, pw)
		if err == nil && (len([]rune(pw)) < MinPasswordLen || len(pw) > 72) {
			t.Fatalf("accepted %q", pw)
		}
	})
}

// TestDummyHashCost: a login for a missing user compares against
// dummyHash, so it must cost what a real password check costs.
func TestDummyHashCost(t *testing.T) {
	cost, err := bcrypt.Cost([]byte(dummyHash))
	if err != nil {
		t.Fatal(err)
	}
	if cost != bcrypt.DefaultCost {
		t.Errorf("dummyHash cost %d, real hashes use %d", cost, bcrypt.DefaultCost)
	}
	if bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte("ikrar-timing-equaliser")) != nil {
		t.Error("dummyHash is not a hash of its documented input")
	}
}
