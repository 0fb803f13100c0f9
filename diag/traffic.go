package diag

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"hallkiosk/devices"
	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
	"hallkiosk/devices/scanner"
	"hallkiosk/devices/serial"
)

// TrafficLine is one frame on a device's wire as the technician sees it:
// the bytes that are safe to show in hex and what they mean. Personal data
// never gets here: the data of ID reader replies (names, numbers, photos)
// and scanned codes are counted in Hidden, not shown.
type TrafficLine struct {
	At  time.Time `json:"at"`
	Out bool      `json:"out"` // kiosk → device
	// Arrow is "→" (to the device) or "←" (from it).
	Arrow string `json:"arrow"`
	// Len is the frame's length on the wire.
	Len int `json:"len"`
	// Hex is the part of the frame that may be shown, in spaced hex;
	// "…" marks where hidden bytes were.
	Hex string `json:"hex,omitempty"`
	// Hidden counts the bytes not shown.
	Hidden int `json:"hidden,omitempty"`
	// Meaning explains the frame in English, MeaningZh in Chinese where
	// the protocol has Chinese names (the ID reader's statuses).
	Meaning   string `json:"meaning"`
	MeaningZh string `json:"meaning_zh,omitempty"`
}

// DecodeTraffic turns a device's traffic tap (serial.Frame, oldest first)
// into masked, explained lines. It is pure, so the diagnostics screen, the
// bundle and the fuzz target use the same masking.
func DecodeTraffic(k devices.Kind, frames []serial.Frame) []TrafficLine {
	switch k {
	case devices.IDCard:
		return decodeIDCardTraffic(frames)
	case devices.Printer:
		return decodePrinterTraffic(frames)
	case devices.Scanner:
		return decodeScannerTraffic(frames)
	}
	out := make([]TrafficLine, 0, len(frames))
	for _, f := range frames {
		l := newLine(f)
		l.Hidden, l.Meaning = f.Len, fmt.Sprintf("%d bytes (unknown device, content hidden)", f.Len)
		out = append(out, l)
	}
	return out
}

func newLine(f serial.Frame) TrafficLine {
	return TrafficLine{At: f.At, Out: f.Dir == serial.Out, Arrow: f.Dir.Arrow(), Len: f.Len}
}

// spaced formats b as "AA AA AA 96 69".
func spaced(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	h := hex.EncodeToString(b)
	var sb strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strings.ToUpper(h[i : i+2]))
	}
	return sb.String()
}

// ---- ID reader (SAM_V, docs/protocols.md A.2–A.4) ----

// What of a frame may be shown (the frame's layout is idcard's): a command
// in full, CMD Para CHK after the header, for it carries no data; of a
// reply, SW1 SW2 SW3 after the header.
const (
	samShownOut = idcard.HeaderLen + 3
	samShownIn  = idcard.HeaderLen + 3
)

