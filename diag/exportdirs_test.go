package diag

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestExportDirs offers the mounted sticks first and the kiosk's own
// export folder last, without the /media/<user> folder that holds a stick.
func TestExportDirs(t *testing.T) {
	root, data := t.TempDir(), t.TempDir()
	stick := filepath.Join(root, "media", "kiosk", "KINGSTON")
	if err := os.MkdirAll(stick, 0o755); err != nil {
		t.Fatal(err)
	}
	got := exportDirsUnder([]string{filepath.Join(root, "media/*/*"), filepath.Join(root, "media/*")}, data)
	want := []string{stick, filepath.Join(data, "exports")}
	if !slices.Equal(got, want) {
		t.Fatalf("export folders %q, want %q", got, want)
	}
	if st, err := os.Stat(want[1]); err != nil || !st.IsDir() {
		t.Fatalf("own export folder not created: %v", err)
	}
}
