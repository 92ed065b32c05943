package certificate

import "unicode/utf8"

// isASCII reports whether s is plain ASCII, which every font takes as is.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
