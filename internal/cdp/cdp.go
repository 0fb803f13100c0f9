package cdp

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// Options start a browser.
type Options struct {
	// Binary is the browser; empty = "chromium".
	Binary string
	// UserDataDir is the profile directory; required (a test's TempDir).
	UserDataDir string
	// Args are added to the defaults.
	Args []string
}

// Browser is a running headless Chromium.
type Browser struct {
	cmd  *exec.Cmd
	w    *os.File // commands, the browser's fd 3
	r    *os.File // answers and events, the browser's fd 4
	wmu  sync.Mutex
	mu   sync.Mutex
	next int64
	wait map[int64]chan Message
	dead chan struct{}
	err  error // why the reader stopped, set before dead closes
}

// Message is one protocol message: an answer (ID set) or an event (Method).
type Message struct {
	ID        int64           `json:"id,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *Error          `json:"error,omitempty"`
}

// Error is a protocol error answer.
type Error struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("cdp error %d: %s", e.Code, e.Message) }

// Decode parses one message as the browser frames it (without the NUL).
func Decode(b []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(b, &m); err != nil {
		return Message{}, fmt.Errorf("cdp: decode message: %w", err)
	}
	if m.ID == 0 && m.Method == "" {
		return Message{}, errors.New("cdp: message with neither id nor method")
	}
	return m, nil
}

// Start starts the browser. Its rendering flags make screenshots
// repeatable on one machine: no GPU, a fixed scale factor, no hinting or
// subpixel positioning, hidden scrollbars.
func Start(o Options) (*Browser, error) {
	if o.UserDataDir == "" {
		return nil, errors.New("cdp: no user data dir")
	}
	bin := o.Binary
	if bin == "" {
		bin = "chromium"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, fmt.Errorf("cdp: %s not installed (scripts/deps.sh test installs it): %w", bin, err)
	}
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("cdp: pipe: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		cmdR.Close()
		cmdW.Close()
		return nil, fmt.Errorf("cdp: pipe: %w", err)
	}
	args := append([]string{
		"--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
		"--user-data-dir=" + o.UserDataDir, "--no-first-run", "--no-default-browser-check",
		"--hide-scrollbars", "--force-device-scale-factor=1", "--font-render-hinting=none",
		"--disable-font-subpixel-positioning", "--disable-lcd-text", "--force-color-profile=srgb",
		"--disable-extensions", "--disable-background-networking", "--disable-sync",
		"--disable-component-update", "--disable-features=Translate,MediaRouter,OptimizationHints",
		"--autoplay-policy=no-user-gesture-required", "--mute-audio",
	}, o.Args...)
	cmd := exec.Command(path, append(args, "about:blank")...)
	cmd.ExtraFiles = []*os.File{cmdR, outW}
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		cmdR.Close()
		cmdW.Close()
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("cdp: start %s: %w", path, err)
	}
	// The child holds its own copies now.
	cmdR.Close()
	outW.Close()
	b := &Browser{cmd: cmd, w: cmdW, r: outR, wait: map[int64]chan Message{}, dead: make(chan struct{})}
	go b.read()
	return b, nil
}

func (b *Browser) read() {
	br := bufio.NewReaderSize(b.r, 1<<20)
	var err error
	for {
		var frame []byte
		if frame, err = br.ReadBytes(0); err != nil {
			break
		}
		m, derr := Decode(frame[:len(frame)-1])
		if derr != nil || m.ID == 0 {
			continue // events are not needed: the tests poll the page
		}
		b.mu.Lock()
		ch := b.wait[m.ID]
		delete(b.wait, m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
	b.err = fmt.Errorf("cdp: browser pipe closed: %w", err)
	close(b.dead)
}

// Call sends a command (to a page's session, or the browser when session
// is empty) and decodes its result into out (may be nil).
func (b *Browser) Call(ctx context.Context, session, method string, params, out any) error {
	if params == nil {
		params = struct{}{}
	}
	p, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("cdp: %s: %w", method, err)
	}
	ch := make(chan Message, 1)
	b.mu.Lock()
	b.next++
	id := b.next
	b.wait[id] = ch
	b.mu.Unlock()
	msg, err := json.Marshal(Message{ID: id, SessionID: session, Method: method, Params: p})
	if err != nil {
		return fmt.Errorf("cdp: %s: %w", method, err)
	}
	b.wmu.Lock()
	_, err = b.w.Write(append(msg, 0))
	b.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("cdp: %s: write: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("cdp: %s: %w", method, m.Error)
		}
		if out != nil {
			if err := json.Unmarshal(m.Result, out); err != nil {
				return fmt.Errorf("cdp: %s: result: %w", method, err)
			}
		}
		return nil
	case <-b.dead:
		return fmt.Errorf("cdp: %s: %w", method, b.err)
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.wait, id)
		b.mu.Unlock()
		return fmt.Errorf("cdp: %s: %w", method, ctx.Err())
	}
}

// Close ends the browser and waits for it.
func (b *Browser) Close() error {
	b.w.Close()
	b.cmd.Process.Kill()
	err := b.cmd.Wait()
	b.r.Close()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return nil // killed, as asked
	}
	return err
}

// Page is one tab.
type Page struct {
	b       *Browser
	target  string
	session string
}

// NewPage opens a blank tab.
func (b *Browser) NewPage(ctx context.Context) (*Page, error) {
	var t struct {
		TargetID string `json:"targetId"`
	}
	if err := b.Call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &t); err != nil {
		return nil, err
	}
	var a struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.Call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": t.TargetID, "flatten": true}, &a); err != nil {
		return nil, err
	}
	p := &Page{b: b, target: t.TargetID, session: a.SessionID}
	for _, m := range []string{"Page.enable", "Runtime.enable", "Network.enable"} {
		if err := p.Call(ctx, m, nil, nil); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Call sends a command to the page's session.
func (p *Page) Call(ctx context.Context, method string, params, out any) error {
	return p.b.Call(ctx, p.session, method, params, out)
}

// Close closes the tab.
func (p *Page) Close(ctx context.Context) error {
	return p.b.Call(ctx, "", "Target.closeTarget", map[string]any{"targetId": p.target}, nil)
}

// SetLanguage sends Accept-Language: lang with every request of the page.
func (p *Page) SetLanguage(ctx context.Context, lang string) error {
	return p.Call(ctx, "Network.setExtraHTTPHeaders", map[string]any{"headers": map[string]string{"Accept-Language": lang}}, nil)
}

// SetViewport sizes the page's viewport in CSS pixels (scale 1), as a
// phone when mobile is set.
func (p *Page) SetViewport(ctx context.Context, width, height int, mobile bool) error {
	return p.Call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}, nil)
}

// AddScript runs src in every document the page loads from now on, before
// the document's own scripts.
func (p *Page) AddScript(ctx context.Context, src string) error {
	return p.Call(ctx, "Page.addScriptToEvaluateOnNewDocument", map[string]any{"source": src}, nil)
}

// Navigate loads url and waits until its document has loaded.
func (p *Page) Navigate(ctx context.Context, url string) error {
	var r struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.Call(ctx, "Page.navigate", map[string]any{"url": url}, &r); err != nil {
		return err
	}
	if r.ErrorText != "" {
		return fmt.Errorf("cdp: navigate %s: %s", url, r.ErrorText)
	}
	return p.WaitFor(ctx, `document.readyState === "complete" && location.href !== "about:blank"`)
}

// Eval evaluates a JavaScript expression (promises awaited) and decodes
// its value into out (may be nil).
func (p *Page) Eval(ctx context.Context, expr string, out any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	err := p.Call(ctx, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &r)
	if err != nil {
		return err
	}
	if r.ExceptionDetails != nil {
		return fmt.Errorf("cdp: eval %q: %s %s", expr, r.ExceptionDetails.Text, r.ExceptionDetails.Exception.Description)
	}
	if out != nil && len(r.Result.Value) > 0 {
		if err := json.Unmarshal(r.Result.Value, out); err != nil {
			return fmt.Errorf("cdp: eval %q: %w", expr, err)
		}
	}
	return nil
}

// WaitFor polls expr until it is true; ctx bounds the wait (a test's
// deadline, not a timed assertion).
func (p *Page) WaitFor(ctx context.Context, expr string) error {
	for {
		var ok bool
		err := p.Eval(ctx, "!!("+expr+")", &ok)
		if err == nil && ok {
			return nil
		}
		select {
		case <-ctx.Done():
			if err == nil {
				err = errors.New("still false")
			}
			return fmt.Errorf("cdp: wait for %s: %w (%w)", expr, ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Text returns the page's visible text.
func (p *Page) Text(ctx context.Context) (string, error) {
	var s string
	err := p.Eval(ctx, "document.body.innerText", &s)
	return s, err
}

// Screenshot returns a PNG of the viewport.
func (p *Page) Screenshot(ctx context.Context) ([]byte, error) {
	var r struct {
		Data string `json:"data"`
	}
	if err := p.Call(ctx, "Page.captureScreenshot", map[string]any{"format": "png"}, &r); err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		return nil, fmt.Errorf("cdp: screenshot: %w", err)
	}
	return b, nil
}
