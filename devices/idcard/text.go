package idcard

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// TextLen is the size of the text block of every card type (docs/protocols.md
// A.5, A.7, A.10). Replies carry their own length; this is what the
// layouts are defined over.
const TextLen = 256

// typeFlagOffset is where the card-type flag sits in the text block (A.9).
const typeFlagOffset = 248

// Text decoding errors.
var (
	// ErrCheckDigit: the 18th character of the ID number disagrees with its
	// GB 11643 check digit, or the number is not 17 digits and a check
	// character. The card is still returned, with CheckDigitOK false.
	ErrCheckDigit = errors.New("idcard: ID number fails its check digit")
	// ErrShortText: the text block is shorter than the 256 bytes the
	// layouts need; the fields that were present are decoded.
	ErrShortText = errors.New("idcard: text block too short")
	// ErrFieldTooLong: EncodeText was given a value that does not fit its
	// field.
	ErrFieldTooLong = errors.New("idcard: value too long for its field")
)

// CheckDigitError reports a wrong or impossible ID number. The number
// itself is kept out of the message (masked), since errors reach logs.
type CheckDigitError struct {
	Masked string // MaskID of the number
	Got    string // the 18th character, when there is one
	Want   string // the computed check digit, when the first 17 are digits
	Reason string // why no check digit could be computed, if so
}

// Error describes the mismatch without revealing the number.
func (e *CheckDigitError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%v: %s: %s", ErrCheckDigit, e.Masked, e.Reason)
	}
	return fmt.Sprintf("%v: %s ends in %s, check digit is %s", ErrCheckDigit, e.Masked, e.Got, e.Want)
}

// Unwrap returns ErrCheckDigit.
func (e *CheckDigitError) Unwrap() error { return ErrCheckDigit }

// checkWeights and checkChars are GB 11643's check-digit rule (A.7).
var (
	checkWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	checkChars   = "10X98765432"
)

// CheckDigit computes the GB 11643 check character for the first 17
// characters of id; ok is false when they are not 17 ASCII digits (A.7).
func CheckDigit(id string) (c byte, ok bool) {
	if len(id) < 17 {
		return 0, false
	}
	sum := 0
	for i := range 17 {
		d := id[i]
		if d < '0' || d > '9' {
			return 0, false
		}
		sum += int(d-'0') * checkWeights[i]
	}
	return checkChars[sum%11], true
}

// CheckIDNumber verifies an 18-character ID number (resident, 港澳台 and
// 2023 foreign cards): 17 digits and the right check character. It returns
// nil or a *CheckDigitError.
func CheckIDNumber(id string) error {
	e := &CheckDigitError{Masked: MaskID(id)}
	if len(id) != 18 {
		e.Reason = fmt.Sprintf("%d characters, want 18", len([]rune(id)))
		return e
	}
	want, ok := CheckDigit(id)
	if !ok {
		e.Reason = "the first 17 characters are not all digits"
		return e
	}
	if id[17] != want {
		e.Got, e.Want = string(id[17:]), string(want)
		return e
	}
	return nil
}

// Genders maps GB/T 2261.1 gender codes to their names (A.7).
var Genders = map[string]string{"0": "未知", "1": "男", "2": "女", "9": "未说明"}

// Nations maps GB/T 3304 nation codes to names (A.8).
var Nations = map[string]string{
	"01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝", "08": "壮",
	"09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白", "15": "土家", "16": "哈尼",
	"17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤", "22": "畲", "23": "高山", "24": "拉祜",
	"25": "水", "26": "东乡", "27": "纳西", "28": "景颇", "29": "柯尔克孜", "30": "土", "31": "达斡尔",
	"32": "仫佬", "33": "羌", "34": "布朗", "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌",
	"40": "普米", "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
	"47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春", "53": "赫哲",
	"54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统中国籍人士",
}

// Indefinite is the valid-until value of a card without an end date (A.7).
const Indefinite = "长期"

// span is one field of a text layout: where it is and which Card field it
// fills.
type span struct {
	off, n int
	f      func(*Card) *string
}

func fName(c *Card) *string        { return &c.Name }
func fNameEN(c *Card) *string      { return &c.NameEN }
func fGender(c *Card) *string      { return &c.GenderCode }
func fNation(c *Card) *string      { return &c.NationCode }
func fBirth(c *Card) *string       { return &c.Birth }
func fAddress(c *Card) *string     { return &c.Address }
func fID(c *Card) *string          { return &c.IDNumber }
func fAuthority(c *Card) *string   { return &c.Authority }
func fFrom(c *Card) *string        { return &c.ValidFrom }
func fUntil(c *Card) *string       { return &c.ValidUntil }
func fPass(c *Card) *string        { return &c.PassNumber }
func fIssues(c *Card) *string      { return &c.IssueCount }
func fNationality(c *Card) *string { return &c.Nationality }
func fVersion(c *Card) *string     { return &c.CardVersion }
func fAgency(c *Card) *string      { return &c.AgencyCode }
func fRenewal(c *Card) *string     { return &c.RenewalCount }
func fPrevRef(c *Card) *string     { return &c.PreviousIDRef }

