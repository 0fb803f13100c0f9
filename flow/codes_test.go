package flow

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseTicketNumber(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"A023", "A023", true},
		{" a023 ", "A023", true},
		{"A07-015", "A07-015", true},
		{"ＡＢ１２", "AB12", true}, // full-width from an IME
		{"A 023", "A023", true},
		{"GJJ1234", "GJJ1234", true},
		{"", "", false},
		{"023", "", false},
		{"ABCD1", "", false},
		{"A12345", "", false},
		{"A1-015", "", false},
		{"A07-", "", false},
		{"A023\x00", "", false},
		{strings.Repeat("A", 300), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTicketNumber(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseTicketNumber(%q) = %q, %v", tt.in, got, err)
			}
			if err != nil && !errors.Is(err, ErrBadTicketNumber) {
				t.Errorf("error %v does not wrap ErrBadTicketNumber", err)
			}
		})
	}
}

func TestTicketQR(t *testing.T) {
	ref := TicketRef{Date: "2026-05-14", Number: "A07-015", ServiceID: "sb-01"}
	tests := []struct {
		name, base, payload string
	}{
		{"compact", "", "HK1|2026-05-14|A07-015|sb-01"},
		{"link", "https://zwfw.example.gov.cn/", "https://zwfw.example.gov.cn/t/2026-05-14/A07-015?s=sb-01"},
		{"link with path", "https://example.gov.cn/hall/3", "https://example.gov.cn/hall/3/t/2026-05-14/A07-015?s=sb-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := EncodeTicketQR(tt.base, ref)
			if p != tt.payload {
				t.Errorf("encode = %q, want %q", p, tt.payload)
			}
			got, err := ParseTicketQR(p + "\r\n") // scanners end lines with CR LF
			if err != nil || got != ref {
				t.Errorf("parse = %+v, %v", got, err)
			}
		})
	}
	bad := []string{
		"HK1|2026-05-14", "HK1|2026-13-01|A023", "HK1|2026-05-14|a023", "HK2|2026-05-14|A023",
		"HK1|2026-05-14|A023|bad service", "https://x/t/2026-05-14", "https://x/u/2026-05-14/A023",
		"ftp://x/t/2026-05-14/A023", "HK1|2026-05-14|A023|s|extra", "A023",
	}
	for _, p := range bad {
		if _, err := ParseTicketQR(p); !errors.Is(err, ErrBadTicketQR) {
			t.Errorf("ParseTicketQR(%q) err = %v", p, err)
		}
	}
	// A ticket with a page token: the link opens its page; the query
	// carries the ticket back to a kiosk's scanner.
	withTok := ref
	withTok.Token = "AbCdEfGhIjKlMnOpQr_-09"
	p := EncodeTicketQR("https://zwfw.example.gov.cn/", withTok)
	if want := "https://zwfw.example.gov.cn/t/AbCdEfGhIjKlMnOpQr_-09?d=2026-05-14&n=A07-015&s=sb-01"; p != want {
		t.Errorf("encode with token = %q, want %q", p, want)
	}
	if got, err := ParseTicketQR(p); err != nil || got != withTok {
		t.Errorf("parse with token = %+v, %v", got, err)
	}
	if p := EncodeTicketQR("", withTok); p != "HK1|2026-05-14|A07-015|sb-01" {
		t.Errorf("compact with token = %q: no base, no page", p)
	}
	for _, p := range []string{"https://x/t/AbCdEfGhIjKlMnOpQr_-09", "https://x/t/AbCdEfGhIjKlMnOpQr_-09?d=2026-05-14&n=a1"} {
		if _, err := ParseTicketQR(p); !errors.Is(err, ErrBadTicketQR) {
			t.Errorf("ParseTicketQR(%q) err = %v", p, err)
		}
	}
	// Without a service.
	if got, err := ParseTicketQR("HK1|2026-05-14|A023"); err != nil || got.ServiceID != "" || got.Number != "A023" {
		t.Errorf("no service: %+v %v", got, err)
	}
}

func TestParseTicketInput(t *testing.T) {
	if r, err := ParseTicketInput("HK1|2026-05-14|A023"); err != nil || r.Date != "2026-05-14" {
		t.Errorf("QR: %+v %v", r, err)
	}
	if r, err := ParseTicketInput("a023"); err != nil || r.Date != "" || r.Number != "A023" {
		t.Errorf("typed: %+v %v", r, err)
	}
	if _, err := ParseTicketInput("HK1|bad"); !errors.Is(err, ErrBadTicketNumber) {
		t.Errorf("garbage: %v", err)
	}
}

func TestParsePhone(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"13800138000", "13800138000"},
		{"138 0013 8000", "13800138000"},
		{"138-0013-8000", "13800138000"},
		{"+8613800138000", "13800138000"},
		{"008619912345678", "19912345678"},
		{"8613800138000", "13800138000"},
		{"12800138000", ""}, // 12x is not a mobile range
		{"1380013800", ""},
		{"138001380001", ""},
		{"010-12345678", ""}, // landline
		{"1380013800a", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParsePhone(tt.in)
			if got != tt.want || (err == nil) != (tt.want != "") {
				t.Errorf("ParsePhone(%q) = %q, %v", tt.in, got, err)
			}
		})
	}
}

