package reach

import (
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"

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

var digestText = texttemplate.Must(texttemplate.New("digest").Parse(`Yth. {{.Name}},

Ringkasan penandatanganan per {{.DayID}}:
{{range .Camps}}
== {{.Title}} ==
{{if .DeadlineID}}Batas waktu: {{.DeadlineID}} ({{.DaysLeft}} hari lagi).
{{end}}Sudah: {{.Total.Signed}} dari {{.Total.Roster}} pegawai ({{.Total.PercentID}} %), belum: {{.Total.Pending}}.
{{range .Units}}
{{.Indent}}- {{.Name}}: {{.Signed}}/{{.Roster}} ({{.PercentID}} %), belum {{.Pending}}{{end}}
{{if .Pending}}
Belum menandatangani:
{{range .Pending}}- {{.Name}} (NIP {{.NIP}}), {{.Unit}}
{{end}}{{if .MorePending}}... dan {{.MorePending}} orang lagi (daftar lengkap di halaman unit).
{{end}}{{else}}
Semua pegawai unit Anda sudah menandatangani.
{{end}}{{end}}
Dasbor: {{.Dashboard}}

Hormat kami,
{{.Instansi}}

-- English --
Daily signing summary for {{.DayEN}}:
{{range .Camps}}{{.Title}}: {{.Total.Signed}} of {{.Total.Roster}} signed ({{.Total.PercentEN}} %), {{.Total.Pending}} pending.{{if .DeadlineEN}} Deadline: {{.DeadlineEN}}.{{end}}
{{end}}The names still pending are listed above; the dashboard has the details.
`))

var digestHTML = htmltemplate.Must(htmltemplate.New("digest").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Ringkasan harian</title></head>
<body style="font-family:sans-serif;line-height:1.5;max-width:40em">
<p>Yth. {{.Name}},</p>
<p>Ringkasan penandatanganan per {{.DayID}}:</p>
{{range .Camps}}
<h2 style="font-size:1.1em">{{.Title}}</h2>
{{if .DeadlineID}}<p><strong>Batas waktu: {{.DeadlineID}}</strong> ({{.DaysLeft}} hari lagi).</p>{{end}}
<p>Sudah: <strong>{{.Total.Signed}} dari {{.Total.Roster}}</strong> pegawai ({{.Total.PercentID}} %), belum: {{.Total.Pending}}.</p>
<table style="border-collapse:collapse">
<tr><th style="text-align:left;padding:2px 8px">Unit kerja</th><th style="text-align:right;padding:2px 8px">Sudah</th><th style="text-align:right;padding:2px 8px">Pegawai</th><th style="text-align:right;padding:2px 8px">%</th><th style="text-align:right;padding:2px 8px">Belum</th></tr>
{{range .Units}}<tr><td style="padding:2px 8px 2px {{.Depth}}em">{{.Name}}</td><td style="text-align:right;padding:2px 8px">{{.Signed}}</td><td style="text-align:right;padding:2px 8px">{{.Roster}}</td><td style="text-align:right;padding:2px 8px">{{.PercentID}}</td><td style="text-align:right;padding:2px 8px">{{.Pending}}</td></tr>
{{end}}</table>
{{if .Pending}}<p>Belum menandatangani:</p>
<ul>{{range .Pending}}<li>{{.Name}} (NIP {{.NIP}}), {{.Unit}}</li>{{end}}</ul>
{{if .MorePending}}<p>… dan {{.MorePending}} orang lagi (daftar lengkap di halaman unit).</p>{{end}}
{{else}}<p>Semua pegawai unit Anda sudah menandatangani.</p>{{end}}
{{end}}
<p><a href="{{.Dashboard}}">Buka dasbor</a></p>
<p>Hormat kami,<br>{{.Instansi}}</p>
<hr>
<p lang="en" style="color:#555">Daily signing summary for {{.DayEN}}: {{range .Camps}}{{.Title}}: {{.Total.Signed}} of {{.Total.Roster}} signed ({{.Total.PercentEN}} %), {{.Total.Pending}} pending.{{if .DeadlineEN}} Deadline: {{.DeadlineEN}}.{{end}} {{end}}The names still pending are listed above.</p>
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
	subject = fmt.Sprintf("Ringkasan harian ikrar: %d dari %d sudah menandatangani — %s", signed, roster, l.Instansi)
	text, html, err = render(digestText, digestHTML, v)
	return oneLine(subject), text, html, err
}

type unitDoneView struct {
	UnitDoneLetter
	DeadlineID, DeadlineEN string
}

var unitDoneText = texttemplate.Must(texttemplate.New("done").Parse(`Yth. {{.Name}},

Selamat: semua pegawai {{.Unit}} ({{.Signed}} dari {{.Roster}}) sudah menandatangani {{.CampaignTitle}}.
{{if .DeadlineID}}Batas waktu: {{.DeadlineID}}.
{{end}}
Terima kasih atas dukungan Anda.
Dasbor: {{.Dashboard}}

Hormat kami,
{{.Instansi}}

-- English --
All staff of {{.Unit}} ({{.Signed}} of {{.Roster}}) have signed {{.CampaignTitle}}.{{if .DeadlineEN}} Deadline: {{.DeadlineEN}}.{{end}}
`))

var unitDoneHTML = htmltemplate.Must(htmltemplate.New("done").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{{.Unit}} 100 %</title></head>
<body style="font-family:sans-serif;line-height:1.5;max-width:36em">
<p>Yth. {{.Name}},</p>
<p>Selamat: semua pegawai <strong>{{.Unit}}</strong> ({{.Signed}} dari {{.Roster}}) sudah menandatangani <strong>{{.CampaignTitle}}</strong>.</p>
{{if .DeadlineID}}<p>Batas waktu: {{.DeadlineID}}.</p>{{end}}
<p>Terima kasih atas dukungan Anda. <a href="{{.Dashboard}}">Buka dasbor</a></p>
<p>Hormat kami,<br>{{.Instansi}}</p>
<hr>
<p lang="en" style="color:#555">All staff of {{.Unit}} ({{.Signed}} of {{.Roster}}) have signed {{.CampaignTitle}}.{{if .DeadlineEN}} Deadline: {{.DeadlineEN}}.{{end}}</p>
</body></html>
`))

// ComposeUnitDone writes the "unit reached 100 %" message.
func ComposeUnitDone(l UnitDoneLetter) (subject, text, html string, err error) {
	v := unitDoneView{UnitDoneLetter: l}
	if l.Deadline != nil {
		v.DeadlineID, v.DeadlineEN = wib.Deadline(*l.Deadline), wib.DeadlineEN(*l.Deadline)
	}
	subject = fmt.Sprintf("%s: 100 %% sudah menandatangani %s", l.Unit, l.CampaignTitle)
	text, html, err = render(unitDoneText, unitDoneHTML, v)
	return oneLine(subject), text, html, err
}
