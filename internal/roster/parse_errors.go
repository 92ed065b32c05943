package roster

import (
	"fmt"
	"strings"
)

// maxProblemsInText caps Errors.Error(); a file with a wrong column can yield
// one problem per row, and nobody reads 100,000 lines in a terminal.
const maxProblemsInText = 50

// Problem is one thing wrong in a roster file.
type Problem struct {
	Line   int    // line (CSV) or row (XLSX) as a user sees it, header = 1; 0 = the whole file
	Column string // canonical column name (ColNIP...), "" for the whole row or file
	ID     string // Bahasa Indonesia
	EN     string // English
}

// String renders "baris 12, kolom nip: ... / line 12, column nip: ...".
func (p Problem) String() string {
	var id, en string
	switch {
	case p.Line > 0 && p.Column != "":
		id = fmt.Sprintf("baris %d, kolom %s: ", p.Line, p.Column)
		en = fmt.Sprintf("line %d, column %s: ", p.Line, p.Column)
	case p.Line > 0:
		id = fmt.Sprintf("baris %d: ", p.Line)
		en = fmt.Sprintf("line %d: ", p.Line)
	case p.Column != "":
		id = fmt.Sprintf("kolom %s: ", p.Column)
		en = fmt.Sprintf("column %s: ", p.Column)
	default:
		id, en = "berkas: ", "file: "
	}
	return id + p.ID + " / " + en + p.EN
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
			n := len(e.Problems) - maxProblemsInText
			fmt.Fprintf(&b, "\ndan %d masalah lainnya / and %d more problems", n, n)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

func fileError(id, en string) *Errors {
	return &Errors{Problems: []Problem{{ID: id, EN: en}}}
}