// layouts holds the offsets of A.7 and A.10. The 2023 foreign card's
// English name is split over two fields (52, 70 bytes and 220, 22 bytes)
// and is handled apart; the type flag at 248 is written by EncodeText.
var layouts = map[CardType][]span{
	Resident: { // A.7
		{0, 30, fName}, {30, 2, fGender}, {32, 4, fNation}, {36, 16, fBirth},
		{52, 70, fAddress}, {122, 36, fID}, {158, 30, fAuthority},
		{188, 16, fFrom}, {204, 16, fUntil},
	},
	HKMOTW: { // A.10 J
		{0, 30, fName}, {30, 2, fGender}, {36, 16, fBirth},
		{52, 70, fAddress}, {122, 36, fID}, {158, 30, fAuthority},
		{188, 16, fFrom}, {204, 16, fUntil}, {220, 18, fPass}, {238, 4, fIssues},
	},
	Foreign2017: { // A.10 I
		{0, 120, fNameEN}, {120, 2, fGender}, {122, 30, fID}, {152, 6, fNationality},
		{158, 30, fName}, {188, 16, fFrom}, {204, 16, fUntil}, {220, 16, fBirth},
		{236, 4, fVersion}, {240, 8, fAgency},
	},
	Foreign2023: { // A.10 Y
		{0, 30, fName}, {30, 2, fGender}, {32, 4, fRenewal}, {36, 16, fBirth},
		{122, 36, fID}, {188, 16, fFrom}, {204, 16, fUntil},
		{242, 6, fNationality}, {250, 6, fPrevRef},
	},
}

// The 2023 foreign card's English name: characters 1–35 and 36–46 (A.10 Y).
const (
	yNameOff1, yNameLen1 = 52, 70
	yNameOff2, yNameLen2 = 220, 22
)

// typeFlags are the characters at offset 248 (A.9).
var typeFlags = map[rune]CardType{'I': Foreign2017, 'Y': Foreign2023, 'J': HKMOTW}

// TypeOf tells the card type from the UTF-16LE character at text offset
// 248: 'I', 'Y', 'J', anything else (normally a space) is a resident card
// (A.9).
func TypeOf(text []byte) CardType {
	if len(text) >= typeFlagOffset+2 {
		ch := rune(binary.LittleEndian.Uint16(text[typeFlagOffset:]))
		if t, ok := typeFlags[ch]; ok {
			return t
		}
	}
	return Resident
}

// DecodeText decodes a card's text block (A.7–A.10), dispatching on the
// type flag at offset 248. It always returns a card (never nil) and keeps
// the raw bytes in Card.RawText. The error, when not nil, says what is
// wrong with the card but does not discard it: ErrCheckDigit (through a
// *CheckDigitError; Card.CheckDigitOK is then false) or ErrShortText.
// Both may be joined. A caller that accepts such a card does so knowingly.
func DecodeText(text []byte) (*Card, error) {
	var errs []error
	t := TypeOf(text)
	c := &Card{Type: t, RawText: clone(text)}
	if len(text) < TextLen {
		errs = append(errs, fmt.Errorf("%w: %d bytes, want %d", ErrShortText, len(text), TextLen))
	}
	for _, s := range layouts[t] {
		*s.f(c) = field(sub(text, s.off, s.n))
	}
	if t == Foreign2023 {
		name := append(clone(sub(text, yNameOff1, yNameLen1)), sub(text, yNameOff2, yNameLen2)...)
		c.NameEN = field(name)
	}
	c.Gender = Genders[c.GenderCode]
	if t == Resident {
		c.Nation = Nations[c.NationCode]
	}
	c.CheckDigitOK = true
	if t != Foreign2017 { // the 2017 foreign number (3 letters + 12 digits) has no GB 11643 check digit
		if err := CheckIDNumber(c.IDNumber); err != nil {
			c.CheckDigitOK = false
			errs = append(errs, err)
		}
	}
	return c, errors.Join(errs...)
}

// sub returns text[off:off+n], shortened or empty where text ends early.
func sub(text []byte, off, n int) []byte {
	if off >= len(text) {
		return nil
	}
	return text[off:min(off+n, len(text))]
}

// EncodeText builds the 256-byte text block of c in its type's layout, the
// inverse of DecodeText: UTF-16LE, every field space padded, the type flag
// at 248 (A.7–A.10). GenderCode and NationCode are written; when empty they
// are derived from Gender and Nation. Values too long for their field are
// an error wrapping ErrFieldTooLong. The simulator and the tests use it.
func EncodeText(c *Card) ([]byte, error) {
	spans, ok := layouts[c.Type]
	if !ok {
		return nil, fmt.Errorf("idcard: encode text: unknown card type %q", c.Type)
	}
	cc := *c
	if cc.GenderCode == "" {
		cc.GenderCode = codeOf(Genders, cc.Gender)
	}
	if cc.NationCode == "" && cc.Type == Resident {
		cc.NationCode = codeOf(Nations, cc.Nation)
	}
	b := make([]byte, TextLen)
	if err := putField(b, ""); err != nil { // all spaces
		return nil, err
	}
	for _, s := range spans {
		if err := putField(b[s.off:s.off+s.n], *s.f(&cc)); err != nil {
			return nil, fmt.Errorf("idcard: encode %s text at offset %d: %w", c.Type, s.off, err)
		}
	}
	if cc.Type == Foreign2023 {
		both := make([]byte, yNameLen1+yNameLen2)
		if err := putField(both, cc.NameEN); err != nil {
			return nil, fmt.Errorf("idcard: encode %s English name: %w", c.Type, err)
		}
		copy(b[yNameOff1:yNameOff1+yNameLen1], both[:yNameLen1])
		copy(b[yNameOff2:yNameOff2+yNameLen2], both[yNameLen1:])
	}
	for ch, t := range typeFlags {
		if t == cc.Type {
			binary.LittleEndian.PutUint16(b[typeFlagOffset:], uint16(ch))
		}
	}
	return b, nil
}

func codeOf(m map[string]string, name string) string {
	for k, v := range m {
		if v == name {
			return k
		}
	}
	return ""
}
