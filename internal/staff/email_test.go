package staff

import (
	"errors"
	"testing"
)

func TestCheckEmail(t *testing.T) {
	tests := []struct {
		in, want string
		err      error
	}{
		{"", "", nil},
		{"   ", "", nil},
		{"kepala@dinkes.jogjakota.go.id", "kepala@dinkes.jogjakota.go.id", nil},
		{" budi.santoso@gmail.com\t", "budi.santoso@gmail.com", nil},
		{"budi@gmail", "", ErrEmail},
		{"budi@.go.id", "", ErrEmail},
		{"budi@go.id.", "", ErrEmail},
		{"Budi <budi@gmail.com>", "", ErrEmail},
		{"budi@gmail.com, ani@gmail.com", "", ErrEmail},
		{"bukan alamat", "", ErrEmail},
		{"budi@gmail.com\r\nBcc: x@y.com", "", ErrEmail},
		{string(make([]byte, 195)) + "@a.id", "", ErrEmail},
	}
	for _, tt := range tests {
		got, err := CheckEmail(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("CheckEmail(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}
