package web

import (
	"html/template"
	"net/http"

	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
	"github.com/labstack/echo/v4"
)

// reviewData is the page "Tanda tangan yang perlu diperiksa": signatures
// made in a staff member's browser and clusters of different people
// signing on one device, within the viewer's scope.
type reviewData struct {
	Campaign    store.Campaign
	Campaigns   []store.Campaign
	Query       template.URL
	FromStaff   []reviewRow
	Clusters    [][]reviewRow
	Departments map[uint]string
}

type reviewRow struct {
	store.SignatureNote
	Department string
	When       string
}

func (s *Server) reviewPage(c echo.Context) error {
	ctx := c.Request().Context()
	camp, all, err := s.pickCampaign(c)
	if err != nil {
		return err
	}
	sc, err := s.scopeOf(ctx, c.Get(ctxUser).(*store.User))
	if err != nil {
		return err
	}
	p := s.page(c, "review_title")
	names := map[uint]string{}
	for _, d := range sc.All {
		names[d.ID] = d.Name
	}
	row := func(n store.SignatureNote) reviewRow {
		return reviewRow{SignatureNote: n, Department: names[n.DepartmentID], When: FormatWIB(n.SignedAt, p.Lang)}
	}
	d := reviewData{Campaign: camp, Campaigns: all, Query: campaignQuery(camp)}
	staff, err := s.Store.SignaturesFromStaffBrowsers(ctx, camp.ID, sc.IDs())
	if err != nil {
		return err
	}
	for _, n := range staff {
		d.FromStaff = append(d.FromStaff, row(n))
	}
	shared, err := s.Store.SignaturesOnSharedDevices(ctx, camp.ID, sc.IDs(), pledge.ClusterMin)
	if err != nil {
		return err
	}
	for _, cl := range pledge.Clusters(shared) {
		rows := make([]reviewRow, len(cl.Signatures))
		for i, n := range cl.Signatures {
			rows[i] = row(n)
		}
		d.Clusters = append(d.Clusters, rows)
	}
	p.Data = d
	return c.Render(http.StatusOK, "review", p)
}

// adminCampaignRequireCode turns "personal link and access code" on or off.
func (s *Server) adminCampaignRequireCode(c echo.Context) error {
	cp, err := s.campaignParam(c)
	if err != nil {
		return err
	}
	if err := s.campaigns.SetRequireCode(c.Request().Context(), actorOf(c), cp.ID, c.FormValue("require_code") == "on"); err != nil {
		return err
	}
	return seeOther(c, "/admin/campaigns", "require_code_saved")
}
