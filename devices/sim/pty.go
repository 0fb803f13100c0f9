package sim

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// PTY is a pseudo-terminal pair. A simulator reads and writes Master; the
// kiosk opens SlavePath through the serial driver as if it were /dev/ttyUSB0.
type PTY struct {
	Master    *os.File
	SlavePath string
	// keep holds the slave open so that the master does not read EIO
	// between the kiosk's reconnects.
	keep *os.File
}

// OpenPTY creates a pseudo-terminal pair in raw mode. Raw mode is set on the
// master side so that the line discipline never rewrites protocol bytes
// (CR/LF mapping, XON/XOFF, echo) whatever order the two sides open in
// (docs/serial-notes.md).
func OpenPTY() (*PTY, error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/ptmx: %w", err)
	}
	// The ioctls go through SyscallConn, not Fd: Fd would switch the master
	// to blocking mode, and then Close would not interrupt a pending Read,
	// so an "unplugged" simulator would hang until the other side wrote.
	rc, err := m.SyscallConn()
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("pty: %w", err)
	}
	var n int
	var ctlErr error
	err = rc.Control(func(fd uintptr) {
		if ctlErr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ctlErr != nil {
			ctlErr = fmt.Errorf("unlock pty: %w", ctlErr)
			return
		}
		if n, ctlErr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN); ctlErr != nil {
			ctlErr = fmt.Errorf("pty number: %w", ctlErr)
			return
		}
		if ctlErr = makeRaw(int(fd)); ctlErr != nil {
			ctlErr = fmt.Errorf("raw master: %w", ctlErr)
		}
	})
	if err == nil {
		err = ctlErr
	}
	if err != nil {
		m.Close()
		return nil, err
	}
	path := "/dev/pts/" + strconv.Itoa(n)
	s, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	src, err := s.SyscallConn()
	if err == nil {
		err = src.Control(func(fd uintptr) { ctlErr = makeRaw(int(fd)) })
	}
	if err == nil {
		err = ctlErr
	}
	if err != nil {
		s.Close()
		m.Close()
		return nil, fmt.Errorf("raw slave: %w", err)
	}
	return &PTY{Master: m, SlavePath: path, keep: s}, nil
}

// Close closes both ends. A kiosk that has the slave open then reads EOF
// immediately and writes fail with EIO, as when a USB adapter is unplugged.
func (p *PTY) Close() error {
	err := p.Master.Close()
	if p.keep != nil {
		p.keep.Close()
	}
	return err
}

func makeRaw(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON | unix.IXOFF
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

// PointLink makes link a symlink to target, replacing any old link
// atomically (a new link beside it, then rename), as udev re-points
// /dev/serial/by-id/… when an adapter comes back: a driver reopening the
// link never finds it missing while the device is present.
func PointLink(link, target string) error {
	tmp := link + ".new"
	os.Remove(tmp)
	if err := os.Symlink(target, tmp); err != nil {
		return fmt.Errorf("link: %w", err)
	}
	if err := os.Rename(tmp, filepath.Clean(link)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("link: %w", err)
	}
	return nil
}
