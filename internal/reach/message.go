package reach

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/ikrar/ikrar/internal/wib"
)

// Letter is what one message says to one person.
type Letter struct {
	Kind          string // KindInvitation or KindReminder
	Name          string
	NIP           string
	Department    string
	Instansi      string
	CampaignTitle string
	Link          string // the personal signing link
	SignURL       string // {base}/sign, for NIP + access code
	AccessCode    string
	Deadline      *time.Time
}

// Mail is a composed message.
type Mail struct {
	To, Subject, Text, HTML string
	MessageID               string // stable per outbox row, so a resend after a crash is recognisably the same message
}

type letterView struct {
	Letter
	DeadlineID, DeadlineEN string
	Reminder               bool
}

var textTmpl = texttemplate.Must(texttemplate.New("text").Parse(`Yth. {{.Name}},

{{if .Reminder}}Kami mencatat Anda belum menandatangani {{.CampaignTitle}}.{{else}}{{.Instansi}} mengundang Anda menandatangani {{.CampaignTitle}} secara elektronik.{{end}}

Tautan pribadi Anda:
{{.Link}}

Atau buka {{.SignURL}} lalu masukkan NIP {{.NIP}} dan kode akses {{.AccessCode}}.
{{if .DeadlineID}}
Batas waktu: {{.DeadlineID}}.
{{end}}
Tautan dan kode akses ini khusus untuk Anda; jangan dibagikan.

Hormat kami,
{{.Instansi}}

-- English --
Dear {{.Name}},
{{if .Reminder}}Our records show you have not signed {{.CampaignTitle}} yet.{{else}}{{.Instansi}} invites you to sign {{.CampaignTitle}} online.{{end}}
Your personal link: {{.Link}}
Or open {{.SignURL}} and enter NIP {{.NIP}} with access code {{.AccessCode}}.
{{if .DeadlineEN}}Deadline: {{.DeadlineEN}}.
{{end}}This link and code are for you alone; do not share them.
`))

var htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{{.CampaignTitle}}</title></head>
<body style="font-family:sans-serif;line-height:1.5;max-width:36em">
<p>Yth. {{.Name}},</p>
<p>{{if .Reminder}}Kami mencatat Anda belum menandatangani <strong>{{.CampaignTitle}}</strong>.{{else}}{{.Instansi}} mengundang Anda menandatangani <strong>{{.CampaignTitle}}</strong> secara elektronik.{{end}}</p>
<p><a href="{{.Link}}" style="display:inline-block;padding:.6em 1.2em;background:#8a1c1c;color:#fff;text-decoration:none;border-radius:4px">Tanda tangani ikrar</a></p>
<p>Atau buka <a href="{{.SignURL}}">{{.SignURL}}</a> lalu masukkan NIP <strong>{{.NIP}}</strong> dan kode akses <strong>{{.AccessCode}}</strong>.</p>
{{if .DeadlineID}}<p><strong>Batas waktu: {{.DeadlineID}}.</strong></p>{{end}}
<p>Tautan dan kode akses ini khusus untuk Anda; jangan dibagikan.</p>
<p>Hormat kami,<br>{{.Instansi}}</p>
<hr>
<p lang="en" style="color:#555">{{if .Reminder}}Our records show you have not signed {{.CampaignTitle}} yet.{{else}}{{.Instansi}} invites you to sign {{.CampaignTitle}} online.{{end}}
Your personal link is the button above; or open {{.SignURL}} with NIP {{.NIP}} and access code {{.AccessCode}}.{{if .DeadlineEN}} Deadline: {{.DeadlineEN}}.{{end}} This link and code are for you alone.</p>
</body></html>
`))

// Compose writes a letter as a plain-text and HTML message, Indonesian
// first with an English summary.
func Compose(l Letter) (subject, text, html string, err error) {
	v := letterView{Letter: l, Reminder: l.Kind == KindReminder}
	if l.Deadline != nil {
		v.DeadlineID, v.DeadlineEN = wib.Deadline(*l.Deadline), wib.DeadlineEN(*l.Deadline)
	}
	subject = "Undangan menandatangani " + l.CampaignTitle + " — " + l.Instansi
	if v.Reminder {
		subject = "Pengingat: " + l.CampaignTitle + " belum Anda tandatangani"
		if l.Deadline != nil {
			d := l.Deadline.In(wib.Zone)
			subject += fmt.Sprintf(" (batas waktu %d %s)", d.Day(), wib.Month(d.Month()))
		}
	}
	text, html, err = render(textTmpl, htmlTmpl, v)
	return oneLine(subject), text, html, err
}

// render executes a message's plain-text and HTML templates on v.
func render(t *texttemplate.Template, h *htmltemplate.Template, v any) (text, html string, err error) {
	var tb, hb bytes.Buffer
	if err := t.Execute(&tb, v); err != nil {
		return "", "", fmt.Errorf("compose %s text: %w", t.Name(), err)
	}
	if err := h.Execute(&hb, v); err != nil {
		return "", "", fmt.Errorf("compose %s html: %w", h.Name(), err)
	}
	return tb.String(), hb.String(), nil
}

// oneLine keeps a header value on one line whatever a campaign title holds.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
