// Package helpcenter holds the generator's built-in layouts and static
// assets, embedded so that the binary builds any site; a site's own
// layouts/ and static/ files override them by path.
package helpcenter

import "embed"

// Defaults holds layouts/ and static/ as shipped.
//
//go:embed layouts static
var Defaults embed.FS
