package sim

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestPlugOutAndIn pulls and re-plugs a device: serve ends on the pull,
// the link follows the new pseudo-terminal, and a second In is refused.
func TestPlugOutAndIn(t *testing.T) {
	link := filepath.Join(t.TempDir(), "usb-Test_Scanner-if00")
	pl := &Plug{Link: link}
	served := make(chan string, 2)
	serve := func(m *os.File) {
		buf := make([]byte, 16)
		for {
			if _, err := m.Read(buf); err != nil {
				served <- "ended"
				return
			}
		}
	}
	if err := pl.In(serve); err != nil {
		t.Fatal(err)
	}
	first, err := os.Readlink(link)
	if err != nil || pl.Path() != link || pl.Master() == nil {
		t.Fatalf("plugged in: link -> %q (%v), Path %q", first, err, pl.Path())
	}
	if err := pl.In(serve); !errors.Is(err, ErrPluggedIn) {
		t.Fatalf("second In: %v, want ErrPluggedIn", err)
	}
	if err := pl.Out(); err != nil {
		t.Fatal(err)
	}
	if got := <-served; got != "ended" {
		t.Fatal(got)
	}
	if _, err := os.Lstat(link); !os.IsNotExist(err) || pl.Master() != nil {
		t.Fatalf("after Out: link stat %v, master %v", err, pl.Master())
	}
	if err := pl.Out(); err != nil {
		t.Fatalf("second Out: %v", err)
	}
	if err := pl.In(serve); err != nil {
		t.Fatal(err)
	}
	defer pl.Out()
	// The kernel may hand out the freed pts number again; what matters is
	// that the link leads to the live slave.
	second, err := os.Readlink(link)
	if err != nil || second != pl.pty.SlavePath {
		t.Fatalf("re-plugged: link -> %q (%v), slave is %s", second, err, pl.pty.SlavePath)
	}
	if _, err := os.Stat(link); err != nil {
		t.Fatalf("re-plugged link does not resolve: %v", err)
	}
}
