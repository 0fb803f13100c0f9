package idcard

// CardType says which of the four layouts of the 256-byte text block a card
// uses (docs/protocols.md A.9: the flag at text offset 248).
type CardType string

// Card types, as named in JSON output.
const (
	Resident    CardType = "resident"    // 居民身份证
	Foreign2017 CardType = "foreign2017" // 外国人永久居留身份证 (2017, flag 'I')
	Foreign2023 CardType = "foreign2023" // 外国人永久居留身份证 (2023, flag 'Y')
	HKMOTW      CardType = "hkmotw"      // 港澳台居民居住证 (flag 'J')
)

// Card is what one read of an identity card yields. Fields a card type does
// not carry are empty. Photo and Fingerprint are opaque: the photo is WLT
// (encrypted wavelet), decodable only by the licensed vendor library.
type Card struct {
	Type       CardType `json:"type"`
	Name       string   `json:"name"`              // Chinese name (may be empty on foreign cards)
	NameEN     string   `json:"name_en,omitempty"` // English name (foreign cards)
	Gender     string   `json:"gender"`            // 男, 女, 未知, 未说明
	GenderCode string   `json:"gender_code"`       // GB/T 2261.1: 0, 1, 2, 9
	Nation     string   `json:"nation,omitempty"`  // 汉 … (resident cards)
	NationCode string   `json:"nation_code,omitempty"`
	Birth      string   `json:"birth"` // YYYYMMDD
	Address    string   `json:"address,omitempty"`
	IDNumber   string   `json:"id_number"`
	Authority  string   `json:"authority,omitempty"` // 签发机关
	ValidFrom  string   `json:"valid_from"`          // YYYYMMDD
	ValidUntil string   `json:"valid_until"`         // YYYYMMDD or 长期
	// CheckDigitOK is false when the 18th character of an 18-character ID
	// number disagrees with its GB 11643 check digit.
	CheckDigitOK bool `json:"check_digit_ok"`

	// Foreign permanent resident cards.
	Nationality   string `json:"nationality,omitempty"`     // GB/T 2659 three-letter code
	CardVersion   string `json:"card_version,omitempty"`    // 证件版本号 (2017)
	AgencyCode    string `json:"agency_code,omitempty"`     // 当次申请受理机关代码 (2017)
	RenewalCount  string `json:"renewal_count,omitempty"`   // 换证次数 (2023)
	PreviousIDRef string `json:"previous_id_ref,omitempty"` // 既往版本证件号码关联项 (2023)

	// Hong Kong / Macao / Taiwan residence permits.
	PassNumber string `json:"pass_number,omitempty"` // 通行证号码
	IssueCount string `json:"issue_count,omitempty"` // 签发次数

	AppendedAddress string `json:"appended_address,omitempty"` // 30 03, latest 追加住址

	Photo       []byte `json:"-"`
	Fingerprint []byte `json:"-"`
	// RawText is the 256-byte text block as read (docs/protocols.md A.7), kept
	// so that a character the decoder could not map (a private-use rare
	// name character, an unpaired surrogate shown as U+FFFD) can be looked
	// at later. It is personal data like the rest of the card.
	RawText []byte `json:"-"`
}

// Clear overwrites the card's personal data in memory (names, numbers,
// photo, fingerprint, raw text), for the idle-session wipe
// (docs/offline-sync.md 4.5). Strings cannot be overwritten in Go; they are
// dropped so that the collector can reclaim them.
func (c *Card) Clear() {
	if c == nil {
		return
	}
	for _, b := range [][]byte{c.Photo, c.Fingerprint, c.RawText} {
		clear(b)
	}
	*c = Card{}
}

// MaskID masks an identity number for screens, tickets and logs: the first
// six and last four characters stay (110101********1234), which hides the
// birth date. Shorter numbers keep their first and last character.
func MaskID(id string) string {
	r := []rune(id)
	switch {
	case len(r) >= 15:
		return string(r[:6]) + stars(len(r)-10) + string(r[len(r)-4:])
	case len(r) >= 3:
		return string(r[:1]) + stars(len(r)-2) + string(r[len(r)-1:])
	default:
		return stars(len(r))
	}
}

// MaskName masks a name for screens: 张三 → 张*, 张小三 → 张*三,
// 欧阳小明 → 欧**明; Latin names keep their first letter of each word.
func MaskName(name string) string {
	r := []rune(name)
	switch {
	case len(r) == 0:
		return ""
	case len(r) == 1:
		return "*"
	case len(r) == 2:
		return string(r[:1]) + "*"
	}
	if r[0] < 0x80 {
		out := make([]rune, len(r))
		start := true
		for i, c := range r {
			switch {
			case c == ' ':
				out[i], start = c, true
			case start:
				out[i], start = c, false
			default:
				out[i] = '*'
			}
		}
		return string(out)
	}
	return string(r[:1]) + stars(len(r)-2) + string(r[len(r)-1:])
}

func stars(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '*'
	}
	return string(b)
}
