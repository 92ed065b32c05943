#!/bin/sh
# Regenerates the committed font files in this folder from Debian's DejaVu fonts.
# Needs: apt-get install -y fonts-dejavu-core fonts-dejavu-extra fonttools, and Go.
# Run from this folder: sh build.sh
set -eu
SRC=/usr/share/fonts/truetype/dejavu
GOFPDF=$(go list -m -f '{{.Dir}}' github.com/jung-kurt/gofpdf)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Windows-1252 repertoire: what the fast single-byte path can show.
CP1252="U+0020-007E,U+00A0-00FF,U+20AC,U+201A,U+0192,U+201E,U+2026,U+2020,U+2021,U+02C6,U+2030,U+0160,U+2039,U+0152,U+017D,U+2018,U+2019,U+201C,U+201D,U+2022,U+2013,U+2014,U+02DC,U+2122,U+0161,U+203A,U+0153,U+017E,U+0178"
# Latin repertoire of the UTF-8 fallback (names with e.g. ş, ł, ő, Vietnamese letters).
LATIN="U+0020-007E,U+00A0-024F,U+02B0-02FF,U+0300-036F,U+1E00-1EFF,U+2010-2027,U+2030-203A,U+2044,U+20AC,U+2116,U+2122,U+2212,U+FFFD"
OPTS="--layout-features= --no-hinting --drop-tables+=GSUB,GPOS,GDEF,kern,FFTM --name-IDs=* --name-languages=*"

# Single-byte fonts for the fast path: sans regular and bold.
for f in DejaVuSans DejaVuSans-Bold; do
	# shellcheck disable=SC2086
	pyftsubset "$SRC/$f.ttf" --unicodes="$CP1252" $OPTS --output-file="$TMP/$f.ttf"
	# makefont writes $f.json (metrics for cp1252) and $f.z (zlib-compressed TTF).
	go run "$GOFPDF/makefont" -embed -enc "$GOFPDF/font/cp1252.map" -dst . "$TMP/$f.ttf"
done

# UTF-8 subsets for the fallback path, including the typed-signature face.
for f in DejaVuSans DejaVuSans-Bold DejaVuSerif-Italic; do
	# shellcheck disable=SC2086
	pyftsubset "$SRC/$f.ttf" --unicodes="$LATIN" $OPTS --output-file="$f-latin.ttf"
done
