package web

import (
	"context"
	"errors"
	"fmt"
	nipkg "github.com/ikrar/ikrar/internal/nip"
	"html/template"
	"net/http"
	"strconv"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/ikrar/ikrar/internal/wib"
	"github.com/labstack/echo/v4"
)

type signEntryData struct {
	NIP   string
	Error string
}

func (s *Server) signEntry(c echo.Context) error {
	return c.Render(http.StatusOK, "sign_entry", s.page(c, "sign_title"))
}

// signEntrySubmit trades NIP + access code for the personal signing page.
// Failures are rate-limited per IP and per NIP, since a NIP is public and
// only the 8-character code protects the page.
func (s *Server) signEntrySubmit(c echo.Context) error {
	p := s.page(c, "sign_title")
	// One spelling of the NIP for the lookup and for the per-NIP limit, so
	// "19870312 201012 1 002" signs in and cannot dodge the counter.
	nip := nipkg.Normalize(c.FormValue("nip"))
	code := secret.NormalizeCode(c.FormValue("code"))
	ip := c.RealIP()
	render := func(status int, msgKey string) error {
		p.Data = signEntryData{NIP: clip(nip, 32), Error: p.T[msgKey]}
		return c.Render(status, "sign_entry", p)
	}
	// A NIP is 18 digits: the clipped key cannot collide with a real one.
	nipKey := clip(nip, 32)
	if wait := max(s.limits.signAddr.Blocked(ip), s.limits.signNIP.Blocked(nipKey)); wait > 0 {
		retryAfter(c, wait)
		p.Data = signEntryData{NIP: clip(nip, 32), Error: tooManyMessage(p.Lang, wait)}
		return c.Render(http.StatusTooManyRequests, "sign_entry", p)
	}
	a, err := s.Store.ASNByNIP(c.Request().Context(), nip)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if err != nil || !a.Active || !secret.Equal(a.AccessCode, code) {
		s.limits.signAddr.Fail(ip)
		s.limits.signNIP.Fail(nipKey)
		return render(http.StatusUnauthorized, "bad_code")
	}
	// The person has just shown their code: remember it for their signing
	// page only, so a campaign that needs link and code does not ask again.
	c.SetCookie(&http.Cookie{Name: entryCodeCookie, Value: code, Path: "/sign/" + a.Token, HttpOnly: true,
		Secure: s.Config.SecureCookies, SameSite: http.SameSiteStrictMode})
	return c.Redirect(http.StatusSeeOther, "/sign/"+a.Token)
}

// entryCodeCookie holds the access code typed at /sign, scoped to the
// person's own signing path.
const entryCodeCookie = "ikrar_code"

// enteredCode is the access code the person typed at /sign, if any.
func enteredCode(c echo.Context) string {
	if ck, err := c.Cookie(entryCodeCookie); err == nil {
		return ck.Value
	}
	return ""
}

type signData struct {
	ASN        store.ASN
	Department store.Department
	Campaign   store.Campaign
	Text       pledge.Text // in the page language, for reading
	Signed     pledge.Text // Indonesian: what is signed
	Others     []store.Campaign
	Token      string
	Problems   pledge.Problems
	Ticked     []bool
	TypedName  string
	Signature  *store.Signature
	Closed     bool
	Deadline   deadlineView
	AskCode    bool            // the campaign needs the access code and the person has not typed it at /sign
	PointsHTML template.HTML   // see Server.pointsHTML; "" renders the points in the page
	Earlier    *earlierVersion // set when the person signed an earlier version of this text
}

