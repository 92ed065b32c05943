package reach

import (
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/wib"
)

// DigestUnit is one unit's line in a digest: the figures as every page
// shows them (the caller takes them from the one completion rule).
type DigestUnit struct {
	Name           string
	Depth          int // 0 for a unit the head is bound to, 1 for its sub-unit...
	Signed, Roster int
	PercentID      string // "66,7" ("—" for nobody to sign)
	PercentEN      string // "66.7"
	Pending        int
}

// DigestPerson is one person still to sign.
type DigestPerson struct {
	Name, NIP, Unit string
}

// DigestCampaign is one open campaign in a head's digest.
type DigestCampaign struct {
	Title, Instansi string
	Deadline        *time.Time
	DaysLeft        int // whole WIB days to the deadline (with Deadline)
	Total           DigestUnit
	Units           []DigestUnit
	Pending         []DigestPerson // by unit, then name; at most DigestNames
	MorePending     int            // pending people not listed
}

// DigestNames is the most pending names a digest lists per campaign; the
// unit page has them all.
const DigestNames = 300

// DigestLetter is a head's daily digest.
type DigestLetter struct {
	Name      string // the head's login name
	Day       time.Time
	Instansi  string // of the first campaign, for the subject and signature
	Campaigns []DigestCampaign
	Dashboard string // {base}/dashboard
}

// UnitDoneLetter tells a head (or an admin) that a unit reached 100 %.
type UnitDoneLetter struct {
	Name           string // the recipient's login name
	Unit           string
	CampaignTitle  string
	Instansi       string
	Signed, Roster int
	Deadline       *time.Time
	Dashboard      string
}

type digestView struct {
	DigestLetter
	DayID, DayEN string
	Camps        []digestCampView
}

type digestCampView struct {
	DigestCampaign
	DeadlineID, DeadlineEN string
	Units                  []digestUnitView
}

type digestUnitView struct {
	DigestUnit
	Indent string
}

var digestText = texttemplate.Must(texttemplate.New("digest").Funcs(textFuncs).Parse(`{{id "mail_dear" .Name}}

{{id "mail_digest_lead" .DayID}}
{{range .Camps}}
== {{.Title}} ==
{{if .DeadlineID}}{{id "mail_deadline" .DeadlineID}} {{id "mail_days_left" .DaysLeft}}.
{{end}}{{id "mail_digest_total" (id "mail_n_of_m" .Total.Signed .Total.Roster) .Total.PercentID .Total.Pending}}
{{range .Units}}
{{.Indent}}- {{id "mail_digest_unit" .Name .Signed .Roster .PercentID .Pending}}{{end}}
{{if .Pending}}
{{id "mail_digest_pending"}}
{{range .Pending}}- {{id "mail_digest_person" .Name .NIP .Unit}}
{{end}}{{if .MorePending}}... {{id "mail_digest_more" .MorePending}}
{{end}}{{else}}
{{id "mail_digest_all_signed"}}
{{end}}{{end}}
{{id "mail_dashboard" .Dashboard}}

{{id "mail_regards"}}
{{.Instansi}}

{{en "mail_english_part"}}
{{en "mail_digest_lead" .DayEN}}
{{range .Camps}}{{en "mail_digest_summary" .Title .Total.Signed .Total.Roster .Total.PercentEN .Total.Pending}}{{if .DeadlineEN}} {{en "mail_deadline" .DeadlineEN}}.{{end}}
{{end}}{{en "mail_digest_names_above"}}
`))

