package web

import (
	"html/template"
	"strconv"

	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/pledge"
	"github.com/ikrar/ikrar/internal/store"
)

// The compiled forms of the signing page and the receipt (compiled.go):
// which fields of signData each prints, and which optional parts their
// variants cover. Anything else on these pages (a problem list, other
// campaigns to sign, a staff member's menu, a version change, a closed or
// past campaign) is left to the template.

// Fields of the layout and the "person" block, first in both pages.
const (
	cfTitle = iota
	cfCSRF
	cfLangURL
	cfName
	cfNIP
	cfPosition
	cfDepartment
	cfToken
	cfCampaignID
	cfPage // the page's own fields start here
)

var layoutFields = []compiledField{
	{name: "Title"}, {name: "CSRF"}, {name: "LangURL"},
	{name: "ASN.Name"}, {name: "ASN.NIP"}, {name: "ASN.Position"}, {name: "Department.Name"},
	{name: "Token"}, {name: "Campaign.ID", kind: numField},
}

func layoutValues(p page, prints uint32, d *signData, v *fieldValues) {
	v[cfTitle], v[cfLangURL] = p.Title, p.LangURL
	if prints&(1<<cfCSRF) != 0 { // the receipt has no form: no token made for it
		v[cfCSRF] = p.CSRF()
	}
	v[cfName], v[cfNIP], v[cfPosition] = d.ASN.Name, d.ASN.NIP, d.ASN.Position
	v[cfDepartment], v[cfToken] = d.Department.Name, d.Token
	v[cfCampaignID] = strconv.FormatUint(uint64(d.Campaign.ID), 10)
}

func layoutProbe(lang string, v *fieldValues) (page, *signData) {
	id, _ := strconv.ParseUint(v[cfCampaignID], 10, 64)
	d := &signData{
		ASN:        store.ASN{Name: v[cfName], NIP: v[cfNIP], Position: v[cfPosition]},
		Department: store.Department{Name: v[cfDepartment]},
		Campaign:   store.Campaign{ID: uint(id), Status: store.CampaignOpen},
		Token:      v[cfToken],
	}
	p := page{Lang: lang, T: i18n.Table(lang), csrf: &pageToken{tok: v[cfCSRF]}, Title: v[cfTitle], LangURL: v[cfLangURL], Data: d}
	return p, d
}

// The signing page's own fields.
const (
	cfTextTitle = cfPage + iota
	cfPreamble
	cfDeadlineLabel
	cfDeadlineWhen
	cfDeadlineLeft
	cfPoints
	cfTypedName
)

// Variant bits of the signing page.
const (
	svAskCode      = 1 << iota // the access code field
	svDeadline                 // the deadline line
	svDeadlineLeft             // "3 days left" on it
)

var signSpec = compiledSpec{
	page: "sign",
	fields: append(append([]compiledField(nil), layoutFields...),
		compiledField{name: "Text.Title"}, compiledField{name: "Text.Preamble"},
		compiledField{name: "Deadline.Label"}, compiledField{name: "Deadline.When"}, compiledField{name: "Deadline.Left"},
		compiledField{name: "PointsHTML", kind: htmlField}, compiledField{name: "TypedName"}),
	variant: func(p page) (uint8, bool) {
		d, ok := p.Data.(*signData)
		// The open form with its points pre-rendered (Server.pointsHTML),
		// as nearly every request gets it.
		if !ok || p.User != nil || p.Title == "" || d.Campaign.ID == 0 || d.Closed || d.Deadline.Passed ||
			d.Earlier != nil || len(d.Problems) > 0 || d.PointsHTML == "" || len(d.Others) > 0 {
			return 0, false
		}
		var key uint8
		if d.AskCode {
			key |= svAskCode
		}
		if d.Deadline.When != "" {
			key |= svDeadline
			if d.Deadline.Left != "" {
				key |= svDeadlineLeft
			}
		}
		return key, true
	},
	values: func(p page, prints uint32, v *fieldValues) {
		d := p.Data.(*signData)
		layoutValues(p, prints, d, v)
		v[cfTextTitle], v[cfPreamble] = d.Text.Title, d.Text.Preamble
		v[cfDeadlineLabel], v[cfDeadlineWhen], v[cfDeadlineLeft] = d.Deadline.Label, d.Deadline.When, d.Deadline.Left
		v[cfPoints], v[cfTypedName] = string(d.PointsHTML), d.TypedName
	},
	probe: func(lang string, key uint8, v *fieldValues) page {
		p, d := layoutProbe(lang, v)
		d.Text = pledge.Text{Title: v[cfTextTitle], Preamble: v[cfPreamble]}
		d.Deadline.Label = v[cfDeadlineLabel]
		if key&svDeadline != 0 {
			d.Deadline.When = v[cfDeadlineWhen]
			if key&svDeadlineLeft != 0 {
				d.Deadline.Left = v[cfDeadlineLeft]
			}
		}
		d.PointsHTML = template.HTML(v[cfPoints])
		d.TypedName = v[cfTypedName]
		d.AskCode = key&svAskCode != 0
		return p
	},
}

// The receipt's own fields.
const (
	cfCampaignTitle = cfPage + iota
	cfSignedAt
	cfCertCode
	cfVersion
	cfPledgeHash
)

var receiptSpec = compiledSpec{
	page: "receipt",
	fields: append(append([]compiledField(nil), layoutFields...),
		compiledField{name: "Campaign.Title"}, compiledField{name: "wib Signature.SignedAt", kind: funcField, fn: "wib"},
		compiledField{name: "Signature.CertCode"}, compiledField{name: "Campaign.Version", kind: numField},
		compiledField{name: "Signature.PledgeHash"}),
	variant: func(p page) (uint8, bool) {
		d, ok := p.Data.(*signData)
		if !ok || p.User != nil || p.Title == "" || d.Signature == nil || len(d.Others) > 0 {
			return 0, false
		}
		return 0, true
	},
	values: func(p page, prints uint32, v *fieldValues) {
		d := p.Data.(*signData)
		layoutValues(p, prints, d, v)
		v[cfCampaignTitle] = d.Campaign.Title
		v[cfSignedAt] = FormatWIB(d.Signature.SignedAt, p.Lang)
		v[cfCertCode], v[cfPledgeHash] = d.Signature.CertCode, d.Signature.PledgeHash
		v[cfVersion] = strconv.Itoa(d.Campaign.Version)
	},
	probe: func(lang string, _ uint8, v *fieldValues) page {
		p, d := layoutProbe(lang, v)
		d.Campaign.Title = v[cfCampaignTitle]
		d.Campaign.Version, _ = strconv.Atoi(v[cfVersion])
		d.Signature = &store.Signature{CertCode: v[cfCertCode], PledgeHash: v[cfPledgeHash]}
		return p
	},
}
