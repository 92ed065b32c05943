package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ikrar/ikrar/internal/nip"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/roster"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

type rosterJSON struct {
	NIP       string `json:"nip"`
	Name      string `json:"name"`
	Position  string `json:"position"`
	Unit      string `json:"unit"`
	Kind      string `json:"kind"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Active    bool   `json:"active"`
	UpdatedAt string `json:"updated_at_utc"`
}

// rosterList pages through the roster of the token's units in a stable
// order; ?updated_since= keeps a sync to what changed (deactivations
// included, as active=false).
func (a *API) rosterList(c echo.Context) error {
	sc := callerOf(c).Scope
	after, limit, err := pageParams(c)
	if err != nil {
		return err
	}
	var since *time.Time
	if q := c.QueryParam("updated_since"); q != "" {
		t, err := time.Parse(time.RFC3339, q)
		if err != nil {
			return problem(http.StatusBadRequest, "api_updated_since_invalid")
		}
		since = &t
	}
	ids := sc.IDs()
	if unit := c.QueryParam("unit"); unit != "" {
		d, err := unitIn(sc, unit)
		if err != nil {
			return err
		}
		ids = sc.Narrow(d.ID).IDs()
	} else if ids == nil && !sc.Everything {
		ids = []uint{}
	}
	rows, err := a.Store.RosterSince(c.Request().Context(), ids, after, since, limit)
	if err != nil {
		return err
	}
	items := make([]rosterJSON, 0, len(rows))
	for _, r := range rows {
		items = append(items, rosterJSON{NIP: r.NIP, Name: r.Name, Position: r.Position, Unit: r.DepartmentCode, Kind: r.Kind,
			Email: r.Email, Phone: r.Phone, Active: r.Active, UpdatedAt: r.UpdatedAt.UTC().Format(time.RFC3339Nano)})
	}
	next := c.QueryParam("cursor")
	if len(rows) > 0 {
		next = encodeCursor(rows[len(rows)-1].ID)
	}
	return a.writeJSON(c, map[string]any{"items": items, "next_cursor": next, "more": len(rows) == limit})
}

// rosterRow is one row of a bulk upsert: the columns of a roster file.
type rosterRow struct {
	NIP        string `json:"nip"`
	Name       string `json:"name"`
	Position   string `json:"position"`
	Unit       string `json:"unit"`
	Email      string `json:"email"`
	Phone      string `json:"phone"`
	Kind       string `json:"kind"`
	ParentUnit string `json:"parent_unit"`
}

type upsertResult struct {
	DryRun      bool     `json:"dry_run"`
	Rows        int      `json:"rows"`
	Added       int      `json:"added"`
	Updated     int      `json:"updated"`
	Unchanged   int      `json:"unchanged"`
	Reactivated int      `json:"reactivated"`
	NewUnits    []string `json:"new_units"`
	Moved       int      `json:"moved"`
}

// maxUpsertRows bounds one call; larger rosters go in several calls or
// through the CLI.
const maxUpsertRows = 200_000

// rosterUpsert validates and upserts rows by NIP with the rules of a
// roster file import (internal/roster), all or nothing: any bad row means
// nothing is written and every problem comes back by index and field.
// ?dry_run=true computes the outcome and writes nothing. An
// Idempotency-Key header makes a retried call return the first answer.
func (a *API) rosterUpsert(c echo.Context) error {
	cl := callerOf(c)
	ctx := c.Request().Context()
	if ct := c.Request().Header.Get(echo.HeaderContentType); !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return problem(http.StatusUnsupportedMediaType, "api_send_json")
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return newProblem(http.StatusRequestEntityTooLarge)
		}
		return err
	}
	dryRun := c.QueryParam("dry_run") == "true" || c.QueryParam("dry_run") == "1"
	key := c.Request().Header.Get("Idempotency-Key")
	if key != "" && !dryRun {
		if len(key) > 255 {
			return problem(http.StatusBadRequest, "api_idempotency_too_long")
		}
		sum := sha256.Sum256(append([]byte(c.Request().URL.RawQuery+"\n"), body...))
		old, err := a.Store.ReserveIdempotency(ctx, cl.Token.ID, key, hex.EncodeToString(sum[:]))
		switch {
		case errors.Is(err, store.ErrConflict):
			return problem(http.StatusUnprocessableEntity, "api_idempotency_reused")
		case errors.Is(err, store.ErrInProgress):
			c.Response().Header().Set("Retry-After", "5")
			return problem(http.StatusConflict, "api_idempotency_running")
		case err != nil:
			return err
		case old.Status != 0:
			c.Response().Header().Set("Idempotent-Replayed", "true")
			ctype := echo.MIMEApplicationJSON
			if old.Status >= 400 {
				ctype = "application/problem+json"
			}
			return c.Blob(old.Status, ctype, old.Body)
		}
		var out any
		status, res, err := a.upsert(c, cl, body, false)
		out = res
		if err != nil {
			var p *Problem
			if errors.As(err, &p) {
				status, out = p.Status, p
			} else {
				_ = a.Store.FinishIdempotency(ctx, cl.Token.ID, key, 0, nil) // let the client retry
				return err
			}
		}
		b, _ := json.Marshal(out)
		if ferr := a.Store.FinishIdempotency(ctx, cl.Token.ID, key, status, b); ferr != nil {
			a.Log.Error("store idempotent answer", "token", cl.Token.Name, "err", ferr)
		}
		ctype := echo.MIMEApplicationJSON
		if status >= 400 {
			ctype = "application/problem+json"
		}
		return c.Blob(status, ctype, b)
	}
	status, out, err := a.upsert(c, cl, body, dryRun)
	if err != nil {
		return err
	}
	return c.JSON(status, out)
}

func (a *API) upsert(c echo.Context, cl caller, body []byte, dryRun bool) (int, upsertResult, error) {
	var req struct {
		Rows []rosterRow `json:"rows"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return 0, upsertResult{}, problem(http.StatusBadRequest, "api_json_unreadable", err.Error())
	}
	if len(req.Rows) == 0 {
		return 0, upsertResult{}, problem(http.StatusUnprocessableEntity, "api_rows_empty")
	}
	if len(req.Rows) > maxUpsertRows {
		n := strconv.Itoa(maxUpsertRows)
		return 0, upsertResult{}, problem(http.StatusRequestEntityTooLarge, "api_rows_too_many", n)
	}
	recs := make([]roster.Record, len(req.Rows))
	for i, r := range req.Rows {
		recs[i] = roster.Record{NIP: r.NIP, Name: r.Name, Position: r.Position, Department: r.Unit,
			Email: r.Email, Phone: r.Phone, Kind: r.Kind, Parent: r.ParentUnit}
	}
	// A unit may be named by its code as well as its name (the import
	// matches names), so codes become names first.
	byCode := make(map[string]string, len(cl.Scope.All))
	for _, d := range cl.Scope.All {
		byCode[d.Code] = d.Name
	}
	for i := range recs {
		if n, ok := byCode[strings.TrimSpace(recs[i].Department)]; ok {
			recs[i].Department = n
		}
	}
	if cl.Bound {
		// A bound token writes only into its own units: a row naming any
		// other (or a new) unit is refused like an invalid cell.
		errs := outsideScope(cl.Scope, recs)
		moved, err := a.movedIn(c, cl.Scope, recs)
		if err != nil {
			return 0, upsertResult{}, err
		}
		if errs = append(errs, moved...); len(errs) > 0 {
			return 0, upsertResult{}, invalidRows(errs)
		}
	}
	res, err := roster.ImportRecords(c.Request().Context(), a.Store, cl.Actor(), "api", recs, roster.ImportOptions{DryRun: dryRun})
	var rerr *roster.Errors
	if errors.As(err, &rerr) {
		errs := make([]FieldError, 0, len(rerr.Problems))
		for _, p := range rerr.Problems {
			fe := FieldError{Field: jsonField(p.Column), Detail: p.In("id"), DetailEN: p.In("en")}
			if p.Line > 0 {
				i := p.Line - 1
				fe.Index = &i
			}
			errs = append(errs, fe)
		}
		return 0, upsertResult{}, invalidRows(errs)
	}
	if err != nil {
		return 0, upsertResult{}, err
	}
	newUnits := res.NewDepartments
	if newUnits == nil {
		newUnits = []string{}
	}
	return http.StatusOK, upsertResult{DryRun: dryRun, Rows: len(recs), Added: res.Added, Updated: res.Updated, Unchanged: res.Unchanged,
		Reactivated: res.Reactivated, NewUnits: newUnits, Moved: res.Moved}, nil
}