var digestHTML = htmltemplate.Must(htmltemplate.New("digest").Funcs(htmlFuncs).Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{{id "mail_digest_title"}}</title></head>
<body style="font-family:sans-serif;line-height:1.5;max-width:40em">
<p>{{id "mail_dear" .Name}}</p>
<p>{{id "mail_digest_lead" .DayID}}</p>
{{range .Camps}}
<h2 style="font-size:1.1em">{{.Title}}</h2>
{{if .DeadlineID}}<p><strong>{{id "mail_deadline" .DeadlineID}}</strong> {{id "mail_days_left" .DaysLeft}}.</p>{{end}}
<p>{{sentence "id" "mail_digest_total" (strong (id "mail_n_of_m" .Total.Signed .Total.Roster)) .Total.PercentID .Total.Pending}}</p>
<table style="border-collapse:collapse">
<tr><th style="text-align:left;padding:2px 8px">{{id "department"}}</th><th style="text-align:right;padding:2px 8px">{{id "signed"}}</th><th style="text-align:right;padding:2px 8px">{{id "roster"}}</th><th style="text-align:right;padding:2px 8px">%</th><th style="text-align:right;padding:2px 8px">{{id "pending"}}</th></tr>
{{range .Units}}<tr><td style="padding:2px 8px 2px {{.Depth}}em">{{.Name}}</td><td style="text-align:right;padding:2px 8px">{{.Signed}}</td><td style="text-align:right;padding:2px 8px">{{.Roster}}</td><td style="text-align:right;padding:2px 8px">{{.PercentID}}</td><td style="text-align:right;padding:2px 8px">{{.Pending}}</td></tr>
{{end}}</table>
{{if .Pending}}<p>{{id "mail_digest_pending"}}</p>
<ul>{{range .Pending}}<li>{{id "mail_digest_person" .Name .NIP .Unit}}</li>{{end}}</ul>
{{if .MorePending}}<p>… {{id "mail_digest_more" .MorePending}}</p>{{end}}
{{else}}<p>{{id "mail_digest_all_signed"}}</p>{{end}}
{{end}}
<p><a href="{{.Dashboard}}">{{id "mail_open_dashboard"}}</a></p>
<p>{{id "mail_regards"}}<br>{{.Instansi}}</p>
<hr>
<p lang="en" style="color:#555">{{en "mail_digest_lead" .DayEN}} {{range .Camps}}{{en "mail_digest_summary" .Title .Total.Signed .Total.Roster .Total.PercentEN .Total.Pending}}{{if .DeadlineEN}} {{en "mail_deadline" .DeadlineEN}}.{{end}} {{end}}{{en "mail_digest_names_listed"}}</p>
</body></html>
`))

// ComposeDigest writes a head's digest as plain text and HTML, Indonesian
// first with an English summary.
func ComposeDigest(l DigestLetter) (subject, text, html string, err error) {
	day := l.Day.In(wib.Zone)
	v := digestView{DigestLetter: l, DayID: wib.Weekday(day.Weekday()) + ", " + wib.Date(day), DayEN: day.Format("Monday, 2 January 2006")}
	signed, roster := 0, 0
	for _, c := range l.Campaigns {
		cv := digestCampView{DigestCampaign: c}
		if c.Deadline != nil {
			cv.DeadlineID, cv.DeadlineEN = wib.Deadline(*c.Deadline), wib.DeadlineEN(*c.Deadline)
		}
		for _, u := range c.Units {
			indent := ""
			for i := 0; i < u.Depth; i++ {
				indent += "  "
			}
			cv.Units = append(cv.Units, digestUnitView{DigestUnit: u, Indent: indent})
		}
		v.Camps = append(v.Camps, cv)
		signed += c.Total.Signed
		roster += c.Total.Roster
	}
	subject = i18n.T("id", "mail_digest_subject", signed, roster, l.Instansi)
	text, html, err = render(digestText, digestHTML, v)
	return oneLine(subject), text, html, err
}

type unitDoneView struct {
	UnitDoneLetter
	DeadlineID, DeadlineEN string
}

var unitDoneText = texttemplate.Must(texttemplate.New("done").Funcs(textFuncs).Parse(`{{id "mail_dear" .Name}}

{{id "mail_done_lead" .Unit .Signed .Roster .CampaignTitle}}
{{if .DeadlineID}}{{id "mail_deadline" .DeadlineID}}.
{{end}}
{{id "mail_done_thanks"}}
{{id "mail_dashboard" .Dashboard}}

{{id "mail_regards"}}
{{.Instansi}}

{{en "mail_english_part"}}
{{en "mail_done_lead" .Unit .Signed .Roster .CampaignTitle}}{{if .DeadlineEN}} {{en "mail_deadline" .DeadlineEN}}.{{end}}
`))

var unitDoneHTML = htmltemplate.Must(htmltemplate.New("done").Funcs(htmlFuncs).Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{{.Unit}} 100 %</title></head>
<body style="font-family:sans-serif;line-height:1.5;max-width:36em">
<p>{{id "mail_dear" .Name}}</p>
<p>{{sentence "id" "mail_done_lead" (strong .Unit) .Signed .Roster (strong .CampaignTitle)}}</p>
{{if .DeadlineID}}<p>{{id "mail_deadline" .DeadlineID}}.</p>{{end}}
<p>{{id "mail_done_thanks"}} <a href="{{.Dashboard}}">{{id "mail_open_dashboard"}}</a></p>
<p>{{id "mail_regards"}}<br>{{.Instansi}}</p>
<hr>
<p lang="en" style="color:#555">{{en "mail_done_lead" .Unit .Signed .Roster .CampaignTitle}}{{if .DeadlineEN}} {{en "mail_deadline" .DeadlineEN}}.{{end}}</p>
</body></html>
`))

// ComposeUnitDone writes the "unit reached 100 %" message.
func ComposeUnitDone(l UnitDoneLetter) (subject, text, html string, err error) {
	v := unitDoneView{UnitDoneLetter: l}
	if l.Deadline != nil {
		v.DeadlineID, v.DeadlineEN = wib.Deadline(*l.Deadline), wib.DeadlineEN(*l.Deadline)
	}
	subject = i18n.T("id", "mail_done_subject", l.Unit, l.CampaignTitle)
	text, html, err = render(unitDoneText, unitDoneHTML, v)
	return oneLine(subject), text, html, err
}
