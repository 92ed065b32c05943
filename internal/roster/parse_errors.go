package roster

import (
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
)

// maxProblemsInText caps Errors.Error(); a file with a wrong column can yield
// one problem per row, and nobody reads 100,000 lines in a terminal.
const maxProblemsInText = 50

// Problem is one thing wrong in a roster file.
type Problem struct {
	Line   int    // line (CSV) or row (XLSX) as a user sees it, header = 1; 0 = the whole file
	Column string // canonical column name (ColNIP...), "" for the whole row or file
	Msg    *i18n.Error
}

// In is the problem's message in lang.
func (p Problem) In(lang string) string { return p.Msg.In(lang) }

// String renders "baris 12, kolom nip: ... / line 12, column nip: ...".
func (p Problem) String() string {
	switch {
	case p.Line > 0 && p.Column != "":
		return i18n.Both("roster_at_line_column", p.Line, p.Column, p.Msg)
	case p.Line > 0:
		return i18n.Both("roster_at_line", p.Line, p.Msg)
	case p.Column != "":
		return i18n.Both("roster_at_column", p.Column, p.Msg)
	}
	return i18n.Both("roster_at_file", p.Msg)
}

// Errors is every problem found in a roster file. Parsing is all-or-nothing:
// when it returns Errors it returns no rows, so an import never half-applies
// a file the user must fix anyway.
type Errors struct {
	Problems []Problem
}

// Error lists the problems one per line, at most maxProblemsInText of them;
// Problems keeps them all.
func (e *Errors) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i == maxProblemsInText {
			b.WriteString("\n" + i18n.Both("roster_more_problems", len(e.Problems)-maxProblemsInText))
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

func fileError(m *i18n.Error) *Errors {
	return &Errors{Problems: []Problem{{Msg: m}}}
}
