package idcard

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNoFrames: a capture held no frame at all.
var ErrNoFrames = errors.New("idcard: no frame found in the capture")

// CaptureFrame is one line of DecodeCapture's output.
type CaptureFrame struct {
	// Dir is "cmd" for a host command (Len 3: CMD Para CHK; no command of
	// A.3 carries data), "reply" for a reader reply (Len ≥ 4: SW1 SW2 SW3
	// …), "unknown" for a broken frame whose length was never seen.
	Dir string `json:"dir"`
	// Cmd is CMD Para in hex. For a reply it is the command it answers,
	// known from the command frame just before it in the capture, and
	// empty when there was none.
	Cmd  string `json:"cmd,omitempty"`
	Name string `json:"name,omitempty"` // the command's name
	Len  int    `json:"len,omitempty"`  // the length field
	// SW is SW1 SW2 SW3 in hex; success is decided on SW3 alone (A.2).
	SW  string `json:"sw,omitempty"`
	SW3 string `json:"sw3,omitempty"`
	// OK: SW3 is the success status of Cmd (9F for find, 90 otherwise),
	// or of any command when Cmd is unknown.
	OK       *bool  `json:"ok,omitempty"`
	Status   string `json:"status,omitempty"`    // SW3's meaning in English (A.4)
	StatusZh string `json:"status_zh,omitempty"` // and in Chinese
	// Error says why the frame is invalid (checksum, truncated, length)
	// or why its data could not be decoded.
	Error string `json:"error,omitempty"`
	// Warning flags a decoded card that is not trustworthy (check digit)
	// or a reply that does not fit the command before it.
	Warning         string `json:"warning,omitempty"`
	Card            *Card  `json:"card,omitempty"`
	PhotoBytes      int    `json:"photo_bytes,omitempty"`
	PhotoWL         bool   `json:"photo_wl,omitempty"` // the photo starts with "WL" (A.11)
	FingerprintLen  int    `json:"fingerprint_bytes,omitempty"`
	AppendedAddress string `json:"appended_address,omitempty"`
	SAMID           string `json:"sam_id,omitempty"`
	SAMIDHex        string `json:"sam_id_hex,omitempty"`
	IIN             string `json:"iin,omitempty"` // find card data (A.3)
	SN              string `json:"sn,omitempty"`  // select card data (A.3)
	// Raw is the frame's bytes in hex, for invalid frames only (the first
	// 64 bytes).
	Raw string `json:"raw,omitempty"`
}

// DecodeCapture reads a hex capture of SAM_V traffic and writes one JSON
// object (a CaptureFrame) per frame, one per line. Bytes are taken from
// tokens separated by white space, commas, semicolons or brackets: a token is hex
// data when it is all hex digits (upper or lower case, after an optional
// 0x) and of even length, so "AA AA AA 96 69", "aaaaaa9669…" and "0xAA,
// 0xAA" all work. Any other token is junk and skipped whole: "RX:",
// "13:02:16.123", "len=4", "card". A hexdump -C style offset (an 8-digit
// first token followed by single bytes) is skipped too. Hex bytes outside
// frames are noise. An invalid frame (bad checksum, truncated, impossible
// length) gives an object with "error" and decoding goes on. The output
// holds the decoded personal data in full: it is a technician's tool for
// their own captures.
func DecodeCapture(r io.Reader, w io.Writer) error {
	d := captureDecoder{enc: json.NewEncoder(w)}
	d.enc.SetEscapeHTML(false)
	br := bufio.NewReader(r)
	for {
		line, rerr := br.ReadString('\n')
		toks := strings.FieldsFunc(line, func(c rune) bool {
			return strings.ContainsRune(" \t\n\r\v\f,;{}[]()", c)
		})
		for i, tok := range toks {
			if i == 0 && len(toks) > 1 && len(tok) == 8 && len(toks[1]) == 2 && isHex(tok) {
				continue // hexdump offset
			}
			b, ok := hexToken(tok)
			if !ok {
				continue
			}
			d.rx.Feed(b)
			if err := d.drain(); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("decode capture: %w", rerr)
		}
	}
	d.rx.End()
	if err := d.drain(); err != nil {
		return err
	}
	if d.n == 0 {
		return ErrNoFrames
	}
	return nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// hexToken decodes a token that is all hex digits (after an optional 0x)
// and of even length.
func hexToken(tok string) ([]byte, bool) {
	if len(tok) > 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X') {
		tok = tok[2:]
	}
	if len(tok) == 0 || len(tok)%2 != 0 || !isHex(tok) {
		return nil, false
	}
	b, err := hex.DecodeString(tok)
	return b, err == nil
}

