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

	"github.com/ikrar/ikrar/internal/i18n"
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
	// What cannot surprise (issue 14): new units that look like existing
	// ones, who is deactivated (one page of them), whether the number must
	// be typed.
	Similar     []store.SimilarUnit
	Deact       []store.DeactivatedEntry
	Page, Pages int
	PrevURL     string
	NextURL     string
	NeedConfirm bool
}

// deactivatedPerPage is how many deactivated people one preview page lists.
const deactivatedPerPage = 50

// previewData fills the preview of a dry run: counts, similar units and
// page of the deactivated list (1-based).
// UploadURL is where to try another roster file (templates/partials/import.html).
func (rosterData) UploadURL() string { return "/admin/roster" }

// shownProblems caps an import's problems at maxProblemsShown and says how
// many more there are.
func shownProblems(all []roster.Problem) (shown []roster.Problem, more int) {
	if len(all) > maxProblemsShown {
		return all[:maxProblemsShown], len(all) - maxProblemsShown
	}
	return all, 0
}

// queryCount reads a count an import's redirect put in the query: only
// numbers are read back, never text; anything else reads as 0.
func queryCount(q url.Values, key string) int {
	n, err := strconv.Atoi(q.Get(key))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func previewData(h adminHead, token, name string, deactivate bool, res store.ImportResult, page int) rosterData {
	d := rosterData{adminHead: h, Previewed: true, Token: token, FileName: name, Deactivate: deactivate,
		Result: res, NewDepts: len(res.NewDepartments), Similar: res.Similar,
		NeedConfirm: store.IsMassDeactivation(res.Deactivated, res.ActiveBefore)}
	d.Pages = (len(res.DeactivatedList) + deactivatedPerPage - 1) / deactivatedPerPage
	d.Page = min(max(page, 1), max(d.Pages, 1))
	if d.Pages > 0 {
		start := (d.Page - 1) * deactivatedPerPage
		d.Deact = res.DeactivatedList[start:min(start+deactivatedPerPage, len(res.DeactivatedList))]
	}
	pageURL := func(n int) string {
		q := url.Values{"token": {token}, "name": {name}, "page": {strconv.Itoa(n)}}
		if deactivate {
			q.Set("deactivate", "on")
		}
		return "/admin/roster/preview?" + q.Encode() + "#deactivated"
	}
	if d.Page > 1 {
		d.PrevURL = pageURL(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.NextURL = pageURL(d.Page + 1)
	}
	return d
}

// adminRosterPreviewPage shows another page of a pending upload's preview,
// computed again from the upload (nothing is written).
func (s *Server) adminRosterPreviewPage(c echo.Context) error {
	token := c.QueryParam("token")
	if !uploadTokenRe.MatchString(token) {
		return echo.ErrNotFound
	}
	up, err := s.Store.PeekUpload(c.Request().Context(), token, s.Now().Add(-uploadTTL))
	if errors.Is(err, store.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	if up.Ext != ".csv" && up.Ext != ".xlsx" {
		return echo.ErrNotFound
	}
	name := uploadName(c.QueryParam("name"), up.Ext)
	deactivate := c.QueryParam("deactivate") == "on"
	res, err := roster.Import(c.Request().Context(), s.Store, actorOf(c), name, bytes.NewReader(up.Data), roster.ImportOptions{Limits: roster.UploadLimits, DryRun: true, DeactivateMissing: deactivate})
	if err != nil {
		return err // the same file previewed cleanly a moment ago
	}
	page, _ := strconv.Atoi(c.QueryParam("page"))
	p, h := s.adminPage(c, "roster")
	p.Data = previewData(h, token, name, deactivate, res, page)
	return c.Render(http.StatusOK, "admin_roster", p)
}

// commitOptions reads the admin's decisions from the preview form: the
// typed deactivation count and, for each similar unit, map or new.
func commitOptions(c echo.Context) roster.ImportOptions {
	o := roster.ImportOptions{Limits: roster.UploadLimits, DeactivateMissing: c.FormValue("deactivate") == "on", UnitMap: map[string]string{}}
	o.ConfirmDeactivate, _ = strconv.Atoi(strings.TrimSpace(c.FormValue("confirm_deactivate")))
	n, _ := strconv.Atoi(c.FormValue("similar_n"))
	decided := 0
	for i := 0; i < min(n, 1000); i++ {
		k := strconv.Itoa(i)
		name, existing := c.FormValue("unit_name_"+k), c.FormValue("unit_existing_"+k)
		switch c.FormValue("unit_choice_" + k) {
		case "map":
			o.UnitMap[strings.ToLower(name)] = existing
			decided++
		case "new":
			decided++
		}
	}
	// New units are confirmed only when every similar name has a decision;
	// otherwise the import refuses and the preview asks again.
	o.ConfirmNewUnits = n > 0 && decided == n
	return o
}

// rosterRepreview puts a taken upload back under a new token and shows its
// preview again with msg, when a commit lacked a required decision.
func (s *Server) rosterRepreview(c echo.Context, up store.PendingUpload, name string, o roster.ImportOptions, msg *i18n.Error) error {
	ctx := c.Request().Context()
	res, err := roster.Import(ctx, s.Store, actorOf(c), name, bytes.NewReader(up.Data), roster.ImportOptions{Limits: roster.UploadLimits, DryRun: true, DeactivateMissing: o.DeactivateMissing})
	if err != nil {
		return err
	}
	token := secret.Token()
	if err := s.Store.PutUpload(ctx, token, up.Ext, up.Data, s.Now().Add(-uploadTTL)); err != nil {
		return err
	}
	p, h := s.adminPage(c, "roster")
	h.Error = msg
	p.Data = previewData(h, token, name, o.DeactivateMissing, res, 1)
	return c.Render(http.StatusUnprocessableEntity, "admin_roster", p)
}

func (s *Server) adminRoster(c echo.Context) error {
	p, h := s.adminPage(c, "roster")
	d := rosterData{adminHead: h}
	if c.QueryParam("ok") == "imported" {
		// Only numbers are read back from the query, never text.
		q := c.QueryParams()
		num := func(k string) int { return queryCount(q, k) }
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
	h.Error = i18n.New(key)
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
	res, err := roster.Import(c.Request().Context(), s.Store, actorOf(c), name, bytes.NewReader(data), roster.ImportOptions{Limits: roster.UploadLimits, DryRun: true, DeactivateMissing: deactivate})

	p, h := s.adminPage(c, "roster")
	d := rosterData{adminHead: h, Previewed: true, FileName: name, Deactivate: deactivate}
	var perr *roster.Errors
	if errors.As(err, &perr) {
		// Nothing to commit: the file must be fixed and uploaded again.
		d.Problems, d.More = shownProblems(perr.Problems)
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
	p.Data = previewData(h, token, name, deactivate, res, 1)
	return c.Render(http.StatusOK, "admin_roster", p)
}

// takeUpload takes the previewed upload named by the form's token: once
// (taking deletes it), and 404 for a malformed, unknown or expired token.
func (s *Server) takeUpload(c echo.Context) (store.PendingUpload, error) {
	token := c.FormValue("token")
	if !uploadTokenRe.MatchString(token) {
		return store.PendingUpload{}, echo.ErrNotFound
	}
	up, err := s.Store.TakeUpload(c.Request().Context(), token, s.Now().Add(-uploadTTL))
	if errors.Is(err, store.ErrNotFound) {
		return store.PendingUpload{}, echo.ErrNotFound
	}
	return up, err
}

// adminRosterCommit imports a previewed upload for real. Taking the upload
// deletes it, so a token works once even if the button is pressed twice.
func (s *Server) adminRosterCommit(c echo.Context) error {
	up, err := s.takeUpload(c)
	if err != nil {
		return err
	}
	if up.Ext != ".csv" && up.Ext != ".xlsx" {
		return echo.ErrNotFound // a units file's token
	}
	name := uploadName(c.FormValue("name"), up.Ext)
	o := commitOptions(c)
	res, err := roster.Import(c.Request().Context(), s.Store, actorOf(c), name, bytes.NewReader(up.Data), o)
	var mass *store.MassDeactivationError
	if errors.As(err, &mass) {
		return s.rosterRepreview(c, up, name, o, i18n.New("roster_confirm_wrong", mass.Count))
	}
	var perr *roster.Errors
	if errors.As(err, &perr) && len(res.Similar) > 0 {
		return s.rosterRepreview(c, up, name, o, i18n.New("roster_similar_undecided"))
	}
	if errors.As(err, &perr) {
		p, h := s.adminPage(c, "roster")
		d := rosterData{adminHead: h, Previewed: true, FileName: name}
		d.Problems, d.More = shownProblems(perr.Problems)
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
