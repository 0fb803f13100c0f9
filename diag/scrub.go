package diag

import "strings"

// What scrub puts in place of a number. Nothing of the number is kept, not
// even the region and last four digits of the on-screen mask: a bundle
// leaves the kiosk.
const (
	IDNumberRemoved = "[id-number removed]"
	PhoneRemoved    = "[phone removed]"
)

// scrub replaces, in text a technician exports or reads off the screen,
// whatever has the shape of a mainland ID number (18 characters: 17 digits
// and a digit or X; or the old 15 digits) or a mobile number (11 digits,
// 1[3-9]…). The kiosk's code never logs these (logs package rule); this is
// the second line of defence for a careless log call or a back-office
// reason that quotes a record. Names have no shape to recognise, which is
// why the first line of defence is the one that counts.
func scrub(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			i++
			continue
		}
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		end := j
		if j-i == 17 && j < len(s) && (s[j] == 'X' || s[j] == 'x') && (j+1 == len(s) || !isAlnum(s[j+1])) {
			end = j + 1
		}
		run := s[i:end]
		var masked string
		switch n := len(run); {
		case n == 18 || n == 15:
			masked = IDNumberRemoved
		case n == 11 && run[0] == '1' && run[1] >= '3' && run[1] <= '9':
			masked = PhoneRemoved
		}
		if masked != "" {
			b.WriteString(s[last:i])
			b.WriteString(masked)
			last = end
		}
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
