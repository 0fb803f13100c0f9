//go:build !linux

package diag

import "errors"

// statDisk is implemented for Linux, the kiosk's platform, only.
func statDisk(string) (free, total uint64, err error) {
	return 0, 0, errors.New("disk space: not supported on this platform")
}
