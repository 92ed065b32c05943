// Package staff manages staff accounts (admins and department heads):
// password rules and hashing, shared by the CLI and the admin pages.
package staff

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/ikrar/ikrar/internal/store"
	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

var usernameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,63}$`)

// ErrBadCredentials is the one answer for a wrong username or password, so
// the login page does not reveal which usernames exist.
var ErrBadCredentials = errors.New("wrong username or password")

// dummyHash is compared against when the user does not exist, so a missing
// account costs the same time as a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("ikrar-timing-equaliser"), bcrypt.DefaultCost)

// HashPassword checks the rules (CheckPassword) for the account username
// and hashes with bcrypt.
func HashPassword(username, pw string) (string, error) {
	if err := CheckPassword(username, pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// Add creates a user after validating role, username and departments.
func Add(ctx context.Context, st *store.Store, actor, username, role, password string, deptCodes []string) (store.User, error) {
	if !usernameRe.MatchString(username) {
		return store.User{}, errors.New("nama pengguna 3–64 huruf kecil, angka, titik, tanda hubung atau garis bawah / username must be 3–64 lowercase letters, digits, dot, dash or underscore")
	}
	if role != store.RoleAdmin && role != store.RoleHead {
		return store.User{}, fmt.Errorf("peran harus admin atau head, bukan %q / role must be admin or head, not %q", role, role)
	}
	if role == store.RoleHead && len(deptCodes) == 0 {
		return store.User{}, errors.New("kepala unit perlu minimal satu unit kerja / a head needs at least one --department")
	}
	var ids []uint
	for _, code := range deptCodes {
		d, err := st.DepartmentByCode(ctx, code)
		if err != nil {
			return store.User{}, fmt.Errorf("department %q: %w", code, err)
		}
		ids = append(ids, d.ID)
	}
	hash, err := HashPassword(username, password)
	if err != nil {
		return store.User{}, err
	}
	u := store.User{Username: username, Role: role, PasswordHash: hash}
	if err := st.CreateUser(ctx, actor, &u, ids); err != nil {
		return store.User{}, err
	}
	return u, nil
}

// Authenticate checks a username and password.
func Authenticate(ctx context.Context, st *store.Store, username, password string) (store.User, error) {
	u, err := st.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return store.User{}, ErrBadCredentials
	}
	if err != nil {
		return store.User{}, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return store.User{}, ErrBadCredentials
	}
	return u, nil
}