// decodeIDCardTraffic shows commands in full (they carry no data) and of
// each reply only the preamble, the length and SW1 SW2 SW3. Everything else
// that arrives from the reader — reply data, checksums, the rest of a reply
// split over several bursts, bytes outside any frame — is hidden: the card's
// text block is UTF-16LE names and numbers, and the photo is the holder's.
// A reply's declared length is trusted for skipping, so no byte inside a
// reply's data is ever taken for the start of a frame and shown.
func decodeIDCardTraffic(frames []serial.Frame) []TrafficLine {
	out := make([]TrafficLine, 0, len(frames))
	// The protocol is strictly one command, one reply (A.6). lastCmd is the
	// latest command and answered says whether a reply was matched to it.
	var lastCmd idcard.Command
	var answered bool
	// preAnswered marks a command frame whose reply was met first: the tap
	// records a write once it returns, so a fast reader's reply (read by
	// another goroutine meanwhile) can come before its command in the tap.
	preAnswered := map[int]bool{}
	var pendingIn int // bytes of a reply that continue in the next bursts
	for fi, f := range frames {
		l := newLine(f)
		var shown []string
		var zh, en []string
		data := f.Data
		hiddenTail := f.Len - len(data) // truncated by the tap: never seen
		if f.Dir == serial.In && pendingIn > 0 {
			n := min(pendingIn, len(data))
			pendingIn -= n
			data = data[n:]
			l.Hidden += n
			en = append(en, fmt.Sprintf("… %d more bytes of the reply hidden", n))
			zh = append(zh, fmt.Sprintf("…应答其余 %d 字节已隐藏", n))
			shown = append(shown, "…")
		}
		for len(data) > 0 {
			i := idcard.IndexPreamble(data)
			if i != 0 {
				n := i
				if i < 0 {
					n = len(data)
				}
				if f.Dir == serial.Out {
					shown = append(shown, spaced(data[:min(n, 32)]))
					l.Hidden += max(n-32, 0)
				} else {
					shown = append(shown, "…")
					l.Hidden += n
				}
				en = append(en, fmt.Sprintf("%d bytes outside a frame", n))
				zh = append(zh, fmt.Sprintf("%d 字节不属于任何帧", n))
				data = data[n:]
				continue
			}
			ln, err := idcard.HeaderLength(data)
			if errors.Is(err, idcard.ErrNeedMore) {
				shown = append(shown, spaced(data[:len(idcard.Preamble)]), "…")
				l.Hidden += len(data) - len(idcard.Preamble)
				en, zh = append(en, "frame cut short"), append(zh, "帧不完整")
				data = nil
				break
			}
			if err != nil {
				shown = append(shown, spaced(data[:idcard.HeaderLen]))
				en = append(en, fmt.Sprintf("impossible length %d", ln))
				zh = append(zh, fmt.Sprintf("长度 %d 不可能", ln))
				data = data[idcard.HeaderLen:]
				continue
			}
			total := idcard.HeaderLen + ln
			avail := min(total, len(data))
			if f.Dir == serial.Out {
				body := data[idcard.HeaderLen:avail]
				show := min(avail, samShownOut)
				shown = append(shown, spaced(data[:show]))
				l.Hidden += avail - show
				if len(body) >= 2 {
					lastCmd = idcard.Frame{Body: body}.Command()
					answered = preAnswered[fi]
					e, z := lastCmd.Name(), lastCmd.NameZh()
					if z == "" {
						z = "未知命令"
					}
					e = fmt.Sprintf("%s (%s)", e, lastCmd)
					z = fmt.Sprintf("%s（%s）", z, lastCmd)
					if ln > 3 {
						e += fmt.Sprintf(", %d unexpected data bytes hidden", ln-3)
						z += fmt.Sprintf("，%d 字节意外数据已隐藏", ln-3)
					}
					en, zh = append(en, e), append(zh, z)
				}
			} else {
				show := min(avail, samShownIn)
				shown = append(shown, spaced(data[:show]))
				hidden := avail - show
				l.Hidden += hidden
				e, z := fmt.Sprintf("reply, length %d", ln), fmt.Sprintf("应答，长度 %d", ln)
				var cmd idcard.Command
				if show == samShownIn {
					sw3 := data[idcard.HeaderLen+2]
					sz, se := idcard.StatusText(sw3)
					switch {
					case lastCmd != 0 && !answered:
						cmd, answered = lastCmd, true
					case fi+1 < len(frames) && frames[fi+1].Dir == serial.Out:
						if c := idcard.CommandOf(frames[fi+1].Data); c != 0 {
							cmd, preAnswered[fi+1] = c, true
						}
					}
					// The reply's shape beats the pairing when they
					// disagree (A.5: each data-bearing reply has its size).
					if c := idcard.ReplyCommand(sw3, ln-4); c != 0 {
						cmd = c
					}
					if cmd != 0 {
						e = fmt.Sprintf("reply to %s, length %d", cmd.Name(), ln)
						if n := cmd.NameZh(); n != "" {
							z = fmt.Sprintf("%s 的应答，长度 %d", n, ln)
						}
					}
					e += fmt.Sprintf(": SW3 %02X %s", sw3, se)
					z += fmt.Sprintf("：SW3 %02X %s", sw3, sz)
				}
				// The data is hidden whatever the command: only SW1–SW3
				// are needed to tell what went wrong.
				if data := ln - 4; data > 0 {
					what, whatZh := "data", "数据"
					// Without the command (it scrolled out of the tap), a
					// reply of at least a text block's size is a card read.
					if cmd.CarriesCardData() || data >= idcard.TextLen {
						what, whatZh = "card data", "证件数据"
					}
					e += fmt.Sprintf(" … %d bytes of %s hidden", data, what)
					z += fmt.Sprintf(" …%d 字节%s已隐藏", data, whatZh)
				}
				if hidden > 0 || avail < total {
					shown = append(shown, "…")
				}
				en, zh = append(en, e), append(zh, z)
			}
			if avail < total && f.Dir == serial.In {
				pendingIn = total - avail
			}
			data = data[avail:]
		}
		if hiddenTail > 0 {
			l.Hidden += hiddenTail
			if f.Dir == serial.In && pendingIn > 0 {
				// The tap kept only the first MaxFrame bytes of this
				// burst; the reply's rest is gone, not in the next burst.
				pendingIn = max(pendingIn-hiddenTail, 0)
			}
		}
		l.Hex = strings.Join(shown, " ")
		l.Meaning, l.MeaningZh = strings.Join(en, "; "), strings.Join(zh, "；")
		if l.Meaning == "" {
			l.Meaning, l.MeaningZh = "empty", "空"
		}
		out = append(out, l)
	}
	return out
}

