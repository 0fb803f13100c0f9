package idcard

import (
	"errors"
	"fmt"
)

// SW3 values that mean success (docs/protocols.md A.4).
const (
	SW3OK     byte = 0x90 // 操作成功
	SW3FindOK byte = 0x9F // 寻找证/卡成功
)

// Sentinel errors, one per failure status of A.4. A *StatusError matches
// its sentinel with errors.Is, e.g. errors.Is(err, idcard.ErrNoCard).
var (
	ErrNoContent        = errors.New("idcard: item absent on the card")                 // 91
	ErrHostChecksum     = errors.New("idcard: reader saw a bad checksum from the host") // 10
	ErrHostLength       = errors.New("idcard: reader saw a bad length from the host")   // 11
	ErrBadCommand       = errors.New("idcard: reader rejected the command")             // 21
	ErrUnauthorizedOp   = errors.New("idcard: unauthorized operation")                  // 23
	ErrUnrecognised     = errors.New("idcard: reader reports an unrecognised error")    // 24
	ErrCardAuthSAM      = errors.New("idcard: card failed to authenticate the SAM")     // 31
	ErrSAMAuthCard      = errors.New("idcard: SAM failed to authenticate the card")     // 32
	ErrInfoVerify       = errors.New("idcard: information verification failed")         // 33
	ErrUnknownCardType  = errors.New("idcard: unknown card type")                       // 40
	ErrReadFailed       = errors.New("idcard: reading the card failed")                 // 41
	ErrGetRandom        = errors.New("idcard: get-random failed")                       // 47
	ErrSAMSelfTest      = errors.New("idcard: SAM self-test failed")                    // 60
	ErrSAMNotAuthorised = errors.New("idcard: SAM not authorised")                      // 66
	ErrNoCard           = errors.New("idcard: no card on the reader")                   // 80
	ErrSelectFailed     = errors.New("idcard: selecting the card failed")               // 81
	ErrUnknownStatus    = errors.New("idcard: unknown status")                          // not in A.4
	// ErrReplaceCard matches every status after which the card should be
	// taken off the reader and placed again (A.6: "应移走卡片重新放置"):
	// 31, 32, 41, 47 and 81, typical of a card moved during the read.
	ErrReplaceCard = errors.New("idcard: remove the card and place it again")
)

// statusInfo is one row of A.4.
type statusInfo struct {
	err error
	zh  string // as in the sources
	en  string
}

var statuses = map[byte]statusInfo{
	0x90: {nil, "操作成功", "success"},
	0x9F: {nil, "寻找证/卡成功", "card found"},
	0x91: {ErrNoContent, "证/卡中此项无内容", "item absent on the card (e.g. no appended address)"},
	0x10: {ErrHostChecksum, "接收业务终端数据的校验和错", "the reader received a frame with a bad checksum"},
	0x11: {ErrHostLength, "接收业务终端数据的长度错", "the reader received a frame with a bad length"},
	0x21: {ErrBadCommand, "接收业务终端的命令错误（含数值或逻辑搭配错误）", "bad command or parameters"},
	0x23: {ErrUnauthorizedOp, "越权操作", "unauthorized operation"},
	0x24: {ErrUnrecognised, "无法识别的错误", "unrecognised error"},
	0x31: {ErrCardAuthSAM, "证/卡认证 SAM 失败，请移走卡片重新放置", "the card failed to authenticate the SAM; remove the card and place it again"},
	0x32: {ErrSAMAuthCard, "SAM 认证证/卡失败，请移走卡片重新放置", "the SAM failed to authenticate the card; remove the card and place it again"},
	0x33: {ErrInfoVerify, "信息验证错误", "information verification error"},
	0x40: {ErrUnknownCardType, "无法识别的卡类型", "unknown card type (not an identity card)"},
	0x41: {ErrReadFailed, "读证/卡操作失败，请移走卡片重新放置", "reading the card failed (card moved?); remove the card and place it again"},
	0x47: {ErrGetRandom, "取随机数失败，请移走卡片重新放置", "get-random failed; remove the card and place it again"},
	0x60: {ErrSAMSelfTest, "SAM 自检失败，不能接收命令", "SAM self-test failed; the reader cannot take commands"},
	0x66: {ErrSAMNotAuthorised, "SAM 未经授权", "SAM not authorised"},
	0x80: {ErrNoCard, "寻找证/卡失败（读卡器上无卡）", "no card on the reader"},
	0x81: {ErrSelectFailed, "选取证/卡失败，请移走卡片重新放置", "selecting the card failed; remove the card and place it again"},
}

// StatusText returns the meaning of a SW3 status in Chinese and English
// (A.4). An unknown status gets a generic text naming its value.
func StatusText(sw3 byte) (zh, en string) {
	if s, ok := statuses[sw3]; ok {
		return s.zh, s.en
	}
	return fmt.Sprintf("未知状态 %02X", sw3), fmt.Sprintf("unknown status %02X", sw3)
}

// StatusError is a reply whose SW3 is not the success status of the
// command it answers. Success and failure are decided on SW3 only; SW1 SW2
// forward the card's APDU status and are kept for logs (A.2, A.4).
type StatusError struct {
	Cmd           Command
	SW1, SW2, SW3 byte
}

// Error names the command, the status word and its meaning in English and
// Chinese.
func (e *StatusError) Error() string {
	zh, en := StatusText(e.SW3)
	return fmt.Sprintf("idcard: %s: SW %02X %02X %02X: %s (%s)", e.Cmd.Name(), e.SW1, e.SW2, e.SW3, en, zh)
}

// Zh is the status's meaning in Chinese (A.4).
func (e *StatusError) Zh() string { zh, _ := StatusText(e.SW3); return zh }

// En is the status's meaning in English.
func (e *StatusError) En() string { _, en := StatusText(e.SW3); return en }

// Message returns the meaning in lang: "zh…" gives Chinese, anything else
// English.
func (e *StatusError) Message(lang string) string {
	if len(lang) >= 2 && lang[:2] == "zh" {
		return e.Zh()
	}
	return e.En()
}

// Is matches the sentinel of e's SW3 (ErrNoCard for 80 …), ErrReplaceCard
// for the statuses after which the card should be placed again, and
// ErrUnknownStatus for a SW3 that A.4 does not list.
func (e *StatusError) Is(target error) bool {
	if target == ErrReplaceCard {
		return NeedsReplace(e.SW3)
	}
	s, ok := statuses[e.SW3]
	if !ok {
		return target == ErrUnknownStatus
	}
	return s.err != nil && target == s.err
}

// NeedsReplace reports whether sw3 is a status after which the citizen
// should take the card off the reader and place it again (A.4, A.6).
func NeedsReplace(sw3 byte) bool {
	switch sw3 {
	case 0x31, 0x32, 0x41, 0x47, 0x81:
		return true
	}
	return false
}

// Reply is a reader reply: status word and data (A.2).
type Reply struct {
	SW1, SW2, SW3 byte
	Data          []byte
}

// OK reports whether SW3 is a success status (90 or 9F).
func (r Reply) OK() bool { return r.SW3 == SW3OK || r.SW3 == SW3FindOK }

// Err returns nil when SW3 is cmd's success status, else a *StatusError.
func (r Reply) Err(cmd Command) error {
	if r.SW3 == cmd.SuccessSW3() {
		return nil
	}
	return &StatusError{Cmd: cmd, SW1: r.SW1, SW2: r.SW2, SW3: r.SW3}
}

// Frame encodes the reply as the reader sends it.
func (r Reply) Frame() []byte { return EncodeReply(r.SW1, r.SW2, r.SW3, r.Data) }
