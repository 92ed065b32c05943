package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/nip"
	"github.com/ikrar/ikrar/internal/org"
	"github.com/ikrar/ikrar/internal/report"
	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

func jsonEncode(c echo.Context, v any) error { return json.NewEncoder(c.Response()).Encode(v) }

type campaignJSON struct {
	ID       uint                 `json:"id"`
	Slug     string               `json:"slug"`
	Version  int                  `json:"version"`
	Title    string               `json:"title"`
	Status   store.CampaignStatus `json:"status"`
	OpensAt  string               `json:"opens_at,omitempty"`
	ClosesAt string               `json:"closes_at,omitempty"`
}

func (a *API) campaigns(c echo.Context) error {
	all, err := a.Store.Campaigns(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]campaignJSON, 0, len(all))
	for _, cp := range all {
		j := campaignJSON{ID: cp.ID, Slug: cp.Slug, Version: cp.Version, Title: cp.Title, Status: cp.Status}
		if cp.OpensAt != nil {
			j.OpensAt = timeRFC3339(*cp.OpensAt)
		}
		if cp.ClosesAt != nil {
			j.ClosesAt = timeRFC3339(*cp.ClosesAt)
		}
		out = append(out, j)
	}
	return a.writeJSON(c, map[string]any{"campaigns": out})
}

type unitJSON struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code,omitempty"`
}

// units lists the units the token sees; a parent outside the token's
// units is left out, as a head's pages do.
func (a *API) units(c echo.Context) error {
	sc := callerOf(c).Scope
	codes := codesByID(sc)
	out := []unitJSON{}
	for _, d := range sc.All {
		if !sc.Allowed[d.ID] {
			continue
		}
		u := unitJSON{Code: d.Code, Name: d.Name}
		if d.ParentID != nil && sc.Allowed[*d.ParentID] {
			u.ParentCode = codes[*d.ParentID]
		}
		out = append(out, u)
	}
	return a.writeJSON(c, map[string]any{"units": out})
}

func codesByID(sc org.Scope) map[uint]string {
	m := make(map[uint]string, len(sc.All))
	for _, d := range sc.All {
		m[d.ID] = d.Code
	}
	return m
}

// unitIn finds a unit by code inside the token's units; anything else is
// 404, so a bound token cannot learn that other units exist.
func unitIn(sc org.Scope, code string) (store.Department, error) {
	d, ok := sc.Department(code)
	if !ok {
		return store.Department{}, problem(http.StatusNotFound, "api_unit_not_found", code)
	}
	return d, nil
}

func (a *API) campaignParam(c echo.Context) (store.Campaign, error) {
	q := c.QueryParam("campaign")
	id, err := strconv.ParseUint(q, 10, 32)
	if err != nil {
		return store.Campaign{}, problem(http.StatusBadRequest, "api_campaign_required")
	}
	camp, err := a.Store.CampaignByID(c.Request().Context(), uint(id))
	if errors.Is(err, store.ErrNotFound) {
		return store.Campaign{}, problem(http.StatusNotFound, "api_campaign_not_found", q)
	}
	return camp, err
}

type completionJSON struct {
	Code       string   `json:"code,omitempty"`
	Name       string   `json:"name,omitempty"`
	ParentCode string   `json:"parent_code,omitempty"`
	Depth      int      `json:"depth"`
	Roster     int      `json:"roster"`
	Signed     int      `json:"signed"`
	Pending    int      `json:"pending"`
	Percent    *float64 `json:"percent,omitempty"` // absent for a unit with nobody to sign (the pages' "—")
}

func completionOf(r report.Completion, codes map[uint]string) completionJSON {
	j := completionJSON{Code: r.Department.Code, Name: r.Department.Name, Depth: r.Depth,
		Roster: r.Roster, Signed: r.Signed, Pending: r.Pending()}
	if r.Department.ParentID != nil {
		j.ParentCode = codes[*r.Department.ParentID]
	}
	if !r.Empty() {
		p := r.Percent()
		j.Percent = &p
	}
	return j
}

// completion gives the dashboard's figures: the same domain function
// (report.CompletionOf) over the token's scope, narrowed to ?unit=.
func (a *API) completion(c echo.Context) error {
	ctx := c.Request().Context()
	camp, err := a.campaignParam(c)
	if err != nil {
		return err
	}
	sc := callerOf(c).Scope
	unit := c.QueryParam("unit")
	if unit != "" {
		d, err := unitIn(sc, unit)
		if err != nil {
			return err
		}
		sc = sc.Narrow(d.ID)
	}
	rows, total, err := report.CompletionOf(ctx, a.Store, sc, camp.ID)
	if err != nil {
		return err
	}
	codes := codesByID(sc)
	units := make([]completionJSON, 0, len(rows))
	for _, r := range rows {
		j := completionOf(r, codes)
		if j.ParentCode != "" && !sc.Allowed[*r.Department.ParentID] {
			j.ParentCode = ""
		}
		units = append(units, j)
	}
	t := completionOf(total, codes)
	t.Code, t.Name, t.ParentCode = "", "", ""
	return a.writeJSON(c, map[string]any{"campaign": camp.ID, "unit": unit, "total": t, "units": units})
}

