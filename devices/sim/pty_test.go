package sim

import (
	"bytes"
	"io"
	"os"
	"testing"
)

func TestPTYPassesEveryByteUnchanged(t *testing.T) {
	p, err := OpenPTY()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s, err := os.OpenFile(p.SlavePath, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	go func() { s.Write(all) }()
	got := make([]byte, len(all))
	if _, err := io.ReadFull(p.Master, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, all) {
		t.Fatalf("bytes changed in transit:\n got %x\nwant %x", got, all)
	}
}

// Closing the master must interrupt a Read pending on it: that is how a
// simulator "unplugs" while its serve loop is waiting for a command.
func TestPTYCloseInterruptsRead(t *testing.T) {
	p, err := OpenPTY()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.Master.Read(make([]byte, 16))
		done <- err
	}()
	// The reader may not have started yet; Close works either way.
	p.Close()
	if err := <-done; err == nil {
		t.Fatal("Read after Close returned no error")
	}
}
