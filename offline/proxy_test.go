package offline

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// fault is what the proxy does with one HTTP request.
type fault int

const (
	faultPass   fault = iota // forward, answer
	faultReset               // read the request head, then reset the connection
	faultHang                // read the request, never answer (client times out)
	fault500                 // answer 500 without forwarding
	fault429                 // answer 429 with Retry-After: 1 without forwarding
	faultLost                // forward (the back office commits), then drop the answer
	faultGarble              // forward, then answer 200 with a truncated body
	faultRefuse              // reset, and refuse connections until up() is called
	numFaults
)

func (f fault) String() string {
	return [...]string{"pass", "reset", "hang", "500", "429", "lost", "garble", "refuse"}[f]
}

// faultProxy is a real HTTP/1.1 proxy on loopback between the kiosk's client
// and a real back office. plan decides, per request (numbered from 0), which
// fault to inject. Refusals are real: the listening socket is closed, so the
// client's dial gets ECONNREFUSED until up() reopens the same port.
type faultProxy struct {
	t        testing.TB
	upstream string // host:port of the back office
	addr     string
	plan     func(n int) fault
	tr       *http.Transport
	// seen, when set, receives every fault as it is applied.
	seen chan fault

	mu      sync.Mutex
	ln      net.Listener
	down    bool
	conns   map[net.Conn]struct{}
	n       int
	counts  [numFaults]int
	wg      sync.WaitGroup
	closing bool
}

func newFaultProxy(t testing.TB, upstreamURL string, plan func(n int) fault) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{
		t:        t,
		upstream: strings.TrimPrefix(upstreamURL, "http://"),
		addr:     ln.Addr().String(),
		plan:     plan,
		tr:       &http.Transport{MaxIdleConnsPerHost: 4},
		conns:    map[net.Conn]struct{}{},
	}
	p.serve(ln)
	t.Cleanup(p.close)
	return p
}

// URL is the proxy's base URL for the kiosk's client.
func (p *faultProxy) URL() string { return "http://" + p.addr }

func (p *faultProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.down = false
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if p.closing {
				p.mu.Unlock()
				c.Close()
				return
			}
			p.conns[c] = struct{}{}
			p.mu.Unlock()
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.handle(c)
				p.mu.Lock()
				delete(p.conns, c)
				p.mu.Unlock()
			}()
		}
	}()
}

// goDown closes the listener and every open connection: from now on the
// client's connections are refused.
func (p *faultProxy) goDown() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return
	}
	p.down = true
	p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
}

// up listens again on the same port.
func (p *faultProxy) up() {
	p.mu.Lock()
	if !p.down || p.closing {
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Errorf("proxy: listen again on %s: %v", p.addr, err)
		return
	}
	p.serve(ln)
}

func (p *faultProxy) isDown() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.down
}

func (p *faultProxy) close() {
	p.mu.Lock()
	p.closing = true
	p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	p.tr.CloseIdleConnections()
}

func (p *faultProxy) count(f fault) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts[f]
}

func (p *faultProxy) summary() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var parts []string
	for f := fault(0); f < numFaults; f++ {
		parts = append(parts, fmt.Sprintf("%s=%d", f, p.counts[f]))
	}
	return strings.Join(parts, " ")
}

// reset closes c with SO_LINGER 0, which sends a TCP RST.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	c.Close()
}

func (p *faultProxy) handle(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		p.mu.Lock()
		f := p.plan(p.n)
		p.n++
		p.counts[f]++
		p.mu.Unlock()
		if p.seen != nil {
			p.seen <- f
		}
		switch f {
		case faultReset:
			reset(c)
			return
		case faultRefuse:
			reset(c)
			p.goDown()
			return
		case faultHang:
			io.Copy(io.Discard, req.Body)
			// Wait for the client to give up and close.
			io.Copy(io.Discard, br)
			return
		case fault500, fault429:
			io.Copy(io.Discard, req.Body)
			status, extra := 500, ""
			if f == fault429 {
				status, extra = 429, "Retry-After: 1\r\n"
			}
			body := `{"error":{"code":"injected","message":"fault proxy"}}`
			fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n%s",
				status, http.StatusText(status), extra, len(body), body)
			continue
		}
		resp, body, err := p.forward(req)
		if err != nil {
			reset(c)
			return
		}
		switch f {
		case faultLost:
			// The back office has committed the batch; its answer never
			// arrives. The retry must be answered "duplicate".
			reset(c)
			return
		case faultGarble:
			body = body[:len(body)/2]
			resp.StatusCode = 200
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.TransferEncoding = nil
		resp.Header.Del("Content-Length")
		if err := resp.Write(c); err != nil {
			return
		}
	}
}

func (p *faultProxy) forward(req *http.Request) (*http.Response, []byte, error) {
	out, err := http.NewRequest(req.Method, "http://"+p.upstream+req.URL.RequestURI(), req.Body)
	if err != nil {
		return nil, nil, err
	}
	out.Header = req.Header.Clone()
	out.ContentLength = req.ContentLength
	resp, err := p.tr.RoundTrip(out)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	if len(body) == 0 && resp.StatusCode == 200 {
		return nil, nil, errors.New("empty answer")
	}
	return resp, body, nil
}

// always returns a plan with one fault for every request.
func always(f fault) func(int) fault { return func(int) fault { return f } }
