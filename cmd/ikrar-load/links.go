package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// signer is one roster entry the load tool signs as.
type signer struct {
	Token string
	Name  string
}

// readLinks reads the CSV written by `ikrar links export`: a UTF-8 BOM,
// then columns including nama and tautan (…/sign/TOKEN).
func readLinks(path string) ([]signer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open links: %w", err)
	}
	defer f.Close()
	return parseLinks(f)
}

func parseLinks(r io.Reader) ([]signer, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	// ikrar writes ';' (Excel with the id-ID locale); older files used ','.
	if first, err := br.Peek(256); len(first) > 0 && (err == nil || errors.Is(err, io.EOF) || errors.Is(err, bufio.ErrBufferFull)) {
		line, _, _ := strings.Cut(string(first), "\n")
		if strings.Count(line, ";") > strings.Count(line, ",") {
			cr.Comma = ';'
		}
	}
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read links header: %w", err)
	}
	nameCol, linkCol := -1, -1
	for i, h := range head {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "nama", "name":
			nameCol = i
		case "tautan", "link", "url":
			linkCol = i
		}
	}
	if nameCol < 0 || linkCol < 0 {
		return nil, fmt.Errorf("links file needs columns nama and tautan, has %q", head)
	}
	var out []signer
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read links line %d: %w", line, err)
		}
		link := unneutralize(rec[linkCol])
		i := strings.LastIndex(link, "/sign/")
		if i < 0 || len(link) == i+len("/sign/") {
			return nil, fmt.Errorf("links line %d: %q is not a signing link", line, link)
		}
		out = append(out, signer{Token: link[i+len("/sign/"):], Name: unneutralize(rec[nameCol])})
	}
	if len(out) == 0 {
		return nil, errors.New("links file has no entries")
	}
	return out, nil
}

// unneutralize undoes the CSV export's formula-injection guard (a leading
// apostrophe before =, +, - or @).
func unneutralize(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
