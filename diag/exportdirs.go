package diag

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ExportDirs are the folders technician exports can go to: the USB sticks
// mounted under /media or /run/media (a technician plugs one in), then the
// data directory's exports folder.
func ExportDirs(dataDir string) []string {
	return exportDirsUnder([]string{"/media/*/*", "/run/media/*/*", "/media/*"}, dataDir)
}

func exportDirsUnder(patterns []string, dataDir string) []string {
	var dirs []string
	seen := map[string]bool{}
	for _, pattern := range patterns {
		matches, _ := filepath.Glob(pattern)
		for _, m := range matches {
			if seen[m] || holdsListed(m, dirs) {
				continue // /media/<user> itself, when a stick under it is listed
			}
			if st, err := os.Stat(m); err == nil && st.IsDir() && writable(m) {
				seen[m] = true
				dirs = append(dirs, m)
			}
		}
	}
	own := filepath.Join(dataDir, "exports")
	os.MkdirAll(own, 0o750)
	return append(dirs, own)
}

func holdsListed(dir string, listed []string) bool {
	for _, l := range listed {
		if strings.HasPrefix(l, dir+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

func writable(dir string) bool {
	f, err := os.CreateTemp(dir, ".kiosk-probe-*")
	if err != nil {
		return false
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return true
}

// ExportChoice is what the export page offers out of the folders found
// (ExportDirs): at most max of them, the current folder (".") when none
// was found, and which one is chosen: the one chosen before if it is
// still offered, else the first.
func ExportChoice(found []string, before string, max int) (dirs []string, chosen int) {
	dirs = found
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	dirs = dirs[:min(len(dirs), max)]
	if i := slices.Index(dirs, before); i >= 0 {
		chosen = i
	}
	return dirs, chosen
}
