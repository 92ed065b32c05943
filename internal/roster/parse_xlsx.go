package roster

import (
	"bytes"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/ikrar/ikrar/internal/i18n"
)

// ParseXLSX reads a roster from the first worksheet of an XLSX workbook.
// Line numbers in problems are the spreadsheet's row numbers.
func ParseXLSX(r io.Reader) ([]Row, error) {
	return parseXLSX(r, defaultConfig())
}

func parseXLSX(r io.Reader, c config) (rows []Row, err error) {
	// Upload handlers call this on untrusted bytes; a malformed workbook
	// that trips a panic inside excelize must be a rejected file, not a
	// crashed server.
	defer func() {
		if v := recover(); v != nil {
			rows, err = nil, notXLSX(fmt.Errorf("%v", v))
		}
	}()
	b, err := io.ReadAll(r) // the XLSX reader needs random access; callers bound r
	if err != nil {
		return nil, notXLSX(err)
	}
	// Sizes first, from the directory at the end of the archive: a small
	// file that inflates to gigabytes is refused before anything inflates.
	if err := checkXLSXSizes(b, c.limits); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: max(c.limits.MaxUnzipped, 16<<20)})
	if err != nil {
		return nil, notXLSX(err)
	}
	defer f.Close()

	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileError(i18n.New("roster_no_sheet"))
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, notXLSX(err)
	}
	defer it.Close()

	p := newParser(c, false)
	for line := 1; it.Next(); line++ {
		// Raw values: a NIP in a numeric cell that really holds its 18
		// digits (as tools other than Excel write it) would otherwise be
		// formatted as 1.98703122010121E+17 and refused; one that Excel
		// rounded still reads as rounded and is refused by checkNIP.
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, notXLSX(fmt.Errorf("row %d: %w", line, err))
		}
		if !p.record(line, cells) {
			break
		}
	}
	if err := it.Error(); err != nil {
		return nil, notXLSX(err)
	}
	return p.finish()
}

func notXLSX(err error) error {
	return fileError(i18n.New("roster_not_xlsx", err.Error()))
}
