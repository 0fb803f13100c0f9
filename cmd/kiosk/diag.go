package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"hallkiosk/devices/escpos"
	"hallkiosk/devices/escpos/render"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/scanner"
	"hallkiosk/devices/serial"
)

func diagCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: kiosk diag needs a subcommand: ports, printer, idcard, scanner, decode-idcard, render-escpos", errUsage)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sub, args := args[0], args[1:]
	switch sub {
	case "ports":
		return diagPorts(args, stdout)
	case "printer":
		return diagPrinter(ctx, args, stdout)
	case "idcard":
		return diagIDCard(ctx, args, stdout)
	case "scanner":
		return diagScanner(ctx, args, stdout)
	case "decode-idcard":
		if len(args) > 0 {
			return fmt.Errorf("%w: decode-idcard reads hex on stdin and takes no arguments", errUsage)
		}
		return idcard.DecodeCapture(stdin, stdout)
	case "render-escpos":
		return diagRender(args, stdout, stderr)
	}
	return fmt.Errorf("%w: unknown diag subcommand %q", errUsage, sub)
}

func diagPorts(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: diag ports takes no arguments", errUsage)
	}
	ports, err := serial.Discover()
	if err != nil {
		return fmt.Errorf("list ports: %w", err)
	}
	if len(ports) == 0 {
		fmt.Fprintln(stdout, "no serial ports found (is the USB adapter plugged in? is the user in the dialout group?)")
		return nil
	}
	for _, p := range ports {
		fmt.Fprintln(stdout, p.String())
	}
	return nil
}

// portFlags are the flags every device test shares.
type portFlags struct {
	port string
	baud int
}

