package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/ikrar/ikrar/internal/campaign"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// Limits of a campaign text typed in the admin form. At least four points:
// the national template has four, and the signing page asks for each.
const (
	minPoints   = 4
	maxPoints   = 20
	maxTitleLen = 300
	maxParaLen  = 3000
	maxPointLen = 1000
)

// pointSep separates points in the textarea: a blank line keeps long,
// wrapped points apart on screen; splitPoints ignores blank lines.
const pointSep = "\n\n"

// campaignForm is the campaign text as typed: points one per line.
type campaignForm struct {
	Slug                                     string
	Title, Preamble, Points, Closing         string
	TitleEN, PreambleEN, PointsEN, ClosingEN string
	Status                                   store.CampaignStatus
}

type campaignRow struct {
	store.Campaign
	Signatures int64
}

// HashShort is enough of the text hash to tell versions apart on screen.
func (r campaignRow) HashShort() string {
	if len(r.TextHash) > 12 {
		return r.TextHash[:12]
	}
	return r.TextHash
}

type campaignsData struct {
	adminHead
	Rows     []campaignRow
	Form     campaignForm
	Instansi string
}

type campaignEditData struct {
	adminHead
	Campaign   store.Campaign
	Signatures int64
	Frozen     bool
	Form       campaignForm
	Deadline   deadlineView
	Reminders  string // "3, 1, 0"
	// VersionCost, when set, asks the admin to confirm a new version and
	// says what it costs ("N pegawai ... harus menandatangani ulang").
	VersionCost string
}

func defaultCampaignForm() campaignForm {
	return campaignForm{
		Title: pledge.DefaultID.Title, Preamble: pledge.DefaultID.Preamble,
		Points: strings.Join(pledge.DefaultID.Points, pointSep), Closing: pledge.DefaultID.Closing,
		TitleEN: pledge.DefaultEN.Title, PreambleEN: pledge.DefaultEN.Preamble,
		PointsEN: strings.Join(pledge.DefaultEN.Points, pointSep), ClosingEN: pledge.DefaultEN.Closing,
		Status: store.CampaignDraft,
	}
}

// formOf shows a stored campaign as typed, with {instansi} still a
// placeholder, so saving it unchanged gives the same text hash.
func formOf(c store.Campaign) campaignForm {
	var id, en []string
	_ = json.Unmarshal([]byte(c.Points), &id)
	if c.PointsEN != "" {
		_ = json.Unmarshal([]byte(c.PointsEN), &en)
	}
	return campaignForm{Slug: c.Slug, Title: c.Title, Preamble: c.Preamble, Points: strings.Join(id, pointSep), Closing: c.Closing,
		TitleEN: c.TitleEN, PreambleEN: c.PreambleEN, PointsEN: strings.Join(en, pointSep), ClosingEN: c.ClosingEN, Status: c.Status}
}

func readCampaignForm(c echo.Context) campaignForm {
	f := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	return campaignForm{Slug: strings.ToLower(f("slug")), Title: f("title"), Preamble: f("preamble"), Points: f("points"), Closing: f("closing"),
		TitleEN: f("title_en"), PreambleEN: f("preamble_en"), PointsEN: f("points_en"), ClosingEN: f("closing_en"), Status: store.CampaignStatus(f("status"))}
}

func splitPoints(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// texts validates the form and returns the two texts, or the i18n key of
// what is wrong.
func (f campaignForm) texts() (id, en pledge.Text, errKey string) {
	id = pledge.Text{Title: f.Title, Preamble: f.Preamble, Points: splitPoints(f.Points), Closing: f.Closing}
	if id.Title == "" || id.Preamble == "" || id.Closing == "" {
		return id, en, "err_campaign_required"
	}
	if len(id.Points) < minPoints || len(id.Points) > maxPoints {
		return id, en, "err_campaign_points"
	}
	en = pledge.Text{Title: f.TitleEN, Preamble: f.PreambleEN, Points: splitPoints(f.PointsEN), Closing: f.ClosingEN}
	if en.Title != "" || en.Preamble != "" || len(en.Points) > 0 || en.Closing != "" {
		if en.Title == "" || en.Preamble == "" || en.Closing == "" || len(en.Points) != len(id.Points) {
			return id, en, "err_campaign_en"
		}
	}
	for _, t := range []pledge.Text{id, en} {
		if utf8.RuneCountInString(t.Title) > maxTitleLen || utf8.RuneCountInString(t.Preamble) > maxParaLen ||
			utf8.RuneCountInString(t.Closing) > maxParaLen {
			return id, en, "err_campaign_long"
		}
		for _, p := range t.Points {
			if utf8.RuneCountInString(p) > maxPointLen {
				return id, en, "err_campaign_long"
			}
		}
	}
	return id, en, ""
}

func (s *Server) adminCampaigns(c echo.Context) error {
	return s.renderCampaigns(c, http.StatusOK, defaultCampaignForm(), "")
}

func (s *Server) renderCampaigns(c echo.Context, status int, form campaignForm, errKey string) error {
	ctx := c.Request().Context()
	p, h := s.adminPage(c, "campaigns")
	if errKey != "" {
		h.Error = i18n.New(errKey)
	}
	all, err := s.Store.Campaigns(ctx)
	if err != nil {
		return err
	}
	counts, err := s.Store.SignaturesByCampaign(ctx)
	if err != nil {
		return err
	}
	d := campaignsData{adminHead: h, Form: form, Instansi: s.Config.Instansi}
	for _, cp := range all {
		d.Rows = append(d.Rows, campaignRow{Campaign: cp, Signatures: counts[cp.ID]})
	}
	p.Data = d
	return c.Render(status, "admin_campaigns", p)
}

func (s *Server) adminCampaignCreate(c echo.Context) error {
	form := readCampaignForm(c)
	if form.Status != store.CampaignOpen {
		form.Status = store.CampaignDraft
	}
	id, en, errKey := form.texts()
	if errKey != "" {
		return s.renderCampaigns(c, http.StatusUnprocessableEntity, form, errKey)
	}
	_, err := s.campaigns.Create(c.Request().Context(), actorOf(c), form.Slug, s.Config.Instansi, id, en, form.Status)
	switch {
	case errors.Is(err, campaign.ErrSlugInvalid):
		return s.renderCampaigns(c, http.StatusUnprocessableEntity, form, "err_slug")
	case errors.Is(err, campaign.ErrSlugTaken):
		return s.renderCampaigns(c, http.StatusConflict, form, "err_slug_taken")
	case err != nil:
		return err
	}
	return seeOther(c, "/admin/campaigns", "campaign_created")
}

func (s *Server) campaignParam(c echo.Context) (store.Campaign, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return store.Campaign{}, err
	}
	cp, err := s.Store.CampaignByID(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return store.Campaign{}, echo.ErrNotFound
	}
	return cp, err
}

