package reach

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/ikrar/ikrar/internal/i18n"
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

var textTmpl = texttemplate.Must(texttemplate.New("text").Funcs(textFuncs).Parse(`{{id "mail_dear" .Name}}

{{if .Reminder}}{{id "mail_reminder_lead" .CampaignTitle}}{{else}}{{id "mail_invitation_lead" .Instansi .CampaignTitle}}{{end}}

{{id "mail_your_link"}}
{{.Link}}

{{id "mail_or_open" .SignURL .NIP .AccessCode}}
{{if .DeadlineID}}
{{id "mail_deadline" .DeadlineID}}.
{{end}}
{{id "mail_private"}}

{{id "mail_regards"}}
{{.Instansi}}

{{en "mail_english_part"}}
{{en "mail_dear" .Name}}
{{if .Reminder}}{{en "mail_reminder_lead" .CampaignTitle}}{{else}}{{en "mail_invitation_lead" .Instansi .CampaignTitle}}{{end}}
{{en "mail_your_link"}} {{.Link}}
{{en "mail_or_open" .SignURL .NIP .AccessCode}}
{{if .DeadlineEN}}{{en "mail_deadline" .DeadlineEN}}.
{{end}}{{en "mail_private"}}
`))

var htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Funcs(htmlFuncs).Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>{{.CampaignTitle}}</title></head>
<body style="font-family:sans-serif;line-height:1.5;max-width:36em">
<p>{{id "mail_dear" .Name}}</p>
<p>{{if .Reminder}}{{sentence "id" "mail_reminder_lead" (strong .CampaignTitle)}}{{else}}{{sentence "id" "mail_invitation_lead" .Instansi (strong .CampaignTitle)}}{{end}}</p>
<p><a href="{{.Link}}" style="display:inline-block;padding:.6em 1.2em;background:#8a1c1c;color:#fff;text-decoration:none;border-radius:4px">{{id "mail_sign_button"}}</a></p>
<p>{{sentence "id" "mail_or_open" (anchor .SignURL) (strong .NIP) (strong .AccessCode)}}</p>
{{if .DeadlineID}}<p><strong>{{id "mail_deadline" .DeadlineID}}.</strong></p>{{end}}
<p>{{id "mail_private"}}</p>
<p>{{id "mail_regards"}}<br>{{.Instansi}}</p>
<hr>
<p lang="en" style="color:#555">{{if .Reminder}}{{en "mail_reminder_lead" .CampaignTitle}}{{else}}{{en "mail_invitation_lead" .Instansi .CampaignTitle}}{{end}}
{{en "mail_button_or_open" .SignURL .NIP .AccessCode}}{{if .DeadlineEN}} {{en "mail_deadline" .DeadlineEN}}.{{end}} {{en "mail_private_short"}}</p>
</body></html>
`))

// Compose writes a letter as a plain-text and HTML message, Indonesian
// first with an English summary.
func Compose(l Letter) (subject, text, html string, err error) {
	v := letterView{Letter: l, Reminder: l.Kind == KindReminder}
	if l.Deadline != nil {
		v.DeadlineID, v.DeadlineEN = wib.Deadline(*l.Deadline), wib.DeadlineEN(*l.Deadline)
	}
	subject = i18n.T("id", "mail_invitation_subject", l.CampaignTitle, l.Instansi)
	if v.Reminder {
		subject = i18n.T("id", "mail_reminder_subject", l.CampaignTitle)
		if l.Deadline != nil {
			d := l.Deadline.In(wib.Zone)
			subject += " " + i18n.T("id", "mail_by_deadline", fmt.Sprintf("%d %s", d.Day(), wib.Month(d.Month())))
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
