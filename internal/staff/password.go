package staff

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/ikrar/ikrar/internal/i18n"
)

//go:embed common-passwords.txt
var commonPasswordsText string

// commonPasswords is built once from the embedded list and never changed.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 5000)
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			m[strings.ToLower(line)] = struct{}{}
		}
	}
	return m
})

// Errors of the password rules, each bilingual for the admin pages and the CLI.
var (
	ErrPasswordCommon   = i18n.New("password_common")
	ErrPasswordUsername = i18n.New("password_has_username")
	ErrPasswordTrivial  = i18n.New("password_trivial")
)

// CheckPassword applies the password rules for the account username:
// length, not a common password (also with digits or symbols around it),
// not containing the username, not a repeat or a sequence.
func CheckPassword(username, pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return i18n.New("password_too_short", MinPasswordLen)
	}
	if len(pw) > 72 {
		return i18n.New("password_too_long")
	}
	lower := strings.ToLower(pw)
	if u := strings.ToLower(strings.TrimSpace(username)); len(u) >= 3 && strings.Contains(lower, u) {
		return ErrPasswordUsername
	}
	if trivial(lower) {
		return ErrPasswordTrivial
	}
	common := commonPasswords()
	if _, ok := common[lower]; ok {
		return ErrPasswordCommon
	}
	// "Password2024!", "!!bismillah123": a common word dressed up.
	base := strings.TrimFunc(lower, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
	})
	if _, ok := common[base]; ok && utf8.RuneCountInString(base) >= 4 {
		return ErrPasswordCommon
	}
	return nil
}

// trivial reports a password that is one short pattern repeated
// ("aaaaaaaaaa", "abababababab"), uses fewer than four different
// characters, or is a run of consecutive characters ("abcdefghij",
// "9876543210").
func trivial(pw string) bool {
	rs := []rune(pw)
	distinct := map[rune]bool{}
	for _, r := range rs {
		distinct[r] = true
	}
	if len(distinct) < 4 {
		return true
	}
	for p := 1; p <= len(rs)/2; p++ {
		repeat := true
		for i := p; i < len(rs); i++ {
			if rs[i] != rs[i%p] {
				repeat = false
				break
			}
		}
		if repeat {
			return true
		}
	}
	step := rs[1] - rs[0]
	if step == 1 || step == -1 {
		for i := 2; i < len(rs); i++ {
			if rs[i]-rs[i-1] != step {
				return false
			}
		}
		return true
	}
	return false
}