func (s *Server) adminCampaignEdit(c echo.Context) error {
	cp, err := s.campaignParam(c)
	if err != nil {
		return err
	}
	return s.renderCampaignEdit(c, http.StatusOK, cp, formOf(cp), "")
}

func (s *Server) renderCampaignEdit(c echo.Context, status int, cp store.Campaign, form campaignForm, errKey string) error {
	return s.renderCampaignEditAsking(c, status, cp, form, errKey, false)
}

// renderCampaignEditAsking renders the edit page; with askVersion it asks
// to confirm a new version and says how many signers must sign again.
func (s *Server) renderCampaignEditAsking(c echo.Context, status int, cp store.Campaign, form campaignForm, errKey string, askVersion bool) error {
	counts, err := s.Store.SignaturesByCampaign(c.Request().Context())
	if err != nil {
		return err
	}
	p, h := s.adminPage(c, "campaigns")
	p.Title = cp.Title
	if errKey != "" {
		h.Error = i18n.New(errKey)
	}
	p.Data = campaignEditData{adminHead: h, Campaign: cp, Signatures: counts[cp.ID], Frozen: counts[cp.ID] > 0, Form: form,
		Deadline: s.deadlineOf(cp, p.Lang)}
	d := p.Data.(campaignEditData)
	if d.Reminders, err = s.remindersOf(c, cp); err != nil {
		return err
	}
	if askVersion {
		d.VersionCost = fmt.Sprintf(p.T["version_cost"], counts[cp.ID], cp.Version)
	}
	p.Data = d
	return c.Render(status, "admin_campaign_edit", p)
}

// adminCampaignSave changes an unsigned campaign's text in place, or saves
// it as the next version (action=new_version), which closes the old one.
func (s *Server) adminCampaignSave(c echo.Context) error {
	ctx := c.Request().Context()
	old, err := s.campaignParam(c)
	if err != nil {
		return err
	}
	form := readCampaignForm(c)
	id, en, errKey := form.texts()
	if errKey != "" {
		return s.renderCampaignEdit(c, http.StatusUnprocessableEntity, old, form, errKey)
	}
	if c.FormValue("action") == "new_version" && c.FormValue("confirm") != "1" {
		// Nothing is saved before the admin has read what a new version
		// costs: everyone who signed must sign again.
		return s.renderCampaignEditAsking(c, http.StatusOK, old, form, "", true)
	}
	if c.FormValue("action") == "new_version" {
		if _, err := s.campaigns.NewVersion(ctx, actorOf(c), old, id, en); err != nil {
			return err
		}
		return seeOther(c, "/admin/campaigns", "campaign_versioned")
	}
	err = s.campaigns.EditText(ctx, actorOf(c), old, id, en)
	if errors.Is(err, campaign.ErrFrozen) {
		return s.renderCampaignEdit(c, http.StatusConflict, old, form, "err_campaign_frozen")
	}
	if err != nil {
		return err
	}
	return seeOther(c, "/admin/campaigns", "campaign_saved")
}

func (s *Server) adminCampaignStatus(c echo.Context) error {
	cp, err := s.campaignParam(c)
	if err != nil {
		return err
	}
	status := store.CampaignStatus(c.FormValue("status"))
	err = s.campaigns.SetStatus(c.Request().Context(), actorOf(c), cp.ID, status)
	if errors.Is(err, campaign.ErrStatus) {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, i18n.New("err_status"))
	}
	if err != nil {
		return err
	}
	return seeOther(c, "/admin/campaigns", "campaign_"+string(status))
}