type captureDecoder struct {
	rx      Receiver
	enc     *json.Encoder
	n       int     // objects written
	pending Command // the last command frame not yet answered
	hasCmd  bool
}

func (d *captureDecoder) drain() error {
	for {
		f, err := d.rx.Next()
		switch {
		case errors.Is(err, ErrNeedMore):
			return nil
		case err != nil:
			if werr := d.writeBad(err); werr != nil {
				return werr
			}
		default:
			if werr := d.write(d.decode(f)); werr != nil {
				return werr
			}
		}
	}
}

func (d *captureDecoder) write(o CaptureFrame) error {
	d.n++
	if err := d.enc.Encode(o); err != nil {
		return fmt.Errorf("decode capture: write: %w", err)
	}
	return nil
}

func (d *captureDecoder) writeBad(err error) error {
	o := CaptureFrame{Dir: "unknown", Error: err.Error()}
	var fe *FrameError
	if errors.As(err, &fe) {
		raw := fe.Raw
		if len(raw) > 64 {
			raw = raw[:64]
		}
		o.Raw = strings.ReplaceAll(spacedHex(raw), " ", "")
		if fe.Len > 0 {
			o.Len = fe.Len
			o.Dir = "reply"
			if fe.Len == minLen {
				o.Dir = "cmd"
			}
		}
	}
	// A broken frame answered (or replaced) whatever command was pending.
	d.hasCmd = false
	return d.write(o)
}

func (d *captureDecoder) decode(f Frame) CaptureFrame {
	o := CaptureFrame{Len: f.Len()}
	if f.IsCommand() {
		c := f.Command()
		o.Dir, o.Cmd, o.Name = "cmd", c.String(), c.Name()
		if !c.Known() {
			o.Warning = "command not in docs/protocols.md A.3"
		}
		d.pending, d.hasCmd = c, true
		return o
	}
	o.Dir = "reply"
	rep, _ := f.Reply() // Len ≥ 4 here: never fails
	cmd, known := d.pending, d.hasCmd
	d.hasCmd = false
	o.SW = fmt.Sprintf("%02X%02X%02X", rep.SW1, rep.SW2, rep.SW3)
	o.SW3 = fmt.Sprintf("%02X", rep.SW3)
	o.StatusZh, o.Status = StatusText(rep.SW3)
	ok := rep.OK()
	if known {
		o.Cmd, o.Name = cmd.String(), cmd.Name()
		ok = rep.SW3 == cmd.SuccessSW3()
		if !cmd.accepts(rep) {
			o.Warning = fmt.Sprintf("reply does not fit command %s (a late reply to an earlier one?)", cmd)
			known = false
		}
	}
	o.OK = &ok
	if !rep.OK() || len(rep.Data) == 0 {
		return o
	}
	if !known {
		// Without its command only a text read is recognisable by shape.
		cmd = 0
		for _, c := range []Command{CmdReadText, CmdReadFingerprint} {
			if _, err := splitRead(c, rep.Data); err == nil {
				cmd = c
			}
		}
	}
	switch cmd {
	case CmdFindCard:
		o.IIN = hex.EncodeToString(rep.Data)
	case CmdSelectCard:
		o.SN = hex.EncodeToString(rep.Data)
	case CmdSAMID:
		if id, err := ParseSAMID(rep.Data); err != nil {
			o.Error = err.Error()
		} else {
			o.SAMID, o.SAMIDHex = id.String(), strings.ReplaceAll(id.Hex(), " ", "")
		}
	case CmdReadAddress:
		o.AppendedAddress = ParseAddress(rep.Data)
	case CmdReadText, CmdReadFingerprint:
		c, err := ParseRead(cmd, rep.Data)
		if c == nil {
			o.Error = err.Error()
			break
		}
		if err != nil {
			o.Warning = err.Error()
		}
		o.Card = c
		o.PhotoBytes = len(c.Photo)
		o.PhotoWL = len(c.Photo) >= 2 && c.Photo[0] == 'W' && c.Photo[1] == 'L'
		o.FingerprintLen = len(c.Fingerprint)
	}
	return o
}
