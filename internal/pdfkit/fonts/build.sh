#!/bin/sh
# Regenerates the committed font files in this folder from Debian's DejaVu fonts.
# Needs: apt-get install -y fonts-dejavu-core fonts-dejavu-extra fonttools, and Go.
# Run from this folder: sh build.sh
set -eu
SRC=/usr/share/fonts/truetype/dejavu
GOFPDF=$(go list -m -f '{{.Dir}}' github.com/jung-kurt/gofpdf)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Windows-1252 repertoire: what the single-byte fonts can show.
CP1252="U+0020-007E,U+00A0-00FF,U+20AC,U+201A,U+0192,U+201E,U+2026,U+2020,U+2021,U+02C6,U+2030,U+0160,U+2039,U+0152,U+017D,U+2018,U+2019,U+201C,U+201D,U+2022,U+2013,U+2014,U+02DC,U+2122,U+0161,U+203A,U+0153,U+017E,U+0178"
# Repertoire of the UTF-8 fonts: every glyph a certificate, a report or a
# card sheet needs. Latin with its extensions and Vietnamese, spacing and
# combining marks, Greek, Cyrillic, punctuation, currency and letterlike
# symbols, the few arrows, operators (≥ ≤ × …), shapes and dingbats (✂ ✓)
# the sheets draw, and U+FFFD, which pdfkit.Text puts for characters
# beyond U+FFFF.
UTF8="U+0020-007E,U+00A0-024F,U+02B0-02FF,U+0300-036F,U+0370-03FF,U+0400-052F,U+1E00-1EFF,U+2010-2027,U+2030-205E,U+20A0-20BF,U+2100-214F,U+2190-2199,U+2212,U+2215,U+2219,U+221A,U+221E,U+2248,U+2260,U+2264,U+2265,U+25A0,U+25AA,U+25AB,U+25B2,U+25B6,U+25BC,U+25C0,U+25CB,U+25CF,U+2702,U+2713-2718,U+FFFD"
OPTS="--layout-features= --no-hinting --drop-tables+=GSUB,GPOS,GDEF,kern,FFTM --name-IDs=* --name-languages=*"

# Single-byte fonts: sans regular and bold.
for f in DejaVuSans DejaVuSans-Bold; do
	# shellcheck disable=SC2086
	pyftsubset "$SRC/$f.ttf" --unicodes="$CP1252" $OPTS --output-file="$TMP/$f.ttf"
	# makefont writes $f.json (metrics for cp1252) and $f.z (zlib-compressed TTF).
	go run "$GOFPDF/makefont" -embed -enc "$GOFPDF/font/cp1252.map" -dst . "$TMP/$f.ttf"
done

# UTF-8 fonts, including the typed-signature face of the certificate.
for f in DejaVuSans DejaVuSans-Bold DejaVuSerif-Italic; do
	# shellcheck disable=SC2086
	pyftsubset "$SRC/$f.ttf" --unicodes="$UTF8" $OPTS --output-file="$f.ttf"
done
