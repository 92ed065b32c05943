package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ikrar/ikrar/internal/certificate"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/nip"
	"github.com/ikrar/ikrar/internal/secret"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// verifyData shows only what a certificate itself shows publicly: no
// contact data, the NIP masked.
type verifyData struct {
	Checked    bool
	Valid      bool
	Revoked    bool
	Code       string
	Name       string
	MaskedNIP  string
	Position   string
	Department string
	Campaign   string
	Version    int
	SignedAt   string
	Reason     string
	Upload     bool
	Checkpoint *checkpointLine
	// TSATime and TSAName: the trusted time an RFC 3161 authority put in
	// the certificate's signature, when the instance uses one.
	TSATime string
	TSAName string
	// The key that signed the certificate: which one (after a rotation
	// there are several) and when its certificate is valid.
	KeySHA256  string
	KeySubject string
	KeyValid   string
	// RevokedAt and RevokedReason say when and why an admin revoked it.
	RevokedAt     string
	RevokedReason string
	// CanRevoke: an admin is looking at a valid signature.
	CanRevoke bool
	// Replaced: the uploaded file is a genuine earlier version of a
	// re-issued certificate (issue 14).
	Replaced string
}

// checkpointLine is the latest signed statement of the audit chain's head,
// printed on the verify page so that anyone can compare it with a copy
// published elsewhere.
type checkpointLine struct {
	At     string
	Events uint
	Head   string
}

