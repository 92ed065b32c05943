package pledge

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Honorifics and academic titles written before a name. Degrees come after
// the first comma ("Drs. Budi Santosa, M.Pd.") and are dropped whole.
var prefixTitles = map[string]bool{
	"dr": true, "drs": true, "dra": true, "ir": true, "h": true, "hj": true, "prof": true,
	"r": true, "ra": true, "rr": true, "rm": true, "kh": true, "ny": true, "tn": true,
	"drg": true, "apt": true, "ns": true, "bd": true,
}

// NameKey reduces a name to what a person must type: no titles, no case,
// no accents, no punctuation, single spaces.
func NameKey(name string) string {
	if i := strings.IndexByte(name, ','); i >= 0 {
		name = name[:i]
	}
	// Decompose and drop combining marks so "Zoë" and "Zoe" agree. Invalid
	// UTF-8 is replaced first: normalisation skips letters after a broken
	// byte, which made the key depend on garbage (found by FuzzNamesMatch).
	decomposed := norm.NFD.String(strings.ToValidUTF8(name, " "))
	var sb strings.Builder
	for _, r := range decomposed {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '\'' || r == '’' || r == '`':
			// O'Neil and ONeil are the same person.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			sb.WriteRune(unicode.ToLower(r))
		case r == '.':
			sb.WriteString(". ")
		default:
			sb.WriteByte(' ')
		}
	}
	words := strings.Fields(sb.String())
	// Strip leading titles ("drs.", "r.a." → "r." "a."); keep at least one word.
	for len(words) > 1 {
		w := strings.TrimSuffix(words[0], ".")
		if !strings.HasSuffix(words[0], ".") || !(prefixTitles[w] || len(w) == 1) {
			break
		}
		words = words[1:]
	}
	for i, w := range words {
		words[i] = strings.TrimSuffix(w, ".")
	}
	return strings.Join(words, " ")
}

// NamesMatch tells whether a typed name is the roster name, ignoring case,
// academic titles, accents, punctuation and extra spaces.
func NamesMatch(typed, roster string) bool {
	k := NameKey(typed)
	return k != "" && k == NameKey(roster)
}