func TestParseReceiptAndIDTail(t *testing.T) {
	receipts := []struct {
		in, want string
	}{
		{"SB20260514000123", "SB20260514000123"},
		{"2026-gjj-00017", "2026-GJJ-00017"},
		{"ab12", ""},
		{"ABCDEFGH", ""},   // fewer than four digits
		{"-2026-0001", ""}, // leading hyphen
		{"2026--0001", ""},
		{strings.Repeat("1", 33), ""},
	}
	for _, tt := range receipts {
		got, err := ParseReceipt(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ParseReceipt(%q) = %q, %v", tt.in, got, err)
		}
	}
	tails := []struct {
		in, want string
	}{
		{"1234", "1234"}, {"123x", "123X"}, {"12X4", ""}, {"123", ""}, {"12345", ""},
	}
	for _, tt := range tails {
		got, err := ParseIDLast4(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ParseIDLast4(%q) = %q, %v", tt.in, got, err)
		}
	}
	if IDLast4("11010119900307123x") != "123X" || IDLast4("12") != "" {
		t.Error("IDLast4")
	}
}

func TestParseAppointmentCode(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"26051403", "26051403"},
		{"HKA1|26051403", "26051403"},
		{"https://yy.example.gov.cn/a/26051403", "26051403"},
		{"https://yy.example.gov.cn/checkin?code=ab-1234", "AB-1234"},
		{" yy-2026-0007\r\n", "YY-2026-0007"},
		{"12", ""},
		{"-1234", ""},
		{"https://yy.example.gov.cn/", ""},
		{"A B C", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAppointmentCode(tt.in)
			if got != tt.want || (err == nil) != (tt.want != "") {
				t.Errorf("ParseAppointmentCode(%q) = %q, %v", tt.in, got, err)
			}
		})
	}
}

// The fuzz targets check what every parser promises: no panic, a bounded
// canonical output that parses to itself, and an error that wraps the
// parser's sentinel.

func FuzzParseTicketQR(f *testing.F) {
	for _, s := range []string{
		"HK1|2026-05-14|A023", "HK1|2026-05-14|A07-015|sb-01",
		"https://zwfw.example.gov.cn/t/2026-05-14/A023?s=sb-01", "https://x/t/2026-02-30/A1",
		"HK1||", "https://%zz/t/a/b", "http://x/t/2026-05-14/A%30%32",
		"https://zwfw.example.gov.cn/t/AbCdEfGhIjKlMnOpQr_-09?d=2026-05-14&n=A07-015&s=sb-01",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := ParseTicketQR(s)
		if err != nil {
			if !errors.Is(err, ErrBadTicketQR) {
				t.Fatalf("error %v does not wrap ErrBadTicketQR", err)
			}
			return
		}
		if !ticketNumberRE.MatchString(ref.Number) || len(ref.Date) != 10 {
			t.Fatalf("accepted %q as %+v", s, ref)
		}
		for _, base := range []string{"", "https://zwfw.example.gov.cn"} {
			want := ref
			if base == "" {
				want.Token = "" // the compact payload links no page
			}
			again, err := ParseTicketQR(EncodeTicketQR(base, ref))
			if err != nil || again != want {
				t.Fatalf("round trip of %+v via %q: %+v, %v", ref, base, again, err)
			}
		}
	})
}

func FuzzParseTicketNumber(f *testing.F) {
	for _, s := range []string{"A023", "a07-015", "ＡＢ１２", "A-1", "", "A\u3000023"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseTicketNumber(s)
		if err != nil {
			if !errors.Is(err, ErrBadTicketNumber) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if again, err := ParseTicketNumber(n); err != nil || again != n {
			t.Fatalf("not canonical: %q → %q → %q, %v", s, n, again, err)
		}
		if len(n) > 10 || !utf8.ValidString(n) {
			t.Fatalf("accepted %q", n)
		}
	})
}

func FuzzParseReceipt(f *testing.F) {
	for _, s := range []string{"SB20260514000123", "2026-gjj-00017", "--", "１２３４５６"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseReceipt(s)
		if err != nil {
			if !errors.Is(err, ErrBadReceipt) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if again, err := ParseReceipt(n); err != nil || again != n || len(n) > 32 {
			t.Fatalf("not canonical: %q → %q → %q, %v", s, n, again, err)
		}
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"13800138000", "+86 138-0013-8000", "0086", "86", "1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParsePhone(s)
		if err != nil {
			if !errors.Is(err, ErrBadPhone) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if !mobileRE.MatchString(n) {
			t.Fatalf("accepted %q as %q", s, n)
		}
		if again, err := ParsePhone(n); err != nil || again != n {
			t.Fatalf("not canonical: %q", n)
		}
	})
}

func FuzzParseIDLast4(f *testing.F) {
	for _, s := range []string{"1234", "123x", "X123", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseIDLast4(s)
		if err != nil {
			if !errors.Is(err, ErrBadIDLast4) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(n) != 4 || !idLast4RE.MatchString(n) {
			t.Fatalf("accepted %q as %q", s, n)
		}
	})
}

func FuzzParseAppointmentCode(f *testing.F) {
	for _, s := range []string{"26051403", "HKA1|x", "https://a/b?code=c", "http://%41", "https:///"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseAppointmentCode(s)
		if err != nil {
			if !errors.Is(err, ErrBadCode) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if again, err := ParseAppointmentCode(n); err != nil || again != n {
			t.Fatalf("not canonical: %q → %q → %q, %v", s, n, again, err)
		}
	})
}