func (s *Server) renderVerify(c echo.Context, status int, p page) error {
	d, _ := p.Data.(verifyData)
	if cp, err := s.Store.LatestCheckpoint(c.Request().Context()); err == nil {
		d.Checkpoint = &checkpointLine{At: FormatWIB(cp.At, p.Lang), Events: cp.Seq, Head: cp.Head}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	p.Data = d
	return c.Render(status, "verify", p)
}

// auditCheckpoint serves the latest checkpoint file as it was signed.
func (s *Server) auditCheckpoint(c echo.Context) error {
	cp, err := s.Store.LatestCheckpoint(c.Request().Context())
	if errors.Is(err, store.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="ikrar-checkpoint-`+cp.At.UTC().Format("20060102-150405")+`.txt"`)
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", []byte(cp.Statement))
}

// canonicalCode turns any typed form of a code into the stored form.
func canonicalCode(s string) string {
	n := secret.NormalizeCode(s)
	if len(n) != 19 || n[:3] != "IKR" {
		return ""
	}
	return "IKR-" + n[3:7] + "-" + n[7:11] + "-" + n[11:15] + "-" + n[15:19]
}

func (s *Server) verifyForm(c echo.Context) error {
	if code := c.QueryParam("code"); code != "" {
		return c.Redirect(http.StatusSeeOther, "/verify/"+url.PathEscape(code))
	}
	return s.renderVerify(c, http.StatusOK, s.page(c, "verify_title"))
}

func (s *Server) verifyCode(c echo.Context) error {
	p := s.page(c, "verify_title")
	d := verifyData{Checked: true, Code: c.Param("code")}
	ip := c.RealIP()
	if wait := s.limits.codeAddr.Blocked(ip); wait > 0 {
		return tooMany(c, wait)
	}
	code := canonicalCode(d.Code)
	sig, err := s.Store.SignatureByCode(c.Request().Context(), code)
	if errors.Is(err, store.ErrNotFound) || code == "" {
		s.limits.codeAddr.Fail(ip)
		d.Reason = p.T["unknown_code"]
		p.Data = d
		return s.renderVerify(c, http.StatusNotFound, p)
	}
	if err != nil {
		return err
	}
	if err := s.fillVerify(c, &d, sig, p.Lang); err != nil {
		return err
	}
	p.Data = d
	return s.renderVerify(c, http.StatusOK, p)
}

func (s *Server) fillVerify(c echo.Context, d *verifyData, sig store.Signature, lang string) error {
	ctx := c.Request().Context()
	dept, err := s.Store.DepartmentByID(ctx, sig.DepartmentID)
	if err != nil {
		return err
	}
	camp, err := s.Store.CampaignByID(ctx, sig.CampaignID)
	if err != nil {
		return err
	}
	// The name, NIP and unit as signed: a later rename or move of the
	// roster row must not change what a verified certificate is said to hold.
	d.Code, d.Name, d.MaskedNIP, d.Department = sig.CertCode, sig.SignerName, nip.Mask(sig.SignerNIP), dept.Name
	d.Position = sig.SignerPosition
	d.Campaign, d.Version = camp.Title, camp.Version
	d.SignedAt = FormatWIB(sig.SignedAt, lang)
	d.Revoked = sig.Revoked
	d.Valid = !sig.Revoked
	if sig.Revoked {
		rv, err := s.Store.RevocationOf(ctx, sig.CertCode)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err == nil {
			d.RevokedAt, d.RevokedReason = FormatWIB(rv.At, lang), rv.Reason
		}
	}
	if u, ok := c.Get(ctxUser).(*store.User); ok && u.Role == store.RoleAdmin && d.Valid {
		d.CanRevoke = true
	}
	if s.Certs != nil {
		f, ok, err := s.Certs.Facts(ctx, sig)
		if err != nil {
			return err
		}
		if ok {
			d.KeySHA256, d.KeySubject = f.KeySHA256, f.KeySubject
			d.KeyValid = FormatDate(f.KeyNotBefore, lang) + " – " + FormatDate(f.KeyNotAfter, lang)
			if f.Timestamp != nil {
				d.TSATime, d.TSAName = FormatWIB(f.Timestamp.Time, lang), f.Timestamp.Authority
			}
		}
	}
	return nil
}

func (s *Server) verifySubmit(c echo.Context) error {
	p := s.page(c, "verify_title")
	if code := c.FormValue("code"); code != "" {
		return c.Redirect(http.StatusSeeOther, "/verify/"+url.PathEscape(code))
	}
	d := verifyData{Checked: true, Upload: true}
	fh, err := c.FormFile("pdf")
	if err != nil {
		d.Reason = i18n.T(p.Lang, "verify_choose_pdf")
		p.Data = d
		return s.renderVerify(c, http.StatusBadRequest, p)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 2<<20+1))
	if err != nil {
		return err
	}
	if len(b) > 2<<20 {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	}
	if s.Certs == nil {
		return echo.ErrNotFound
	}
	sig, err := s.Certs.VerifyUpload(c.Request().Context(), b)
	if errors.Is(err, certificate.ErrReplaced) {
		// Genuine, but an earlier version: show the record and say so.
		if err := s.fillVerify(c, &d, sig, p.Lang); err != nil {
			return err
		}
		d.Replaced = s.Certs.Reason(err).In(p.Lang)
		p.Data = d
		return s.renderVerify(c, http.StatusOK, p)
	}
	if errors.Is(err, certificate.ErrRevoked) {
		// Genuine, but revoked: say when and why, like the page by code.
		if err := s.fillVerify(c, &d, sig, p.Lang); err != nil {
			return err
		}
		p.Data = d
		return s.renderVerify(c, http.StatusOK, p)
	}
	if err != nil {
		d.Reason = s.Certs.Reason(err).In(p.Lang)
		p.Data = d
		return s.renderVerify(c, http.StatusUnprocessableEntity, p)
	}
	if err := s.fillVerify(c, &d, sig, p.Lang); err != nil {
		return err
	}
	p.Data = d
	return s.renderVerify(c, http.StatusOK, p)
}

// adminRevoke revokes a signature with a reason; the person can then sign
// again, and the old certificate verifies as DICABUT with the date and
// reason.
// adminReissue makes a signature's certificate again with today's data and
// public address (e.g. after one was made with a wrong address); the old
// file keeps verifying, as replaced.
func (s *Server) adminReissue(c echo.Context) error {
	code := canonicalCode(c.Param("code"))
	reason := strings.TrimSpace(c.FormValue("reason"))
	if code == "" || s.Certs == nil {
		return echo.ErrNotFound
	}
	if reason == "" || len(reason) > 500 {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, i18n.New("revoke_reason_needed"))
	}
	_, err := s.Certs.Reissue(c.Request().Context(), actorOf(c), code, reason)
	if errors.Is(err, store.ErrNotFound) {
		return echo.ErrNotFound
	}
	if errors.Is(err, certificate.ErrRevoked) {
		return echo.NewHTTPError(http.StatusConflict, i18n.New("reissue_revoked"))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/verify/"+code)
}

func (s *Server) adminRevoke(c echo.Context) error {
	code := canonicalCode(c.Param("code"))
	reason := strings.TrimSpace(c.FormValue("reason"))
	if code == "" {
		return echo.ErrNotFound
	}
	if reason == "" || len(reason) > 500 {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, i18n.New("revoke_reason_needed"))
	}
	err := s.Store.RevokeSignature(c.Request().Context(), actorOf(c), code, reason)
	if errors.Is(err, store.ErrNotFound) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/verify/"+code)
}