type signatureJSON struct {
	ID              uint   `json:"id"`
	CertificateCode string `json:"certificate_code"`
	Campaign        uint   `json:"campaign"`
	NIP             string `json:"nip"`
	Name            string `json:"name"`
	Position        string `json:"position"`
	Unit            string `json:"unit"`
	SignedAt        string `json:"signed_at_utc"`
	Revoked         bool   `json:"revoked"`
}

func signatureOf(s store.Signature, codes map[uint]string) signatureJSON {
	return signatureJSON{ID: s.ID, CertificateCode: s.CertCode, Campaign: s.CampaignID, NIP: s.SignerNIP, Name: s.SignerName,
		Position: s.SignerPosition, Unit: codes[s.DepartmentID], SignedAt: timeRFC3339(s.SignedAt), Revoked: s.Revoked}
}

// signatures lists signatures in the token's units after a cursor, or one
// person's by ?nip=.
func (a *API) signatures(c echo.Context) error {
	sc := callerOf(c).Scope
	after, limit, err := pageParams(c)
	if err != nil {
		return err
	}
	f := store.SignatureFilter{DepartmentIDs: sc.IDs(), AfterID: after, Limit: limit}
	if sc.IDs() == nil && !sc.Everything {
		f.DepartmentIDs = []uint{}
	}
	if q := c.QueryParam("campaign"); q != "" {
		camp, err := a.campaignParam(c)
		if err != nil {
			return err
		}
		f.CampaignID = camp.ID
	}
	if q := c.QueryParam("nip"); q != "" {
		f.NIP = nip.Normalize(q)
	}
	sigs, err := a.Store.SignaturesAfter(c.Request().Context(), f)
	if err != nil {
		return err
	}
	codes := codesByID(sc)
	items := make([]signatureJSON, 0, len(sigs))
	for _, s := range sigs {
		items = append(items, signatureOf(s, codes))
	}
	next := c.QueryParam("cursor")
	if len(sigs) > 0 {
		next = encodeCursor(sigs[len(sigs)-1].ID)
	}
	return a.writeJSON(c, map[string]any{"items": items, "next_cursor": next, "more": len(sigs) == limit})
}

// signatureIn finds a certificate's signature inside the token's units.
func (a *API) signatureIn(c echo.Context) (store.Signature, error) {
	code := strings.TrimSpace(c.Param("code"))
	notFound := problem(http.StatusNotFound, "api_certificate_not_found", code)
	n := secret.NormalizeCode(code)
	if len(n) != 19 || n[:3] != "IKR" {
		return store.Signature{}, notFound
	}
	canon := "IKR-" + n[3:7] + "-" + n[7:11] + "-" + n[11:15] + "-" + n[15:19]
	sig, err := a.Store.SignatureByCode(c.Request().Context(), canon)
	if errors.Is(err, store.ErrNotFound) {
		return store.Signature{}, notFound
	}
	if err != nil {
		return store.Signature{}, err
	}
	if !callerOf(c).Scope.Allowed[sig.DepartmentID] {
		return store.Signature{}, notFound
	}
	return sig, nil
}

// certificate is the verification result of a certificate code: what the
// public verify page says, with the full NIP for the token's own units.
func (a *API) certificate(c echo.Context) error {
	sig, err := a.signatureIn(c)
	if err != nil {
		return err
	}
	camp, err := a.Store.CampaignByID(c.Request().Context(), sig.CampaignID)
	if err != nil {
		return err
	}
	out := struct {
		signatureJSON
		Valid           bool   `json:"valid"`
		CampaignVersion int    `json:"campaign_version"`
		CampaignTitle   string `json:"campaign_title"`
		SHA256          string `json:"sha256,omitempty"`
	}{signatureOf(sig, codesByID(callerOf(c).Scope)), !sig.Revoked, camp.Version, camp.Title, sig.CertSHA256}
	return a.writeJSON(c, out)
}

func (a *API) certificatePDF(c echo.Context) error {
	sig, err := a.signatureIn(c)
	if err != nil {
		return err
	}
	if a.Certs == nil {
		return problem(http.StatusServiceUnavailable, "api_certificates_off")
	}
	pdf, err := a.Certs.PDF(c.Request().Context(), sig)
	if err != nil {
		if errors.Is(err, certificate.ErrTSA) {
			c.Response().Header().Set("Retry-After", "300")
			return problem(http.StatusServiceUnavailable, "api_certificate_waiting_tsa")
		}
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+sig.CertCode+`.pdf"`)
	return a.etagged(c, "application/pdf", pdf)
}
