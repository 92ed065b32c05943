// Package staff manages staff accounts (admins and department heads):
// password rules and hashing, shared by the CLI and the admin pages.
package staff

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
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
// account costs the same time as a wrong password. It is a constant (the
// hash of "ikrar-timing-equaliser" at bcrypt.DefaultCost) rather than
// hashed when the package loads: that cost every command and test binary
// a bcrypt run at start-up. TestDummyHashCost keeps its cost equal to the
// real hashes'.
const dummyHash = "$2a$10$5UlkA8sBuIu0B.pVjSIvgOQaGz1Q9IfN2/ntn3CwJ8cZCSAHaUWOS"

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

// Add creates a user without an email address (see Create).
func Add(ctx context.Context, st *store.Store, actor, username, role, password string, deptCodes []string) (store.User, error) {
	return Create(ctx, st, actor, Account{Username: username, Role: role, Password: password, Departments: deptCodes})
}

// Account is a new staff user as an admin describes it.
type Account struct {
	Username, Role, Password string
	Email                    string   // optional
	Departments              []string // codes; heads only
}

// ErrEmail is an address that is not one (bilingual, for the pages and the CLI).
var ErrEmail = i18n.New("staff_email_invalid")

// CheckEmail validates an optional staff address: "" (none) or one bare
// address with a dotted domain, at most 200 characters. Surrounding
// spaces are dropped.
func CheckEmail(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if len(v) > 200 {
		return "", ErrEmail
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v {
		return "", ErrEmail
	}
	domain := v[strings.LastIndexByte(v, '@')+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", ErrEmail
	}
	return v, nil
}

// SetEmail validates and stores a staff user's address ("" clears it).
func SetEmail(ctx context.Context, st *store.Store, actor string, userID uint, email string) error {
	email, err := CheckEmail(email)
	if err != nil {
		return err
	}
	return st.SetUserEmail(ctx, actor, userID, email)
}

// Create adds a user after validating role, username, email and departments.
func Create(ctx context.Context, st *store.Store, actor string, a Account) (store.User, error) {
	username, role, password, deptCodes := a.Username, a.Role, a.Password, a.Departments
	if !usernameRe.MatchString(username) {
		return store.User{}, i18n.New("staff_username_invalid")
	}
	if role != store.RoleAdmin && role != store.RoleHead {
		return store.User{}, i18n.New("staff_role_invalid", role)
	}
	if role == store.RoleHead && len(deptCodes) == 0 {
		return store.User{}, i18n.New("staff_head_needs_unit")
	}
	var ids []uint
	for _, code := range deptCodes {
		d, err := st.DepartmentByCode(ctx, code)
		if err != nil {
			return store.User{}, fmt.Errorf("department %q: %w", code, err)
		}
		ids = append(ids, d.ID)
	}
	email, err := CheckEmail(a.Email)
	if err != nil {
		return store.User{}, err
	}
	hash, err := HashPassword(username, password)
	if err != nil {
		return store.User{}, err
	}
	u := store.User{Username: username, Role: role, PasswordHash: hash, Email: email}
	if err := st.CreateUser(ctx, actor, &u, ids); err != nil {
		return store.User{}, err
	}
	return u, nil
}

// Authenticate checks a username and password.
func Authenticate(ctx context.Context, st *store.Store, username, password string) (store.User, error) {
	u, err := st.UserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		_ = bcrypt.CompareHashAndPassword([]byte(dummyHash), []byte(password))
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
