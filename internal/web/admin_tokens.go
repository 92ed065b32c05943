package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ikrar/ikrar/internal/api"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

type tokenRow struct {
	store.APIToken
	Units   []string
	Expired bool
}

type tokensData struct {
	adminHead
	Rows    []tokenRow
	Options []deptOption
	Scopes  []string
	// Plain is the token just made: shown in this one answer, never again.
	Plain string
}

func (s *Server) adminTokens(c echo.Context) error {
	return s.renderTokens(c, http.StatusOK, nil, "")
}

func (s *Server) renderTokens(c echo.Context, status int, msg *i18n.Error, plain string) error {
	ctx := c.Request().Context()
	tokens, err := s.Store.APITokens(ctx)
	if err != nil {
		return err
	}
	opts, names, err := s.unitChoices(c)
	if err != nil {
		return err
	}
	p, h := s.adminPage(c, "tokens")
	h.Error = msg
	d := tokensData{adminHead: h, Options: opts, Scopes: api.AllScopes, Plain: plain}
	now := s.Now()
	for _, t := range tokens {
		ids, err := s.Store.APITokenDepartmentIDs(ctx, t.ID)
		if err != nil {
			return err
		}
		r := tokenRow{APIToken: t, Expired: t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)}
		for _, id := range ids {
			r.Units = append(r.Units, names[id])
		}
		d.Rows = append(d.Rows, r)
	}
	p.Data = d
	if plain != "" {
		c.Response().Header().Set("Cache-Control", "no-store")
	}
	return c.Render(status, "admin_tokens", p)
}

// adminTokenCreate makes a token through the same function as `ikrar
// token add` and shows it once.
func (s *Server) adminTokenCreate(c echo.Context) error {
	ctx := c.Request().Context()
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	now := s.Now()
	exp, err := api.ParseExpiry(form.Get("expires"), now)
	if err == nil {
		var plain string
		plain, _, err = api.CreateToken(ctx, s.Store, actorOf(c), api.TokenRequest{
			Name: strings.TrimSpace(form.Get("name")), Scopes: form["scope"], Departments: form["department"], ExpiresAt: exp,
		}, now)
		if err == nil {
			return s.renderTokens(c, http.StatusOK, nil, plain)
		}
	}
	if errors.Is(err, api.ErrInvalidToken) {
		if m := messageOf(err); m != nil {
			return s.renderTokens(c, http.StatusUnprocessableEntity, m, "")
		}
	}
	return err
}

func (s *Server) adminTokenRevoke(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 32)
	if err != nil {
		return echo.ErrNotFound
	}
	if err := s.Store.RevokeAPIToken(c.Request().Context(), actorOf(c), uint(id)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/tokens?ok=token_revoked")
}
