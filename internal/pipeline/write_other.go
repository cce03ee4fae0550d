//go:build !unix

package pipeline

import "os"

// writeNew writes data to a new file at p.
func writeNew(p string, data []byte) error { return os.WriteFile(p, data, 0o644) }
