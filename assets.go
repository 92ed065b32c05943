// Package ikrar holds the assets compiled into the single ikrar binary.
package ikrar

import "embed"

// Assets carries the HTML templates and static files, so the binary runs
// from any directory with nothing beside it.
//
//go:embed templates static
var Assets embed.FS
