package idcard

import (
	"fmt"
)

// Command is a host command: CMD in the high byte, Para in the low byte
// (docs/protocols.md A.3). Its String form, e.g. "2001", is what logs and
// `kiosk diag decode-idcard` print.
type Command uint16

// The commands of A.3. Set-baud commands are made with BaudCommand.
const (
	CmdResetSAM        Command = 0x10FF // 复位 SAM
	CmdSAMStatus       Command = 0x11FF // SAM 状态检测; 60 = self-test failed
	CmdSAMID           Command = 0x12FF // 读 SAM 管理信息: 16 bytes (A.5)
	CmdFindCard        Command = 0x2001 // 寻找证/卡: success is 9F, 80 = no card
	CmdSelectCard      Command = 0x2002 // 选取证/卡
	CmdReadText        Command = 0x3001 // 读固定信息: text + photo (A.5)
	CmdReadAddress     Command = 0x3003 // 读追加住址: 91 = none
	CmdReadFingerprint Command = 0x3010 // 读固定信息 with fingerprint (A.5)
	cmdSetBaud         Command = 0x6000 // + 00..04 (A.3)
)

// bauds lists the rates of the set-baud command in Para order (A.3).
var bauds = [...]int{115200, 57600, 38400, 19200, 9600}

// BaudCommand returns the set-baud command (60 0n) for rate, one of 115200,
// 57600, 38400, 19200 and 9600 (A.1, A.3).
func BaudCommand(rate int) (Command, error) {
	for i, b := range bauds {
		if b == rate {
			return cmdSetBaud | Command(i), nil
		}
	}
	return 0, fmt.Errorf("idcard: baud rate %d not supported by the reader (115200, 57600, 38400, 19200, 9600)", rate)
}

// Baud returns the rate a set-baud command selects, or 0 for any other
// command.
func (c Command) Baud() int {
	if c&0xFF00 == cmdSetBaud && int(c&0xFF) < len(bauds) {
		return bauds[c&0xFF]
	}
	return 0
}

// Known reports whether c is one of the commands of A.3.
func (c Command) Known() bool {
	switch c {
	case CmdResetSAM, CmdSAMStatus, CmdSAMID, CmdFindCard, CmdSelectCard,
		CmdReadText, CmdReadAddress, CmdReadFingerprint:
		return true
	}
	return c.Baud() != 0
}

// String is CMD Para in hex, e.g. "2001".
func (c Command) String() string { return fmt.Sprintf("%04X", uint16(c)) }

// Name is the command's English name for logs.
func (c Command) Name() string {
	switch c {
	case CmdResetSAM:
		return "reset SAM"
	case CmdSAMStatus:
		return "SAM status"
	case CmdSAMID:
		return "read SAM ID"
	case CmdFindCard:
		return "find card"
	case CmdSelectCard:
		return "select card"
	case CmdReadText:
		return "read text and photo"
	case CmdReadAddress:
		return "read appended address"
	case CmdReadFingerprint:
		return "read text, photo and fingerprint"
	}
	if b := c.Baud(); b != 0 {
		return fmt.Sprintf("set baud %d", b)
	}
	return "command " + c.String()
}

// NameZh is the command's name in GA 467's Chinese (docs/protocols.md A.3), or
// "" for a command it does not name.
func (c Command) NameZh() string {
	switch c {
	case CmdResetSAM:
		return "复位 SAM"
	case CmdSAMStatus:
		return "SAM 状态检测"
	case CmdSAMID:
		return "读 SAM 管理信息"
	case CmdFindCard:
		return "寻找证/卡"
	case CmdSelectCard:
		return "选取证/卡"
	case CmdReadText:
		return "读固定信息"
	case CmdReadAddress:
		return "读追加住址"
	case CmdReadFingerprint:
		return "读固定信息（含指纹）"
	}
	return ""
}

// CarriesCardData reports whether c's successful reply carries the card's
// contents (text, photo, fingerprint, address).
func (c Command) CarriesCardData() bool {
	switch c {
	case CmdReadText, CmdReadAddress, CmdReadFingerprint:
		return true
	}
	return false
}

// readTextData is the data of a successful 30 01 reply: the two lengths,
// the text block and the 1024-byte photo (A.5).
const readTextData = 4 + TextLen + 1024

// ReplyCommand tells the command of a reply from its SW3 and its data
// length where A.5 gives that command a size of its own, for a reply whose
// command is not known (it scrolled out of a capture); 0 when the size is
// shared or the reply failed.
func ReplyCommand(sw3 byte, dataLen int) Command {
	switch {
	case sw3 == SW3FindOK && dataLen == 4:
		return CmdFindCard
	case sw3 != SW3OK:
		return 0
	case dataLen == 8:
		return CmdSelectCard
	case dataLen == samIDLen:
		return CmdSAMID
	case dataLen == 70:
		return CmdReadAddress
	case dataLen == readTextData:
		return CmdReadText
	case dataLen > readTextData:
		return CmdReadFingerprint
	}
	return 0
}

// Frame is the command's frame on the wire, e.g. find card =
// AA AA AA 96 69 00 03 20 01 22 (A.2, A.3).
func (c Command) Frame() []byte { return EncodeFrame([]byte{byte(c >> 8), byte(c)}) }

// SuccessSW3 is the SW3 that means success for c: 9F for find card, 90 for
// everything else (A.3, A.4).
func (c Command) SuccessSW3() byte {
	if c == CmdFindCard {
		return SW3FindOK
	}
	return SW3OK
}

// accepts reports whether rep can be the reply to c. The protocol has no
// sequence numbers, so a late reply to an earlier, timed-out command could
// otherwise be taken for this one; a success whose shape belongs to another
// command is recognised and skipped (A.3, A.5). Failure statuses carry no
// data and are always accepted.
func (c Command) accepts(rep Reply) bool {
	switch rep.SW3 {
	case SW3FindOK:
		return c == CmdFindCard
	case SW3OK:
	default:
		return true
	}
	n := len(rep.Data)
	switch c {
	case CmdFindCard:
		return false // find succeeds with 9F, never 90
	case CmdSelectCard:
		return n <= 64 // 8-byte SN; not a text read
	case CmdReadText, CmdReadFingerprint:
		_, err := splitRead(c, rep.Data)
		return err == nil
	case CmdReadAddress:
		return n <= 256 // 70 bytes; not a text read
	case CmdSAMID:
		return n == samIDLen
	}
	return n == 0 // reset, SAM status, set baud: status only
}