// signTarget loads the person behind a token and the campaign they are
// signing (the newest open one unless ?campaign= names another).
func (s *Server) signTarget(c echo.Context) (*signData, error) {
	ctx := c.Request().Context()
	token := c.Param("token")
	ip := c.RealIP()
	if wait := s.limits.linkAddr.Blocked(ip); wait > 0 {
		return nil, tooMany(c, wait)
	}
	if len(token) < 16 || len(token) > 64 {
		s.limits.linkAddr.Fail(ip)
		return nil, echo.ErrNotFound
	}
	open, err := s.openCampaigns.get(struct{}{}, func() ([]store.Campaign, error) { return s.Store.OpenCampaigns(ctx) })
	if err != nil {
		return nil, err
	}
	// The campaign's id is known before the person: the person and whether
	// they signed it are then one read.
	want := c.QueryParam("campaign")
	if want == "" {
		want = c.FormValue("campaign")
	}
	var campaignID uint
	wantID, wantErr := strconv.ParseUint(want, 10, 32)
	switch {
	case want != "" && wantErr == nil:
		campaignID = uint(wantID)
	case want == "" && len(open) > 0:
		campaignID = open[0].ID
	}
	a, signed, err := s.Store.ASNByTokenFor(ctx, token, campaignID)
	if errors.Is(err, store.ErrNotFound) {
		s.limits.linkAddr.Fail(ip)
		return nil, echo.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	d := &signData{ASN: a, Token: token}
	d.Department, err = s.departments.get(a.DepartmentID, func() (store.Department, error) {
		return s.Store.DepartmentByID(ctx, a.DepartmentID)
	})
	if err != nil {
		return nil, err
	}
	if want != "" {
		if wantErr != nil {
			return nil, echo.ErrNotFound
		}
		if d.Campaign, err = s.campaignByID(ctx, open, campaignID); err != nil {
			return nil, err
		}
	} else if len(open) > 0 {
		d.Campaign = open[0]
	}
	for _, o := range open {
		if o.ID != d.Campaign.ID {
			d.Others = append(d.Others, o)
		}
	}
	if d.Campaign.ID == 0 {
		return d, nil
	}
	if signed {
		if sig, err := s.Store.SignatureOf(ctx, a.ID, d.Campaign.ID); err == nil {
			d.Signature = &sig
		} else if !errors.Is(err, store.ErrNotFound) { // revoked since the first read: not signed
			return nil, err
		}
	}
	d.Closed = d.Campaign.Status != store.CampaignOpen
	d.Deadline = s.deadlineOf(d.Campaign, langOf(c))
	id, en, err := s.Pledge.TextsOf(d.Campaign)
	if err != nil {
		return nil, err
	}
	d.Signed, d.Text = id, id
	if langOf(c) == "en" {
		d.Text = en
	}
	d.Ticked = make([]bool, len(id.Points))
	d.AskCode = d.Campaign.RequireCode && enteredCode(c) == ""
	return d, nil
}

// campaignByID finds a campaign among the (cached) open ones, which is
// where the signing form's own campaign almost always is, or reads it.
func (s *Server) campaignByID(ctx context.Context, open []store.Campaign, id uint) (store.Campaign, error) {
	for _, o := range open {
		if o.ID == id {
			return o, nil
		}
	}
	return s.Store.CampaignByID(ctx, id)
}

func (s *Server) signPage(c echo.Context) error {
	d, err := s.signTarget(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	p := s.page(c, "sign_title")
	p.Data = d
	if d.Signature != nil {
		p.Title = p.T["receipt_title"]
		return s.render(c, http.StatusOK, "receipt", p)
	}
	if d.Deadline.Passed && !d.Closed {
		return s.renderSign(c, http.StatusGone, p, d)
	}
	if d.Campaign.ID != 0 && !d.Closed {
		s.opens.Note(d.ASN.ID, d.Campaign.ID, s.Now())
	}
	return s.renderSign(c, http.StatusOK, p, d)
}

// renderSign renders the signing form, its points pre-rendered when it can.
func (s *Server) renderSign(c echo.Context, status int, p page, d *signData) error {
	if err := s.fillEarlier(c, p.Lang, d); err != nil {
		return err
	}
	var err error
	if d.PointsHTML, err = s.pointsHTML(p.Lang, d); err != nil {
		return err
	}
	return s.render(c, status, "sign", p)
}

func (s *Server) signSubmit(c echo.Context) error {
	d, err := s.signTarget(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	p := s.page(c, "sign_title")
	p.Data = d
	if d.Campaign.ID == 0 {
		return s.renderSign(c, http.StatusConflict, p, d)
	}
	if d.Signature == nil && d.Campaign.RequireCode {
		if wait := s.limits.signNIP.Blocked(clip(d.ASN.NIP, 32)); wait > 0 {
			return tooMany(c, wait)
		}
	}
	if d.Signature == nil {
		in := pledge.Input{
			TypedName:  c.FormValue("name"),
			Drawing:    c.FormValue("drawing"),
			IP:         c.RealIP(),
			UserAgent:  c.Request().UserAgent(),
			AccessCode: c.FormValue("code"),
		}
		if in.AccessCode == "" {
			in.AccessCode = enteredCode(c)
		}
		if u, ok := c.Get(ctxUser).(*store.User); ok {
			in.StaffUser = u.Username // signed in a staff member's browser: kept for review
		}
		for i := range d.Ticked {
			d.Ticked[i] = c.FormValue(fmt.Sprintf("point%d", i+1)) == "on"
		}
		in.Ticked = d.Ticked
		res, err := s.Pledge.Sign(c.Request().Context(), d.ASN, d.Campaign, in)
		var probs pledge.Problems
		switch {
		case errors.As(err, &probs):
			d.Problems, d.TypedName = probs, in.TypedName
			if probs.Has("code") {
				// The code is guessed per person: count it like a wrong code at /sign.
				s.limits.signNIP.Fail(clip(d.ASN.NIP, 32))
				d.AskCode = true
			}
			return s.renderSign(c, http.StatusUnprocessableEntity, p, d)
		case errors.Is(err, pledge.ErrClosed):
			return s.renderSign(c, http.StatusConflict, p, d)
		case errors.Is(err, pledge.ErrPastDeadline):
			d.Deadline.Passed = true // the deadline came while the form was open
			return s.renderSign(c, http.StatusGone, p, d)
		case err != nil:
			return err
		}
		d.Signature = &res.Signature
		if res.Created && s.Certs != nil {
			s.Certs.Wake() // let the background workers make the PDF now, not at their next tick
		}
	}
	p.Title = p.T["receipt_title"]
	return s.render(c, http.StatusOK, "receipt", p)
}

func (s *Server) signCertificate(c echo.Context) error {
	d, err := s.signTarget(c)
	if err != nil {
		return err
	}
	if d.Signature == nil || s.Certs == nil {
		return echo.ErrNotFound
	}
	return s.sendCertificate(c, *d.Signature, d.ASN)
}

func (s *Server) sendCertificate(c echo.Context, sig store.Signature, a store.ASN) error {
	pdf, err := s.Certs.PDF(c.Request().Context(), sig)
	if errors.Is(err, certificate.ErrTSA) {
		// The signature is safe; only its PDF waits for trusted time.
		c.Response().Header().Set("Retry-After", "300")
		return echo.NewHTTPError(http.StatusServiceUnavailable, i18n.New("cert_waiting_tsa"))
	}
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sertifikat-ikrar-%s.pdf"`, a.NIP))
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// earlierVersion tells a person who signed an earlier version of the text
// in front of them what changed, when, and where their earlier receipt is.
type earlierVersion struct {
	Version        int
	ChangedOn      string // the date the new version was made, WIB
	SignedAt       string
	ReceiptURL     string
	CertificateURL string
	Points         []pledge.PointChange
}

// fillEarlier looks for the person's signature of an earlier version; only
// versions after the first can have one, so the first version's signing
// page (nearly every visit) costs no query.
func (s *Server) fillEarlier(c echo.Context, lang string, d *signData) error {
	if d.Campaign.ID == 0 || d.Campaign.Version < 2 || d.Signature != nil || d.Closed {
		return nil
	}
	ctx := c.Request().Context()
	sig, old, err := s.Store.EarlierSignature(ctx, d.ASN.ID, d.Campaign)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	oldID, oldEN, err := s.Pledge.TextsOf(old)
	if err != nil {
		return err
	}
	oldText := oldID
	if lang == "en" {
		oldText = oldEN
	}
	q := "?campaign=" + strconv.FormatUint(uint64(old.ID), 10)
	if lang == "en" {
		q += "&lang=en"
	}
	d.Earlier = &earlierVersion{
		Version: old.Version, ChangedOn: wib.Date(d.Campaign.CreatedAt), SignedAt: FormatWIB(sig.SignedAt, lang),
		ReceiptURL: "/sign/" + d.Token + q, CertificateURL: "/sign/" + d.Token + "/certificate.pdf" + q,
		Points: pledge.ComparePoints(oldText.Points, d.Text.Points),
	}
	if lang == "en" {
		d.Earlier.ChangedOn = d.Campaign.CreatedAt.In(wib.Zone).Format("2 January 2006")
	}
	return nil
}
