package staff

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Two-factor sign-in for staff: RFC 6238 time-based codes (6 digits, 30
// seconds, SHA-1, as every authenticator app expects), one step of clock
// skew either way, each code accepted once; plus recovery codes, stored
// only as hashes, each usable once.

// RecoveryCodeCount is how many recovery codes a setup hands out.
const RecoveryCodeCount = 10

// ErrBadSecondFactor is the one answer for a wrong, reused or expired code.
var ErrBadSecondFactor = i18n.New("twofa_code_wrong")

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 0, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTPKey makes a fresh secret for username; its URL goes into the QR
// code an authenticator app scans.
func NewTOTPKey(issuer, username string) (secretB32, url string, err error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: username, SecretSize: 20})
	if err != nil {
		return "", "", err
	}
	return k.Secret(), k.URL(), nil
}

// totpStep returns the time step whose code is code (within one step of
// now), or false.
func totpStep(secretB32, code string, now time.Time) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	for _, off := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(off) * 30 * time.Second)
		want, err := totp.GenerateCodeCustom(secretB32, at, totpOpts)
		if err == nil && secret.Equal(want, code) {
			return at.Unix() / 30, true
		}
	}
	return 0, false
}

// HashRecoveryCode is how a recovery code is stored: the codes carry 60
// random bits, so a plain SHA-256 cannot be reversed by guessing.
func HashRecoveryCode(code string) string {
	sum := sha256.Sum256([]byte(secret.NormalizeCode(code)))
	return hex.EncodeToString(sum[:])
}

func newRecoveryCodes() (codes, hashes []string) {
	for range RecoveryCodeCount {
		c := secret.Code(12)
		c = c[:4] + "-" + c[4:8] + "-" + c[8:]
		codes = append(codes, c)
		hashes = append(hashes, HashRecoveryCode(c))
	}
	return codes, hashes
}

// EnableTOTP turns two-factor sign-in on for u once code proves the app
// holds secretB32. It returns the recovery codes, shown once.
func EnableTOTP(ctx context.Context, st *store.Store, actor string, u store.User, secretB32, code string, now time.Time) ([]string, error) {
	step, ok := totpStep(secretB32, code, now)
	if !ok {
		return nil, ErrBadSecondFactor
	}
	codes, hashes := newRecoveryCodes()
	if err := st.EnableTOTP(ctx, actor, u.ID, secretB32, step, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}

// CheckSecondFactor accepts a current code from the app (each once) or
// an unused recovery code (then used up).
func CheckSecondFactor(ctx context.Context, st *store.Store, u store.User, code string, now time.Time) error {
	if u.TOTPSecret == "" {
		return nil
	}
	if step, ok := totpStep(u.TOTPSecret, code, now); ok {
		fresh, err := st.UseTOTPStep(ctx, u.ID, step)
		if err != nil {
			return err
		}
		if fresh {
			return nil
		}
		return ErrBadSecondFactor
	}
	if n := secret.NormalizeCode(code); len(n) == 12 {
		used, err := st.UseRecoveryCode(ctx, u.ID, HashRecoveryCode(n))
		if err != nil {
			return err
		}
		if used {
			return nil
		}
	}
	return ErrBadSecondFactor
}
