package web

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// deptCodeRe is the shape of codes the importer and the demo make; codes
// appear in URLs and file names, so nothing else is accepted.
var deptCodeRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

const maxDeptNameLen = 200

// deptOption is a department in a <select>, indented by its depth.
type deptOption struct {
	ID    uint
	Code  string
	Label string
}

type deptForm struct {
	Code     string
	Name     string
	ParentID uint
}

type departmentsData struct {
	adminHead
	Rows    []report.Completion
	Options []deptOption
	Form    deptForm
}

type departmentEditData struct {
	adminHead
	Department store.Department
	Options    []deptOption
	Form       deptForm
}

// deptTree returns every department in tree order with rolled-up roster
// counts, and the same order as select options.
func (s *Server) deptTree(c echo.Context) ([]report.Completion, []deptOption, error) {
	ctx := c.Request().Context()
	sc, err := org.All(ctx, s.Store)
	if err != nil {
		return nil, nil, err
	}
	counts, err := s.Store.RosterByDepartment(ctx)
	if err != nil {
		return nil, nil, err
	}
	rows, _ := report.Rows(sc, counts)
	return rows, optionsOf(sc.Tree(), nil), nil
}

// unitChoices lists every unit in tree order as select options, and each
// unit's name by id (for the units a user or token is bound to).
func (s *Server) unitChoices(c echo.Context) ([]deptOption, map[uint]string, error) {
	sc, err := org.All(c.Request().Context(), s.Store)
	if err != nil {
		return nil, nil, err
	}
	names := make(map[uint]string, len(sc.All))
	for _, d := range sc.All {
		names[d.ID] = d.Name
	}
	return optionsOf(sc.Tree(), nil), names, nil
}

// optionsOf lists units as options, indented by depth, leaving out the
// ids in skip.
func optionsOf(tree []org.Placed, skip map[uint]bool) []deptOption {
	opts := make([]deptOption, 0, len(tree))
	for _, p := range tree {
		if skip[p.Unit.ID] {
			continue
		}
		opts = append(opts, deptOption{ID: p.Unit.ID, Code: p.Unit.Code,
			Label: strings.Repeat("\u00a0\u00a0\u00a0", p.Depth) + p.Unit.Name})
	}
	return opts
}

func (s *Server) adminDepartments(c echo.Context) error {
	return s.renderDepartments(c, http.StatusOK, deptForm{}, "")
}

func (s *Server) renderDepartments(c echo.Context, status int, form deptForm, errKey string) error {
	rows, opts, err := s.deptTree(c)
	if err != nil {
		return err
	}
	p, h := s.adminPage(c, "departments")
	if errKey != "" {
		h.Error = i18n.New(errKey)
	}
	p.Data = departmentsData{adminHead: h, Rows: rows, Options: opts, Form: form}
	return c.Render(status, "admin_departments", p)
}

// readDeptForm reads name and parent; the parent must exist. It returns
// the i18n key of what is wrong, if anything.
func readDeptForm(c echo.Context, sc org.Scope) (deptForm, *uint, string) {
	f := deptForm{Code: strings.ToLower(strings.TrimSpace(c.FormValue("code"))), Name: strings.Join(strings.Fields(c.FormValue("name")), " ")}
	if f.Name == "" || utf8.RuneCountInString(f.Name) > maxDeptNameLen {
		return f, nil, "err_dept_name"
	}
	raw := c.FormValue("parent")
	if raw == "" {
		return f, nil, ""
	}
	n, err := strconv.ParseUint(raw, 10, 32)
	if err != nil || !sc.Allowed[uint(n)] {
		return f, nil, "err_dept_parent"
	}
	f.ParentID = uint(n)
	id := uint(n)
	return f, &id, ""
}

func (s *Server) adminDepartmentCreate(c echo.Context) error {
	sc, err := org.All(c.Request().Context(), s.Store)
	if err != nil {
		return err
	}
	form, parent, errKey := readDeptForm(c, sc)
	if errKey == "" && !deptCodeRe.MatchString(form.Code) {
		errKey = "err_dept_code"
	}
	if errKey != "" {
		return s.renderDepartments(c, http.StatusUnprocessableEntity, form, errKey)
	}
	d := store.Department{Code: form.Code, Name: form.Name, ParentID: parent}
	err = s.Store.CreateDepartment(c.Request().Context(), actorOf(c), &d)
	if errors.Is(err, store.ErrConflict) {
		return s.renderDepartments(c, http.StatusConflict, form, "err_dept_exists")
	}
	if err != nil {
		return err
	}
	return seeOther(c, "/admin/departments", "dept_created")
}

func (s *Server) adminDepartmentEdit(c echo.Context) error {
	d, err := s.Store.DepartmentByCode(c.Request().Context(), c.Param("code"))
	if errors.Is(err, store.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	form := deptForm{Code: d.Code, Name: d.Name}
	if d.ParentID != nil {
		form.ParentID = *d.ParentID
	}
	return s.renderDepartmentEdit(c, http.StatusOK, d, form, "")
}

func (s *Server) renderDepartmentEdit(c echo.Context, status int, d store.Department, form deptForm, errKey string) error {
	sc, err := org.All(c.Request().Context(), s.Store)
	if err != nil {
		return err
	}
	// A department cannot move under itself or its own sub-units, so those
	// are not offered (the store refuses them too).
	skip := map[uint]bool{}
	for _, id := range org.Subtree(sc.All, d.ID) {
		skip[id] = true
	}
	p, h := s.adminPage(c, "departments")
	p.Title = d.Name
	if errKey != "" {
		h.Error = i18n.New(errKey)
	}
	p.Data = departmentEditData{adminHead: h, Department: d, Options: optionsOf(sc.Tree(), skip), Form: form}
	return c.Render(status, "admin_department_edit", p)
}

func (s *Server) adminDepartmentSave(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.Store.DepartmentByCode(ctx, c.Param("code"))
	if errors.Is(err, store.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	sc, err := org.All(ctx, s.Store)
	if err != nil {
		return err
	}
	form, parent, errKey := readDeptForm(c, sc)
	form.Code = d.Code
	if errKey != "" {
		return s.renderDepartmentEdit(c, http.StatusUnprocessableEntity, d, form, errKey)
	}
	if !org.Movable(sc.All, d.ID, parent) {
		return s.renderDepartmentEdit(c, http.StatusConflict, d, form, "err_dept_cycle")
	}
	err = s.Store.UpdateDepartment(ctx, actorOf(c), d.Code, form.Name, parent)
	s.departments.clear()
	if errors.Is(err, store.ErrConflict) {
		// The cycle was checked above, so this is a name another unit uses
		// (or a move raced with another admin's).
		return s.renderDepartmentEdit(c, http.StatusConflict, d, form, "err_dept_conflict")
	}
	if err != nil {
		return err
	}
	return seeOther(c, "/admin/departments", "dept_saved")
}
