package main

import (
	"io"
	"net"
	"sync"
)

// netSwitch is a loopback TCP relay between the kiosk and the embedded back
// office whose cable the demo's simulator control can pull: while down it
// refuses new connections and cuts the open ones, exactly what the kiosk
// sees when the hall's network fails.
type netSwitch struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]struct{}
}

func newNetSwitch(target string) (*netSwitch, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &netSwitch{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	go s.accept()
	return s, nil
}

func (s *netSwitch) Addr() string { return s.ln.Addr().String() }

// SetUp connects (true) or disconnects (false) the cable.
func (s *netSwitch) SetUp(up bool) {
	s.mu.Lock()
	s.down = !up
	var cut []net.Conn
	if !up {
		for c := range s.conns {
			cut = append(cut, c)
		}
	}
	s.mu.Unlock()
	for _, c := range cut {
		c.Close()
	}
}

// Up reports whether the cable is connected.
func (s *netSwitch) Up() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.down
}

func (s *netSwitch) Close() error { return s.ln.Close() }

func (s *netSwitch) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		down := s.down
		s.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		go s.relay(c)
	}
}

func (s *netSwitch) relay(c net.Conn) {
	u, err := net.Dial("tcp", s.target)
	if err != nil {
		c.Close()
		return
	}
	s.track(c, u)
	var wg sync.WaitGroup
	wg.Add(2)
	pipe := func(dst, src net.Conn) {
		defer wg.Done()
		io.Copy(dst, src)
		dst.Close()
		src.Close()
	}
	go pipe(u, c)
	go pipe(c, u)
	wg.Wait()
	s.untrack(c, u)
}

func (s *netSwitch) track(cs ...net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cs {
		s.conns[c] = struct{}{}
	}
}

func (s *netSwitch) untrack(cs ...net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cs {
		delete(s.conns, c)
	}
}
