package roster

import (
	"archive/zip"
	"bytes"
	"strings"

	"github.com/ikrar/ikrar/internal/i18n"
)

// Limits bound what one roster file may cost to read. A hostile or broken
// file is refused with a message naming the limit, in Indonesian and
// English, before it can take the memory, disk or time of the server.
type Limits struct {
	MaxRows int // data rows
	// MaxUnzipped bounds what all parts of an XLSX inflate to together
	// (worksheets beyond 16 MB are inflated to temporary files).
	MaxUnzipped int64
	// MaxSharedStrings bounds xl/sharedStrings.xml, which the XLSX reader
	// indexes in memory (about 48 bytes per string, whatever its length).
	MaxSharedStrings int64
	// MaxPart bounds every other part (styles, workbook, relations), which
	// the reader holds in memory whole; real ones are a few KB.
	MaxPart int64
}

// CLILimits are the command line's: it runs where the operator chose. An
// import's memory no longer grows with the file (it is staged as it is
// read); a 1,000,000-row import peaks near 200 MB (docs/PERFORMANCE.md).
var CLILimits = Limits{MaxRows: MaxRows, MaxUnzipped: 1 << 30, MaxSharedStrings: 512 << 20, MaxPart: 16 << 20}

// UploadLimits are the admin page's: whatever an upload holds, reading and
// previewing it stays under 300 MB of memory. 200,000 rows (a province)
// inflate to about 90 MB as an XLSX.
var UploadLimits = Limits{MaxRows: 200_000, MaxUnzipped: 256 << 20, MaxSharedStrings: 48 << 20, MaxPart: 16 << 20}

// MaxProblems is how many problems a file's report lists: a file that is
// wrong on every line needs its first problems fixed, not two million of
// them held in memory.
const MaxProblems = 1000

// checkXLSXSizes reads an XLSX's central directory, which is small and at
// the end of the file, and refuses it when what it would inflate to passes
// l. The sizes are the archive's own claims; Go's zip reader fails any part
// that inflates to more than its claim, so they cannot be understated.
func checkXLSXSizes(b []byte, l Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return notXLSX(err)
	}
	if len(zr.File) > 10_000 {
		return fileError(i18n.New("roster_xlsx_parts", len(zr.File)))
	}
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		var max int64
		switch {
		case strings.HasPrefix(name, "xl/worksheets/sheet"):
			continue
		case name == "xl/sharedstrings.xml":
			max = l.MaxSharedStrings
		default:
			max = l.MaxPart
		}
		if max > 0 && size > uint64(max) {
			return tooBig(i18n.New("roster_xlsx_part", f.Name), size, max)
		}
	}
	if l.MaxUnzipped > 0 && total > uint64(l.MaxUnzipped) {
		return tooBig(i18n.New("roster_xlsx_content"), total, l.MaxUnzipped)
	}
	return nil
}

func tooBig(what *i18n.Error, size uint64, max int64) error {
	return fileError(i18n.New("roster_xlsx_too_big", what, size>>20, max>>20))
}