func invalidRows(errs []FieldError) *Problem {
	slices.SortStableFunc(errs, func(a, b FieldError) int {
		if a.Index == nil || b.Index == nil {
			return 0
		}
		return *a.Index - *b.Index
	})
	p := problem(http.StatusUnprocessableEntity, "api_rows_invalid", strconv.Itoa(len(errs)))
	p.Errors = errs
	return p
}

// jsonField maps the roster file's column names to the API's field names.
func jsonField(col string) string {
	switch col {
	case roster.ColNIP:
		return "nip"
	case roster.ColName:
		return "name"
	case roster.ColPosition:
		return "position"
	case roster.ColDepartment:
		return "unit"
	case roster.ColEmail:
		return "email"
	case roster.ColPhone:
		return "phone"
	case roster.ColKind:
		return "kind"
	case roster.ColParent:
		return "parent_unit"
	}
	return col
}

// outsideScope lists rows whose unit (or parent unit) is not one of the
// scope's units, matched by name as the import matches them (or by code).
func outsideScope(sc org.Scope, recs []roster.Record) []FieldError {
	in := func(ref string) bool {
		ref = strings.TrimSpace(ref)
		for _, d := range sc.All {
			if sc.Allowed[d.ID] && (strings.EqualFold(d.Name, ref) || d.Code == ref) {
				return true
			}
		}
		return false
	}
	var errs []FieldError
	for i, r := range recs {
		if !in(r.Department) {
			errs = append(errs, fieldError(&i, "unit", "api_unit_out_of_scope"))
		}
		if r.Parent != "" && !in(r.Parent) {
			errs = append(errs, fieldError(&i, "parent_unit", "api_parent_out_of_scope"))
		}
	}
	return errs
}

// movedIn lists rows that would move a person already on the roster out of
// a unit the token does not see: that is the other unit's call to make.
func (a *API) movedIn(c echo.Context, sc org.Scope, recs []roster.Record) ([]FieldError, error) {
	nips := make([]string, 0, len(recs))
	for _, r := range recs {
		nips = append(nips, nip.Normalize(r.NIP))
	}
	units, err := a.Store.UnitsOfNIPs(c.Request().Context(), nips)
	if err != nil {
		return nil, err
	}
	var errs []FieldError
	for i, n := range nips {
		if d, ok := units[n]; ok && !sc.Allowed[d] {
			errs = append(errs, fieldError(&i, "nip", "api_person_out_of_scope"))
		}
	}
	return errs, nil
}
