package escpos

import (
	"errors"
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// CODE128 symbol values used by the ESC/POS escapes of GS k 73 (docs/protocols.md B.2).
const (
	c128FNC3   = 96
	c128FNC2   = 97
	c128Shift  = 98
	c128CodeC  = 99
	c128CodeB  = 100 // also FNC4 in set B
	c128CodeA  = 101 // also FNC4 in set A
	c128FNC1   = 102
	c128StartA = 103
	c128StartB = 104
	c128StartC = 105
)

var errCode128 = errors.New("CODE128 data")

// DecodeCode128 interprets the data of GS k 73 (CODE128): it must begin
// with a code set selection {A, {B or {C; "{" escapes switch sets ({A {B
// {C), shift ({S), give FNC1–4 ({1 … {4) or a literal "{" ({{); in set C
// each byte is a value 0–99 printed as two digits. It returns the
// human-readable text and the symbol values from the start code to the
// check symbol (the stop code is implied).
func DecodeCode128(p []byte) (text string, symbols []int, err error) {
	if len(p) < 2 || p[0] != '{' || p[1] < 'A' || p[1] > 'C' {
		return "", nil, fmt.Errorf("%w must start with {A, {B or {C", errCode128)
	}
	set := p[1]
	symbols = []int{c128StartA + int(set-'A')}
	var sb strings.Builder
	shift := false
	for i := 2; i < len(p); i++ {
		c := p[i]
		cur := set
		if shift {
			cur = 'A' + 'B' - set
		}
		if c == '{' {
			if i+1 >= len(p) {
				return "", nil, fmt.Errorf("%w: lone { at the end", errCode128)
			}
			i++
			e := p[i]
			var v int
			switch {
			case e == 'A' || e == 'B' || e == 'C':
				if shift {
					return "", nil, fmt.Errorf("%w: code set change after shift", errCode128)
				}
				if e == set {
					return "", nil, fmt.Errorf("%w: {%c while already in set %c", errCode128, e, set)
				}
				v = map[byte]int{'A': c128CodeA, 'B': c128CodeB, 'C': c128CodeC}[e]
				symbols = append(symbols, v)
				set = e
				continue
			case e == 'S':
				if set == 'C' || shift {
					return "", nil, fmt.Errorf("%w: shift not allowed here", errCode128)
				}
				symbols = append(symbols, c128Shift)
				shift = true
				continue
			case e == '1':
				v = c128FNC1
			case e == '2' && cur != 'C':
				v = c128FNC2
			case e == '3' && cur != 'C':
				v = c128FNC3
			case e == '4' && cur != 'C':
				v = c128CodeB
				if cur == 'A' {
					v = c128CodeA
				}
			case e == '{' && cur == 'B':
				v = '{' - 32
				sb.WriteByte('{')
			default:
				return "", nil, fmt.Errorf("%w: escape {%c not allowed in set %c", errCode128, e, cur)
			}
			symbols = append(symbols, v)
			shift = false
			continue
		}
		switch cur {
		case 'A':
			switch {
			case c < 0x20:
				symbols = append(symbols, int(c)+64)
			case c < 0x60:
				symbols = append(symbols, int(c)-32)
			default:
				return "", nil, fmt.Errorf("%w: byte %02X not in set A", errCode128, c)
			}
			if c >= 0x20 {
				sb.WriteByte(c)
			}
		case 'B':
			if c < 0x20 || c > 0x7F {
				return "", nil, fmt.Errorf("%w: byte %02X not in set B", errCode128, c)
			}
			symbols = append(symbols, int(c)-32)
			sb.WriteByte(c)
		case 'C':
			if c > 99 {
				return "", nil, fmt.Errorf("%w: value %d not in set C (0–99)", errCode128, c)
			}
			symbols = append(symbols, int(c))
			fmt.Fprintf(&sb, "%02d", c)
		}
		shift = false
	}
	if len(symbols) < 2 {
		return "", nil, fmt.Errorf("%w: no data", errCode128)
	}
	sum := symbols[0]
	for i, v := range symbols[1:] {
		sum += (i + 1) * v
	}
	return sb.String(), append(symbols, sum%103), nil
}

// qrSideModules is the side of the QR symbol in modules, quiet zone
// excluded, as a printer would build it for q.
func qrSideModules(q *QRCode) int {
	if q == nil || len(q.Data) == 0 || len(q.Data) > qrCapacity[LevelL] {
		return 0 // too big for any symbol: the printer prints nothing
	}
	code, err := qrcode.New(string(q.Data), qrRecovery(q.Level))
	if err != nil {
		return 177
	}
	return 17 + 4*code.VersionNumber
}

// qrRecovery maps a GS ( k error level to go-qrcode's recovery level.
func qrRecovery(l QRLevel) qrcode.RecoveryLevel {
	switch l {
	case LevelL:
		return qrcode.Low
	case LevelQ:
		return qrcode.High
	case LevelH:
		return qrcode.Highest
	}
	return qrcode.Medium
}