func openPort(name string, pf portFlags) (*serial.Port, error) {
	if pf.port == "" {
		return nil, fmt.Errorf("%w: --port is required (see kiosk diag ports)", errUsage)
	}
	p, err := serial.Open(serial.Config{Name: name, Path: pf.port, Baud: pf.baud})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func diagPrinter(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("diag printer", stdout)
	var pf portFlags
	fs.StringVar(&pf.port, "port", "", "printer serial port")
	fs.IntVar(&pf.baud, "baud", 9600, "baud rate")
	test := fs.Bool("test-ticket", false, "print a test ticket (Chinese text, QR, barcode, cut)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	port, err := openPort("printer", pf)
	if err != nil {
		return err
	}
	defer port.Close()
	p := escpos.NewPrinter(port, escpos.Opts{})
	st, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("printer on %s at %d baud: %w", pf.port, pf.baud, err)
	}
	fmt.Fprintf(stdout, "printer %s @ %d: status bytes %02X %02X %02X %02X\n", pf.port, pf.baud, st.Raw[0], st.Raw[1], st.Raw[2], st.Raw[3])
	probs := st.Problems()
	if len(probs) == 0 {
		fmt.Fprintln(stdout, "  ready: online, cover closed, paper present, no errors")
	}
	for _, pr := range probs {
		fmt.Fprintln(stdout, "  "+pr)
	}
	if !*test {
		return nil
	}
	if err := p.Print(ctx, escpos.TestTicket(time.Now())); err != nil {
		return fmt.Errorf("test ticket: %w", err)
	}
	fmt.Fprintln(stdout, "test ticket printed: check Chinese text, QR code, barcode and the cut")
	return nil
}

func diagIDCard(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("diag idcard", stdout)
	var pf portFlags
	fs.StringVar(&pf.port, "port", "", "ID card reader serial port")
	fs.IntVar(&pf.baud, "baud", 115200, "baud rate")
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for a card")
	showPII := fs.Bool("show-pii", false, "print the full name, ID number and address")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	port, err := openPort("idcard", pf)
	if err != nil {
		return err
	}
	defer port.Close()
	r := idcard.New(port, idcard.Opts{})
	defer r.Close()
	if err := r.SAMStatus(ctx); err != nil {
		return fmt.Errorf("reader on %s at %d baud: SAM status: %w", pf.port, pf.baud, err)
	}
	id, err := r.SAMID(ctx)
	if err != nil {
		return fmt.Errorf("reader on %s: SAM ID: %w", pf.port, err)
	}
	fmt.Fprintf(stdout, "SAM ok, SAM ID %s (raw %s)\nplace a card on the reader (waiting %s) …\n", id, id.Hex(), *wait)
	wctx, cancel := context.WithTimeout(ctx, *wait)
	defer cancel()
	go r.Run(wctx)
	card, err := r.WaitCard(wctx)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("no card placed within %s", *wait)
		}
		return fmt.Errorf("read card: %w", err)
	}
	out := *card
	if !*showPII {
		out = maskCard(out)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// maskCard hides what a technician does not need to see to know the reader
// works: the ID number keeps its region and last four, names keep their
// first character, the address keeps its first six characters.
func maskCard(c idcard.Card) idcard.Card {
	c.IDNumber = idcard.MaskID(c.IDNumber)
	c.Name = idcard.MaskName(c.Name)
	c.NameEN = idcard.MaskName(c.NameEN)
	c.Address = truncate(c.Address, 6)
	c.AppendedAddress = truncate(c.AppendedAddress, 6)
	c.PassNumber = idcard.MaskID(c.PassNumber)
	c.PreviousIDRef = ""
	c.Photo, c.Fingerprint = nil, nil
	return c
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func diagScanner(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("diag scanner", stdout)
	var pf portFlags
	fs.StringVar(&pf.port, "port", "", "scanner serial port")
	fs.IntVar(&pf.baud, "baud", 9600, "baud rate")
	wait := fs.Duration("wait", 30*time.Second, "how long to wait for a scan")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	port, err := openPort("scanner", pf)
	if err != nil {
		return err
	}
	defer port.Close()
	s := scanner.New(port, scanner.Opts{})
	wctx, cancel := context.WithTimeout(ctx, *wait)
	defer cancel()
	go s.Run(wctx)
	fmt.Fprintf(stdout, "scan a code (waiting %s) …\n", *wait)
	code, err := s.WaitCode(wctx)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			st := s.Status()
			if st.Errors > 0 {
				return fmt.Errorf("no valid code within %s; %d bad scans, last: %s", *wait, st.Errors, st.LastError)
			}
			return fmt.Errorf("no code scanned within %s", *wait)
		}
		return fmt.Errorf("scan: %w", err)
	}
	fmt.Fprintf(stdout, "scanned %d characters: %q\n", len([]rune(code)), code)
	return nil
}

func diagRender(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("diag render-escpos", stdout)
	png := fs.String("png", "", "write the rendered ticket(s) as PNG: OUT-1.png, OUT-2.png … one per ticket")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("%w: render-escpos needs exactly one capture FILE", errUsage)
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return fmt.Errorf("read capture: %w", err)
	}
	if looksHex(data) {
		if b, err := decodeHex(data); err == nil {
			data = b
		}
	}
	res, err := render.Capture(data, stdout, *png)
	if err != nil {
		return fmt.Errorf("render %s: %w", pos[0], err)
	}
	for _, p := range res.Problems {
		fmt.Fprintln(stderr, "kiosk: warning:", oneLine(p))
	}
	for _, p := range res.PNGs {
		fmt.Fprintln(stderr, "wrote", p)
	}
	return nil
}

// looksHex reports whether a capture file is a hex dump (as serial sniffers
// save it) rather than raw bytes: only hex digits and white space.
func looksHex(b []byte) bool {
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return false
	}
	for _, c := range t {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F', c == ' ', c == '\n', c == '\r', c == '\t':
		default:
			return false
		}
	}
	return true
}

func decodeHex(b []byte) ([]byte, error) {
	s := strings.Join(strings.Fields(string(b)), "")
	if len(s)%2 != 0 {
		return nil, errors.New("odd number of hex digits")
	}
	out := make([]byte, len(s)/2)
	for i := range out {
		var v byte
		if _, err := fmt.Sscanf(s[2*i:2*i+2], "%02x", &v); err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
