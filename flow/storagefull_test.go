package flow

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"hallkiosk/backoffice/api"
	"hallkiosk/internal/testexec"
	"hallkiosk/offline"
)

// A full disk is produced for real: the test runs itself again in a new
// user and mount namespace (unshare -rm), mounts a 4 MiB tmpfs there, puts
// the store on it and fills the rest with a file. SQLite then meets
// ENOSPC exactly as on a kiosk whose disk filled up.
const fullDiskEnv = "FLOW_TEST_FULL_DISK_CHILD"

func TestStorageFull(t *testing.T) {
	if os.Getenv(fullDiskEnv) == "" {
		runInMountNamespace(t, "^TestStorageFull$")
		return
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m"); err != nil {
		t.Fatalf("mount tmpfs: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })

	r := newRig(t, rigOpts{offline: true, storeDir: dir})
	fillDisk(t, filepath.Join(dir, "filler"))
	// Commit until the store meets the full disk (a WAL can reuse its own
	// frames for a while).
	var err error
	for i := 0; i < 10000 && err == nil; i++ {
		err = r.store.RecordSuggestion(t.Context(), api.Suggestion{Category: "suggestion", Reasons: []string{"other"}, At: r.clk.Now()})
	}
	if !errors.Is(err, offline.ErrStorageFull) {
		t.Fatalf("filling the disk ended with %v, want ErrStorageFull", err)
	}

	t.Run("home disables what commits", func(t *testing.T) {
		tiles := tileMap(Availability(t.Context(), r.env))
		for _, tile := range []Tile{TileTicket, TileCheckIn, TileRating, TileSuggestion} {
			if got := tiles[tile]; got.Enabled || got.Reason != ReasonStorageFull {
				t.Errorf("%v: %+v", tile, got)
			}
		}
		if !tiles[TileGuide].Enabled {
			t.Error("the guide needs no storage")
		}
	})
	t.Run("ticket", func(t *testing.T) {
		f, w := r.ticketFlow(TicketOptions{})
		f.Start()
		chooseService(t, f, w, "shebao", "sb-01")
		w.until("card step", ticketIn(TicketCard))
		f.SkipCard()
		s := w.until("failure", ticketIn(TicketFailed))
		if s.Problem.Reason != ReasonStorageFull || !s.CanRetry || r.printed() != 0 {
			t.Fatalf("snapshot %+v, %d printed", s, r.printed())
		}
	})
	t.Run("rating", func(t *testing.T) {
		f, w := r.ratingFlow()
		f.Start()
		w.until("ticket step", ratingIn(RatingTicket))
		f.EnterTicket("B123")
		w.until("scores", ratingIn(RatingScores))
		rateAll(f, 5, 5, 5, 5)
		f.Next()
		s := w.until("failure", ratingIn(RatingFailed))
		if s.Problem.Reason != ReasonStorageFull || !s.CanRetry {
			t.Fatalf("snapshot %+v", s)
		}
	})
	t.Run("suggestion", func(t *testing.T) {
		f, w := r.suggestionFlow()
		f.Start()
		f.SelectCategory("praise")
		f.ToggleReason("staff")
		f.Submit()
		s := w.until("failure", suggestionIn(SuggestionFailed))
		if s.Problem.Reason != ReasonStorageFull || !s.CanRetry {
			t.Fatalf("snapshot %+v", s)
		}
		// Space comes back (a technician cleared the disk): retry works.
		if err := os.Remove(filepath.Join(dir, "filler")); err != nil {
			t.Fatal(err)
		}
		f.Retry()
		w.until("thanks", suggestionIn(SuggestionThanks))
	})
}

// runInMountNamespace runs the named test of this binary as root of a new
// user and mount namespace, or skips when the machine does not allow that.
func runInMountNamespace(t *testing.T, run string) {
	t.Helper()
	// Outside CI a developer's machine may forbid namespaces; there the
	// check is skipped and says why. CI (CI=true, root on a machine that
	// allows them, util-linux always installed) must run it, so there a
	// missing prerequisite fails instead of hiding the check.
	skip := t.Skipf
	if os.Getenv("CI") != "" {
		skip = t.Fatalf
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		skip("unshare(1) not installed: cannot make a full disk")
	}
	if out, err := exec.Command(unshare, "-rm", "true").CombinedOutput(); err != nil {
		skip("no user/mount namespaces here (%v: %s): cannot make a full disk", err, strings.TrimSpace(string(out)))
	}
	args := append([]string{"-rm"}, testexec.Self()...)
	args = append(args, "-test.run="+run, "-test.count=1")
	if testing.Verbose() {
		args = append(args, "-test.v")
	}
	cmd := exec.Command(unshare, args...)
	cmd.Env = append(os.Environ(), fullDiskEnv+"=1")
	out, err := cmd.CombinedOutput()
	t.Logf("child:\n%s", out)
	if err != nil {
		t.Fatalf("child test failed: %v", err)
	}
}

// fillDisk writes to path until the file system is full.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			t.Fatalf("fill: %v", err)
		}
	}
	// Smaller writes take the last partial block too.
	for _, n := range []int{4096, 512, 1} {
		for {
			if _, err := f.Write(buf[:n]); err != nil {
				break
			}
		}
	}
}
