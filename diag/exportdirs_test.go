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

// TestExportChoice: the folder chosen before stays chosen while offered;
// the list is cut to what the page holds; with none found, the current
// folder.
func TestExportChoice(t *testing.T) {
	found := []string{"/media/kiosk/A", "/media/kiosk/B", "/media/kiosk/C", "/data/exports"}
	tests := []struct {
		name       string
		found      []string
		before     string
		max        int
		want       []string
		wantChosen int
	}{
		{"first by default", found, "", 4, found, 0},
		{"kept", found, "/media/kiosk/C", 4, found, 2},
		{"cut", found, "/data/exports", 2, found[:2], 0},
		{"gone", found[1:], "/media/kiosk/A", 4, found[1:], 0},
		{"none found", nil, "/media/kiosk/A", 4, []string{"."}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dirs, chosen := ExportChoice(tt.found, tt.before, tt.max)
			if !slices.Equal(dirs, tt.want) || chosen != tt.wantChosen {
				t.Fatalf("%q, %d; want %q, %d", dirs, chosen, tt.want, tt.wantChosen)
			}
		})
	}
}