// ---- printer (ESC/POS, docs/protocols.md B) ----

// decodePrinterTraffic explains status queries and replies byte by byte
// and summarises print jobs. A job's text is what the ticket says (a masked
// ID at most); it is summarised, not shown: the commands before the first
// text are enough to see the printer was initialised.
func decodePrinterTraffic(frames []serial.Frame) []TrafficLine {
	out := make([]TrafficLine, 0, len(frames))
	var lastQuery escpos.StatusKind
	for _, f := range frames {
		l := newLine(f)
		if f.Dir == serial.Out {
			doc, _ := escpos.Decode(f.Data)
			var queries []escpos.StatusKind
			printable := false
			var texts, qrs, codes, cuts int
			// Only the short set-up commands at the start of a job are
			// shown (ESC @, FS &, ESC a …): up to the first item that
			// carries data (text, QR payload, barcode).
			lead, leading := 0, true
			for _, it := range doc.Items {
				if leading && it.Kind == escpos.KindCommand && it.End-it.Offset <= 4 && it.End <= 16 {
					lead = it.End
				} else {
					leading = false
				}
				switch it.Kind {
				case escpos.KindStatusQuery:
					queries = append(queries, it.Query)
				case escpos.KindText:
					texts++
				case escpos.KindQR:
					qrs++
				case escpos.KindBarcode:
					codes++
				case escpos.KindCut:
					cuts++
				}
				printable = printable || it.Printable()
			}
			if !printable && len(queries) > 0 && texts == 0 {
				var m []string
				for _, q := range queries {
					m = append(m, fmt.Sprintf("status query DLE EOT %d (%s)", q, q))
					lastQuery = q
				}
				l.Hex = spaced(f.Data[:min(len(f.Data), 16)])
				l.Hidden = f.Len - min(len(f.Data), 16)
				l.Meaning = strings.Join(m, "; ")
				out = append(out, l)
				continue
			}
			show := min(lead, len(f.Data))
			l.Hex = spaced(f.Data[:show])
			if f.Len > show {
				l.Hex += " …"
			}
			l.Hidden = f.Len - show
			var parts []string
			if texts > 0 {
				parts = append(parts, fmt.Sprintf("%d text runs", texts))
			}
			if qrs > 0 {
				parts = append(parts, fmt.Sprintf("%d QR", qrs))
			}
			if codes > 0 {
				parts = append(parts, fmt.Sprintf("%d barcode", codes))
			}
			if cuts > 0 {
				parts = append(parts, fmt.Sprintf("%d cut", cuts))
			}
			l.Meaning = fmt.Sprintf("ticket job: %d bytes", f.Len)
			if len(parts) > 0 {
				l.Meaning += " (" + strings.Join(parts, ", ") + ")"
			}
			if len(queries) > 0 {
				lastQuery = queries[len(queries)-1]
			}
			out = append(out, l)
			continue
		}
		// From the printer: status replies, XON/XOFF, noise. None of it is
		// personal; show it all.
		l.Hex = spaced(f.Data)
		l.Hidden = f.Len - len(f.Data)
		var m []string
		for _, b := range f.Data {
			switch {
			case b == 0x11:
				m = append(m, "XON")
			case b == 0x13:
				m = append(m, "XOFF")
			case escpos.ValidStatusByte(b) && lastQuery != 0:
				m = append(m, describeStatusReply(lastQuery, b))
			case escpos.ValidStatusByte(b):
				m = append(m, fmt.Sprintf("status byte %02X (query unknown)", b))
			default:
				m = append(m, fmt.Sprintf("%02X is not a status reply", b))
			}
		}
		l.Meaning = strings.Join(m, "; ")
		out = append(out, l)
	}
	return out
}

