package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/ikrar/ikrar/internal/audit"
	"gorm.io/gorm"
)

// Departments lists every department ordered by name.
func (s *Store) Departments(ctx context.Context) ([]Department, error) {
	var ds []Department
	if err := s.r.WithContext(ctx).Order("name").Find(&ds).Error; err != nil {
		return nil, fmt.Errorf("list departments: %w", err)
	}
	return ds, nil
}

// DepartmentByCode finds a department by its code.
func (s *Store) DepartmentByCode(ctx context.Context, code string) (Department, error) {
	var d Department
	if err := s.r.WithContext(ctx).Where("code = ?", code).Take(&d).Error; err != nil {
		return Department{}, notFound(err, "department "+code)
	}
	return d, nil
}

// DepartmentByID finds a department by id.
func (s *Store) DepartmentByID(ctx context.Context, id uint) (Department, error) {
	d, err := scanDepartment(s.hot.departmentByID.QueryRowContext(s.d.hotReadContext(ctx), id))
	if err != nil {
		return Department{}, hotNotFound(err, "department")
	}
	return d, nil
}

// CreateDepartment adds a department.
func (s *Store) CreateDepartment(ctx context.Context, actor string, d *Department) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		if err := tx.Create(d).Error; err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("create department %s: %w", d.Code, ErrConflict)
			}
			return fmt.Errorf("create department %s: %w", d.Code, err)
		}
		_, err := appendEvent(tx, s.now(), actor, "department.created", "department:"+d.Code,
			audit.Detail(map[string]string{"name": d.Name, "parent": parentString(d.ParentID)}))
		return err
	})
}

// UpdateDepartment renames or moves a department, refusing cycles.
func (s *Store) UpdateDepartment(ctx context.Context, actor string, code, name string, parentID *uint) error {
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lockChain(tx); err != nil {
			return err
		}
		var d Department
		if err := tx.Where("code = ?", code).Take(&d).Error; err != nil {
			return notFound(err, "department "+code)
		}
		for p := parentID; p != nil; {
			if *p == d.ID {
				return fmt.Errorf("move department %s under its own child: %w", code, ErrConflict)
			}
			var up Department
			if err := tx.Take(&up, *p).Error; err != nil {
				return notFound(err, "parent department")
			}
			p = up.ParentID
		}
		if err := tx.Model(&d).Updates(map[string]any{"name": name, "parent_id": parentID}).Error; err != nil {
			if isUniqueViolation(err) {
				return fmt.Errorf("rename department %s: %w", code, ErrConflict)
			}
			return fmt.Errorf("update department %s: %w", code, err)
		}
		_, err := appendEvent(tx, s.now(), actor, "department.updated", "department:"+code,
			audit.Detail(map[string]string{"name": name, "parent": parentString(parentID)}))
		return err
	})
}

func parentString(p *uint) string {
	if p == nil {
		return ""
	}
	return strconv.FormatUint(uint64(*p), 10)
}
