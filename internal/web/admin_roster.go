package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
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

// adminRosterPreview keeps the upload in the database under a random token and
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
	data, err := readUpload(fh)
	if err != nil {
		return err
	}
	res, err := roster.Import(c.Request().Context(), s.Store, actorOf(c), name, bytes.NewReader(data), roster.ImportOptions{DryRun: true, DeactivateMissing: deactivate})

	p, h := s.adminPage(c, "roster")
	d := rosterData{adminHead: h, Previewed: true, FileName: name, Deactivate: deactivate}
	var perr *roster.Errors
	if errors.As(err, &perr) {
		// Nothing to commit: the file must be fixed and uploaded again.
		d.Problems = perr.Problems
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
	// Kept in the database until the confirmation, which may reach
	// another instance behind the load balancer.
	token := secret.Token()
	if err := s.Store.PutUpload(c.Request().Context(), token, ext, data, s.Now().Add(-uploadTTL)); err != nil {
		return err
	}
	d.Token, d.Result, d.NewDepts = token, res, len(res.NewDepartments)
	p.Data = d
	return c.Render(http.StatusOK, "admin_roster", p)
}

// adminRosterCommit imports a previewed upload for real. Taking the upload
// deletes it, so a token works once even if the button is pressed twice.
func (s *Server) adminRosterCommit(c echo.Context) error {
	token := c.FormValue("token")
	if !uploadTokenRe.MatchString(token) {
		return echo.ErrNotFound
	}
	up, err := s.Store.TakeUpload(c.Request().Context(), token, s.Now().Add(-uploadTTL))
	if errors.Is(err, store.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	name := uploadName(c.FormValue("name"), up.Ext)
	res, err := roster.Import(c.Request().Context(), s.Store, actorOf(c), name, bytes.NewReader(up.Data),
		roster.ImportOptions{DeactivateMissing: c.FormValue("deactivate") == "on"})
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

// readUpload reads a roster upload; the route's body limit caps its size.
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	src, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	defer src.Close()
	data, err := io.ReadAll(src)
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	return data, nil
}
