package diag

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
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

// ---- ID reader (SAM_V, protocols.md A.2–A.4) ----

// samHeader is preamble (5) + Len (2); a reply shows SW1 SW2 SW3 after it.
const (
	samHeader   = 7
	samShownOut = samHeader + 3 // + CMD Para CHK: a command carries no data
	samShownIn  = samHeader + 3 // + SW1 SW2 SW3
)

// samNamesZh are the Chinese names of the commands (protocols.md A.3).
var samNamesZh = map[idcard.Command]string{
	idcard.CmdResetSAM:        "复位 SAM",
	idcard.CmdSAMStatus:       "SAM 状态检测",
	idcard.CmdSAMID:           "读 SAM 管理信息",
	idcard.CmdFindCard:        "寻找证/卡",
	idcard.CmdSelectCard:      "选取证/卡",
	idcard.CmdReadText:        "读固定信息",
	idcard.CmdReadAddress:     "读追加住址",
	idcard.CmdReadFingerprint: "读固定信息（含指纹）",
}

// cardDataCommands are the commands whose replies carry the card's
// contents (text, photo, fingerprint, address).
func cardDataCommand(c idcard.Command) bool {
	switch c {
	case idcard.CmdReadText, idcard.CmdReadAddress, idcard.CmdReadFingerprint:
		return true
	}
	return false
}

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
			i := indexPreamble(data)
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
			if len(data) < samHeader {
				shown = append(shown, spaced(data[:5]), "…")
				l.Hidden += len(data) - 5
				en, zh = append(en, "frame cut short"), append(zh, "帧不完整")
				data = nil
				break
			}
			ln := int(binary.BigEndian.Uint16(data[5:7]))
			if ln < 3 || ln > idcard.MaxLen {
				shown = append(shown, spaced(data[:samHeader]))
				en = append(en, fmt.Sprintf("impossible length %d", ln))
				zh = append(zh, fmt.Sprintf("长度 %d 不可能", ln))
				data = data[samHeader:]
				continue
			}
			total := samHeader + ln
			avail := min(total, len(data))
			if f.Dir == serial.Out {
				body := data[samHeader:avail]
				show := min(avail, samShownOut)
				shown = append(shown, spaced(data[:show]))
				l.Hidden += avail - show
				if len(body) >= 2 {
					lastCmd = idcard.Command(uint16(body[0])<<8 | uint16(body[1]))
					answered = preAnswered[fi]
					e, z := lastCmd.Name(), samNamesZh[lastCmd]
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
					sw3 := data[samHeader+2]
					sz, se := idcard.StatusText(sw3)
					switch {
					case lastCmd != 0 && !answered:
						cmd, answered = lastCmd, true
					case fi+1 < len(frames) && frames[fi+1].Dir == serial.Out:
						if c := commandOf(frames[fi+1].Data); c != 0 {
							cmd, preAnswered[fi+1] = c, true
						}
					}
					// The reply's shape beats the pairing when they
					// disagree (A.5: each data-bearing reply has its size).
					if c := replyCommand(sw3, ln-4); c != 0 {
						cmd = c
					}
					if cmd != 0 {
						e = fmt.Sprintf("reply to %s, length %d", cmd.Name(), ln)
						if n := samNamesZh[cmd]; n != "" {
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
					if cardDataCommand(cmd) || data >= idcard.TextLen {
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

// commandOf returns the command of a frame that is one SAM_V command, or 0.
func commandOf(b []byte) idcard.Command {
	if len(b) < samShownOut || indexPreamble(b) != 0 || binary.BigEndian.Uint16(b[5:7]) != 3 {
		return 0
	}
	return idcard.Command(uint16(b[7])<<8 | uint16(b[8]))
}

// replyCommand tells a successful reply's command from its data length
// where A.5 gives that command a size of its own; 0 when the size is
// shared or the reply failed.
func replyCommand(sw3 byte, data int) idcard.Command {
	switch {
	case sw3 == idcard.SW3FindOK && data == 4:
		return idcard.CmdFindCard
	case sw3 != idcard.SW3OK:
		return 0
	case data == 8:
		return idcard.CmdSelectCard
	case data == 16:
		return idcard.CmdSAMID
	case data == 70:
		return idcard.CmdReadAddress
	case data == 4+idcard.TextLen+1024:
		return idcard.CmdReadText
	case data > 4+idcard.TextLen+1024:
		return idcard.CmdReadFingerprint
	}
	return 0
}

// indexPreamble finds AA AA AA 96 69 in b, or -1.
func indexPreamble(b []byte) int { return bytes.Index(b, idcard.Preamble[:]) }

// ---- printer (ESC/POS, protocols.md B) ----

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

// ---- scanner (line protocol, protocols.md C.2) ----

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
