package web

import "testing"

// TestAcceptsGzip reads Accept-Encoding as RFC 9110 says: names are
// case-insensitive and q=0 refuses.
func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br, zstd", true},
		{"br;q=1.0, GZIP;q=0.5", true},
		{"deflate, br", false},
		{"gzip;q=0", false},
		{"gzip; q=0.000", false},
		{"identity", false},
		{"x-gzip", false},
		{"*", false}, // a wildcard alone: answering plainly is always allowed
	}
	for _, tt := range tests {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// TestIsCompressible keeps already-compressed formats out of gzip.
func TestIsCompressible(t *testing.T) {
	for ct, want := range map[string]bool{
		"text/html; charset=UTF-8": true, "text/css; charset=utf-8": true, "text/javascript; charset=utf-8": true,
		"text/csv; charset=utf-8": true, "image/svg+xml": true, "application/pdf": false, "application/zip": false,
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": false, "image/png": false, "": false,
	} {
		if got := isCompressible(ct); got != want {
			t.Errorf("isCompressible(%q) = %v, want %v", ct, got, want)
		}
	}
}
