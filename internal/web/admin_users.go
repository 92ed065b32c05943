package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/staff"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

type userRow struct {
	store.User
	Departments []string
}

type userForm struct {
	Username    string
	Email       string
	Role        string
	Departments map[string]bool // selected codes
}

type usersData struct {
	adminHead
	Rows    []userRow
	Options []deptOption
	Form    userForm
	Self    uint
}

func (s *Server) adminUsers(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, userForm{Role: store.RoleHead}, nil)
}

// renderUsers shows the user list and the add form; msg is an error
// already in both languages (from the staff rules) or empty.
func (s *Server) renderUsers(c echo.Context, status int, form userForm, msg *i18n.Error) error {
	ctx := c.Request().Context()
	users, err := s.Store.Users(ctx)
	if err != nil {
		return err
	}
	bindings, err := s.Store.UserDepartmentBindings(ctx)
	if err != nil {
		return err
	}
	opts, names, err := s.unitChoices(c)
	if err != nil {
		return err
	}
	p, h := s.adminPage(c, "users")
	h.Error = msg
	d := usersData{adminHead: h, Options: opts, Form: form, Self: c.Get(ctxUser).(*store.User).ID}
	for _, u := range users {
		r := userRow{User: u}
		for _, id := range bindings[u.ID] {
			r.Departments = append(r.Departments, names[id])
		}
		d.Rows = append(d.Rows, r)
	}
	p.Data = d
	return c.Render(status, "admin_users", p)
}

// staffMessage turns an error of the staff rules into what the form shows.
// Those rules carry a message key; anything else is an unexpected failure
// and is returned as such, never shown.
func staffMessage(err error) (*i18n.Error, bool) {
	switch {
	case errors.Is(err, store.ErrConflict):
		return i18n.New("err_user_exists"), true
	case errors.Is(err, store.ErrNotFound):
		return i18n.New("err_dept_unknown"), true
	}
	m := messageOf(err)
	return m, m != nil
}

func (s *Server) adminUserCreate(c echo.Context) error {
	ctx := c.Request().Context()
	params, err := c.FormParams()
	if err != nil {
		return err
	}
	form := userForm{Username: strings.ToLower(strings.TrimSpace(params.Get("username"))), Email: strings.TrimSpace(params.Get("email")),
		Role: params.Get("role"), Departments: map[string]bool{}}
	var codes []string
	if form.Role == store.RoleHead {
		for _, code := range params["department"] {
			if code != "" && !form.Departments[code] {
				form.Departments[code] = true
				codes = append(codes, code)
			}
		}
	}
	_, err = staff.Create(ctx, s.Store, actorOf(c), staff.Account{Username: form.Username, Role: form.Role,
		Password: params.Get("password"), Email: form.Email, Departments: codes})
	if err != nil {
		msg, ok := staffMessage(err)
		if !ok {
			return err
		}
		status := http.StatusUnprocessableEntity
		if errors.Is(err, store.ErrConflict) {
			status = http.StatusConflict
		}
		return s.renderUsers(c, status, form, msg)
	}
	return seeOther(c, "/admin/users", "user_created")
}

func (s *Server) userParam(c echo.Context) (store.User, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return store.User{}, err
	}
	u, err := s.Store.UserByID(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, echo.ErrNotFound
	}
	return u, err
}

func (s *Server) adminUserDisable(c echo.Context) error { return s.setUserDisabled(c, true) }

func (s *Server) adminUserEnable(c echo.Context) error { return s.setUserDisabled(c, false) }

func (s *Server) setUserDisabled(c echo.Context, disabled bool) error {
	u, err := s.userParam(c)
	if err != nil {
		return err
	}
	// An admin locking themselves out would need the CLI to get back in.
	if disabled && u.ID == c.Get(ctxUser).(*store.User).ID {
		return s.renderUsers(c, http.StatusUnprocessableEntity, userForm{Role: store.RoleHead}, i18n.New("err_self_disable"))
	}
	if err := s.Store.SetUserDisabled(c.Request().Context(), actorOf(c), u.ID, disabled); err != nil {
		return err
	}
	if disabled {
		return seeOther(c, "/admin/users", "user_disabled")
	}
	return seeOther(c, "/admin/users", "user_enabled")
}

// adminUserPassword resets a password; the user's sessions end with it
// (also the admin's own, who then signs in again).
func (s *Server) adminUserPassword(c echo.Context) error {
	u, err := s.userParam(c)
	if err != nil {
		return err
	}
	hash, err := staff.HashPassword(u.Username, c.FormValue("password"))
	if err != nil {
		msg, ok := staffMessage(err)
		if !ok {
			return err
		}
		return s.renderUsers(c, http.StatusUnprocessableEntity, userForm{Role: store.RoleHead}, msg)
	}
	if err := s.Store.SetUserPassword(c.Request().Context(), actorOf(c), u.ID, hash); err != nil {
		return err
	}
	return seeOther(c, "/admin/users", "password_reset")
}

// adminUserEmail sets or clears the address a user's digests and
// "100 %" messages go to.
func (s *Server) adminUserEmail(c echo.Context) error {
	u, err := s.userParam(c)
	if err != nil {
		return err
	}
	if err := staff.SetEmail(c.Request().Context(), s.Store, actorOf(c), u.ID, c.FormValue("email")); err != nil {
		msg, ok := staffMessage(err)
		if !ok {
			return err
		}
		return s.renderUsers(c, http.StatusUnprocessableEntity, userForm{Role: store.RoleHead}, msg)
	}
	return seeOther(c, "/admin/users", "user_email_saved")
}