// describeStatusReply says what the reply b to DLE EOT n reports.
func describeStatusReply(n escpos.StatusKind, b byte) string {
	var set []string
	for _, bit := range DecodeStatusByte(n, b) {
		if bit.Set {
			set = append(set, bit.Name)
		}
	}
	what := "all clear"
	if len(set) > 0 {
		what = strings.Join(set, ", ")
	}
	return fmt.Sprintf("reply to DLE EOT %d (%s): %s", n, n, what)
}

// ---- scanner (line protocol, docs/protocols.md C.2) ----

// decodeScannerTraffic hides every scanned byte: a code may be an
// appointment number or carry an ID number. It says how long the code was.
// What the kiosk sends (trigger and menu commands) is shown.
func decodeScannerTraffic(frames []serial.Frame) []TrafficLine {
	out := make([]TrafficLine, 0, len(frames))
	for _, f := range frames {
		l := newLine(f)
		if f.Dir == serial.Out {
			l.Hex = spaced(f.Data[:min(len(f.Data), 32)])
			l.Hidden = f.Len - min(len(f.Data), 32)
			l.Meaning = fmt.Sprintf("command to the scanner, %d bytes", f.Len)
			out = append(out, l)
			continue
		}
		l.Hidden = f.Len
		line := strings.TrimRight(string(f.Data), "\r\n")
		switch {
		case f.Truncated:
			l.Meaning = fmt.Sprintf("%d bytes (content hidden)", f.Len)
		case line == "":
			l.Meaning = "line end"
		default:
			code, err := scanner.Decode([]byte(line))
			if err != nil {
				l.Meaning = fmt.Sprintf("%d bytes that are not a valid code (content hidden)", len(line))
			} else {
				l.Meaning = fmt.Sprintf("code of %d characters (content hidden)", len([]rune(code)))
				if len(line) < len(f.Data) {
					l.Meaning += " and its line end"
				}
			}
		}
		out = append(out, l)
	}
	return out
}

// Traffic returns the last frames each way on a device's wire, masked and
// explained (see TrafficLine).
func (s *Session) Traffic(k devices.Kind) ([]TrafficLine, error) {
	if err := s.begin(); err != nil {
		return nil, err
	}
	if s.g.o.Devices == nil {
		return nil, errNoDevices
	}
	return DecodeTraffic(k, s.g.o.Devices.Info(k).Traffic), nil
}
