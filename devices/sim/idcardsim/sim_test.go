package idcardsim

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/devices/idcard"
)

func h(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

func TestLoadProfiles(t *testing.T) {
	ps, err := LoadProfiles()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 7 {
		t.Fatalf("%d profiles", len(ps))
	}
	for _, p := range ps {
		t.Run(p.ID, func(t *testing.T) {
			if len(p.Card.Photo) != 1024 || !bytes.HasPrefix(p.Card.Photo, []byte("WL")) {
				t.Errorf("photo %d bytes, starts % X", len(p.Card.Photo), p.Card.Photo[:4])
			}
			if len(p.Card.Fingerprint) != p.FingerprintBytes {
				t.Errorf("fingerprint %d bytes, want %d", len(p.Card.Fingerprint), p.FingerprintBytes)
			}
			text, err := idcard.EncodeText(&p.Card)
			if err != nil {
				t.Fatal(err)
			}
			c, err := idcard.DecodeText(text)
			if err != nil && !errors.Is(err, idcard.ErrCheckDigit) {
				t.Fatal(err)
			}
			if c.IDNumber != p.Card.IDNumber || c.Name != p.Card.Name || c.Gender != p.Card.Gender || c.Type != p.Card.Type {
				t.Errorf("decoded %+v", c)
			}
		})
	}
}

func TestParseProfilesRejects(t *testing.T) {
	tests := []struct{ name, json string }{
		{"not JSON", `{`},
		{"no id", `[{"card":{"type":"resident"}}]`},
		{"duplicate id", `[{"id":"a","card":{"type":"resident"}},{"id":"a","card":{"type":"resident"}}]`},
		{"fingerprint size", `[{"id":"a","card":{"type":"resident"},"fingerprint_bytes":100}]`},
		{"unknown type", `[{"id":"a","card":{"type":"passport"}}]`},
		{"name too long", `[{"id":"a","card":{"type":"resident","name":"` + strings.Repeat("王", 16) + `"}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseProfiles([]byte(tt.json)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// host is the driver's end of the pty, opened raw (sim.OpenPTY sets raw
// mode on both ends).
type host struct {
	t *testing.T
	f *os.File
}

func open(t *testing.T, path string) *host {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &host{t, f}
}

// ask writes a frame and reads n reply bytes.
func (h *host) ask(frame []byte, n int) []byte {
	h.t.Helper()
	if _, err := h.f.Write(frame); err != nil {
		h.t.Fatal(err)
	}
	got := make([]byte, n)
	h.f.SetReadDeadline(time.Now().Add(10 * time.Second)) // a hang guard only
	if _, err := io.ReadFull(h.f, got); err != nil {
		h.t.Fatalf("reading %d reply bytes: %v", n, err)
	}
	return got
}

// The simulator's replies, byte for byte, for the statuses and payloads of
// docs/protocols.md A.3–A.5.
func TestRepliesOnTheWire(t *testing.T) {
	s, err := Start(Opts{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d := open(t, s.Path())
	wltRead := func(id string) []byte {
		p, _ := s.Profile(id)
		text, _ := idcard.EncodeText(&p.Card)
		return idcard.EncodeReply(0, 0, 0x90, idcard.EncodeRead(idcard.CmdReadText, text, p.Card.Photo, nil))
	}
	steps := []struct {
		name  string
		do    func()
		frame []byte
		want  []byte
	}{
		{"SAM status", nil, idcard.CmdSAMStatus.Frame(), h("AA AA AA 96 69 00 04 00 00 90 94")},
		{"SAM ID", nil, idcard.CmdSAMID.Frame(), idcard.EncodeReply(0, 0, 0x90, DefaultSAMID[:])},
		{"find, no card", nil, idcard.CmdFindCard.Frame(), h("AA AA AA 96 69 00 04 00 00 80 84")},
		{"select, no card", nil, idcard.CmdSelectCard.Frame(), h("AA AA AA 96 69 00 04 00 00 81 85")},
		{"find", func() { s.Place("resident-wangzhe") }, idcard.CmdFindCard.Frame(), h("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")},
		{"select", nil, idcard.CmdSelectCard.Frame(), h("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C")},
		{"read", nil, idcard.CmdReadText.Frame(), wltRead("resident-wangzhe")},
		{"no appended address", nil, idcard.CmdReadAddress.Frame(), h("AA AA AA 96 69 00 04 00 00 91 95")},
		{"set baud 9600", nil, h("AA AA AA 96 69 00 03 60 04 67"), h("AA AA AA 96 69 00 04 00 00 90 94")},
		{"unknown command", nil, h("AA AA AA 96 69 00 03 77 01 75"), h("AA AA AA 96 69 00 04 00 00 21 25")},
		{"bad checksum from the host", nil, h("AA AA AA 96 69 00 03 20 01 23"), h("AA AA AA 96 69 00 04 00 00 10 14")},
		{"pulled mid-read", func() { s.Status41MidRead() }, idcard.CmdReadText.Frame(), h("AA AA AA 96 69 00 04 00 00 41 45")},
		{"gone after the pull", nil, idcard.CmdFindCard.Frame(), h("AA AA AA 96 69 00 04 00 00 80 84")},
		{"SAM self-test failed", func() { s.SetSAMSelfTestFailed(true) }, idcard.CmdFindCard.Frame(), h("AA AA AA 96 69 00 04 00 00 60 64")},
		{"reset answers anyway", nil, idcard.CmdResetSAM.Frame(), h("AA AA AA 96 69 00 04 00 00 90 94")},
		{"noise then reply", func() { s.SetSAMSelfTestFailed(false); s.Noise([]byte{1, 2, 3}) }, idcard.CmdSAMStatus.Frame(), h("01 02 03 AA AA AA 96 69 00 04 00 00 90 94")},
		{"corrupted", func() { s.BadChecksum(1) }, idcard.CmdSAMStatus.Frame(), h("AA AA AA 96 69 00 04 00 00 90 CE")},
		{"truncated", func() { s.Truncate(1) }, idcard.CmdSAMStatus.Frame(), h("AA AA AA 96 69")},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.do != nil {
				st.do()
			}
			if got := d.ask(st.frame, len(st.want)); !bytes.Equal(got, st.want) {
				t.Fatalf("reply\n got % .40X\nwant % .40X", got, st.want)
			}
		})
	}
	if s.Baud() != 9600 {
		t.Errorf("baud %d", s.Baud())
	}
	if n := len(s.Commands()); n != len(steps)-1 { // the bad-checksum frame is no command
		t.Errorf("%d commands logged", n)
	}
}

func TestFingerprintAndAddressReplies(t *testing.T) {
	s, err := Start(Opts{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d := open(t, s.Path())
	for _, tt := range []struct {
		id   string
		size int // 30 10 frame size (A.5)
	}{{"resident-zhaokun", 2321}, {"resident-lixiuying", 1297}} {
		s.Place(tt.id)
		d.ask(idcard.CmdFindCard.Frame(), 15)
		d.ask(idcard.CmdSelectCard.Frame(), 19)
		got := d.ask(idcard.CmdReadFingerprint.Frame(), tt.size)
		var rx idcard.Receiver
		rx.Feed(got)
		f, err := rx.Next()
		if err != nil {
			t.Fatal(err)
		}
		rep, _ := f.Reply()
		c, err := idcard.ParseRead(idcard.CmdReadFingerprint, rep.Data)
		if err != nil || c.Name == "" {
			t.Fatalf("%s: %v", tt.id, err)
		}
	}
	// resident-lixiuying carries an appended address: 81-byte frame (A.5).
	got := d.ask(idcard.CmdReadAddress.Frame(), 81)
	if !bytes.Equal(got[:10], h("AA AA AA 96 69 00 4A 00 00 90")) || idcard.ParseAddress(got[10:80]) != "上海市徐汇区示范路88弄3号201室" {
		t.Fatalf("appended address reply % X", got)
	}
}

// Close unplugs (the link goes, the host reads a hang-up); Restart plugs in
// on a new pty behind the same link.
func TestCloseAndRestartRepointLink(t *testing.T) {
	link := filepath.Join(t.TempDir(), "usb-idreader")
	s, err := Start(Opts{Link: link})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Readlink(link); err != nil {
		t.Fatal(err)
	}
	d := open(t, link)
	d.ask(idcard.CmdSAMStatus.Frame(), 11)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(link); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("link still there: %v", err)
	}
	if _, err := d.f.Read(make([]byte, 1)); err == nil {
		t.Fatal("read on an unplugged reader succeeded")
	}
	s.Place("hkmotw-lin") // state survives the unplug
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Readlink(link); err != nil {
		t.Fatalf("link: %v", err)
	}
	d2 := open(t, link)
	if got := d2.ask(idcard.CmdFindCard.Frame(), 15); got[9] != 0x9F {
		t.Fatalf("find after restart: % X", got)
	}
}
