package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ikrar/ikrar/internal/roster"
	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

const (
	// uploadTTL is how long a previewed roster waits for its commit.
	uploadTTL = time.Hour
	// maxProblemsShown caps the problem table: a file with a wrong column
	// has one problem per row, and a 100,000-row table helps nobody.
	maxProblemsShown = 1000
)

// uploadTokenRe matches secret.Token: 22 URL-safe characters. Anything else
// is refused before it gets near a file path.
var uploadTokenRe = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

type rosterData struct {
	adminHead
	Deactivate bool
	// Preview
	Previewed bool
	Token     string
	FileName  string
	Result    store.ImportResult
	NewDepts  int
	Problems  []roster.Problem
	More      int
	// Outcome of a commit, read back from the redirect
	Committed bool
}

func (s *Server) uploadDir() string { return filepath.Join(s.Config.DataDir, "uploads") }

func (s *Server) adminRoster(c echo.Context) error {
	p, h := s.adminPage(c, "roster")
	d := rosterData{adminHead: h}
	if c.QueryParam("ok") == "imported" {
		// Only numbers are read back from the query, never text.
		q := c.QueryParams()
		num := func(k string) int {
			n, err := strconv.Atoi(q.Get(k))
			if err != nil || n < 0 {
				return 0
			}
			return n
		}
		d.Committed = true
		d.Result = store.ImportResult{Added: num("added"), Updated: num("updated"), Unchanged: num("unchanged"),
			Deactivated: num("deactivated"), Reactivated: num("reactivated")}
		d.NewDepts = num("departments")
	}
	p.Data = d
	return c.Render(http.StatusOK, "admin_roster", p)
}

func (s *Server) rosterFormError(c echo.Context, status int, key string) error {
	p, h := s.adminPage(c, "roster")
	h.Error = bilingual(p.Lang, key)
	p.Data = rosterData{adminHead: h, Deactivate: c.FormValue("deactivate") == "on"}
	return c.Render(status, "admin_roster", p)
}

// adminRosterPreview keeps the upload server-side under a random token and
// shows what an import would do, writing nothing to the database.
func (s *Server) adminRosterPreview(c echo.Context) error {
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return s.rosterFormError(c, http.StatusUnprocessableEntity, "err_no_file")
	}
	ext := strings.ToLower(filepath.Ext(fh.Filename))
	if ext != ".csv" && ext != ".xlsx" {
		return s.rosterFormError(c, http.StatusUnprocessableEntity, "err_file_type")
	}
	name := uploadName(fh.Filename, ext)
	deactivate := c.FormValue("deactivate") == "on"
	s.sweepUploads()
	token := secret.Token()
	path := filepath.Join(s.uploadDir(), token+ext)
	if err := saveUpload(fh, path); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reopen upload: %w", err)
	}
	res, err := roster.Import(c.Request().Context(), s.Store, actorOf(c), name, f, roster.ImportOptions{DryRun: true, DeactivateMissing: deactivate})
	f.Close()

	p, h := s.adminPage(c, "roster")
	d := rosterData{adminHead: h, Previewed: true, FileName: name, Deactivate: deactivate}
	var perr *roster.Errors
	if errors.As(err, &perr) {
		// Nothing to commit: the file must be fixed and uploaded again.
		os.Remove(path)
		d.Problems = perr.Problems
		if len(d.Problems) > maxProblemsShown {
			d.More = len(d.Problems) - maxProblemsShown
			d.Problems = d.Problems[:maxProblemsShown]
		}
		p.Data = d
		return c.Render(http.StatusUnprocessableEntity, "admin_roster", p)
	}
	if err != nil {
		os.Remove(path)
		return err
	}
	d.Token, d.Result, d.NewDepts = token, res, len(res.NewDepartments)
	p.Data = d
	return c.Render(http.StatusOK, "admin_roster", p)
}

// adminRosterCommit imports a previewed upload for real. The file is
// renamed before use, so a token works once even if the button is pressed
// twice.
func (s *Server) adminRosterCommit(c echo.Context) error {
	token := c.FormValue("token")
	if !uploadTokenRe.MatchString(token) {
		return echo.ErrNotFound
	}
	s.sweepUploads()
	var path, ext string
	for _, e := range []string{".csv", ".xlsx"} {
		candidate := filepath.Join(s.uploadDir(), token+e)
		busy := candidate + ".busy"
		if err := os.Rename(candidate, busy); err == nil {
			path, ext = busy, e
			break
		}
	}
	if path == "" {
		return echo.ErrNotFound
	}
	defer os.Remove(path)
	name := uploadName(c.FormValue("name"), ext)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	res, err := roster.Import(c.Request().Context(), s.Store, actorOf(c), name, f,
		roster.ImportOptions{DeactivateMissing: c.FormValue("deactivate") == "on"})
	f.Close()
	var perr *roster.Errors
	if errors.As(err, &perr) {
		p, h := s.adminPage(c, "roster")
		d := rosterData{adminHead: h, Previewed: true, FileName: name, Problems: perr.Problems}
		if len(d.Problems) > maxProblemsShown {
			d.More = len(d.Problems) - maxProblemsShown
			d.Problems = d.Problems[:maxProblemsShown]
		}
		p.Data = d
		return c.Render(http.StatusUnprocessableEntity, "admin_roster", p)
	}
	if err != nil {
		return err
	}
	q := url.Values{"ok": {"imported"}}
	for k, v := range map[string]int{"added": res.Added, "updated": res.Updated, "unchanged": res.Unchanged,
		"deactivated": res.Deactivated, "reactivated": res.Reactivated, "departments": len(res.NewDepartments)} {
		q.Set(k, strconv.Itoa(v))
	}
	return c.Redirect(http.StatusSeeOther, "/admin/roster?"+q.Encode())
}

// uploadName is the file name recorded in the audit chain: the base name
// the browser sent, trimmed, with the extension the file was stored under.
func uploadName(sent, ext string) string {
	base := strings.TrimSpace(filepath.Base(strings.ReplaceAll(sent, `\`, "/")))
	base = strings.TrimSuffix(base, filepath.Ext(base))
	base = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, base)
	for utf8.RuneCountInString(base) > 100 {
		_, size := utf8.DecodeLastRuneInString(base)
		base = base[:len(base)-size]
	}
	if base == "" || base == "." || base == "/" {
		base = "roster"
	}
	return base + ext
}

func saveUpload(fh *multipart.FileHeader, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create upload folder: %w", err)
	}
	src, err := fh.Open()
	if err != nil {
		return fmt.Errorf("read upload: %w", err)
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("save upload: %w", err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		os.Remove(path)
		return fmt.Errorf("save upload: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("save upload: %w", err)
	}
	return nil
}

// sweepUploads deletes uploads older than uploadTTL. It runs on every
// preview and commit, which is often enough without a background timer.
func (s *Server) sweepUploads() {
	entries, err := os.ReadDir(s.uploadDir())
	if err != nil {
		return
	}
	cutoff := s.Now().Add(-uploadTTL)
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if info.ModTime().Before(cutoff) {
			if err := os.Remove(filepath.Join(s.uploadDir(), e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
				s.Log.Warn("remove expired upload", "err", err)
			}
		}
	}
}
