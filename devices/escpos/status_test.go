package escpos

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestDecodeStatusWorkedValues decodes every worked value of docs/protocols.md
// B.5 and checks each bit of each status byte.
func TestDecodeStatusWorkedValues(t *testing.T) {
	tests := []struct {
		name string
		n    StatusKind
		b    byte
		want Status // Raw is filled in by the test
		err  error  // of Status.Err
	}{
		{"printer online", StatusPrinter, 0x12, Status{}, nil},
		{"printer offline 1A", StatusPrinter, 0x1A, Status{Offline: true}, ErrOffline},
		{"drawer pin high", StatusPrinter, 0x16, Status{DrawerHigh: true}, nil},
		{"waiting recovery", StatusPrinter, 0x32, Status{WaitingRecovery: true}, nil},
		{"feed button", StatusPrinter, 0x52, Status{FeedButton: true}, nil},
		{"offline cause none", StatusOffline, 0x12, Status{}, nil},
		{"cover open 16", StatusOffline, 0x16, Status{CoverOpen: true}, ErrCoverOpen},
		{"feeding by button", StatusOffline, 0x1A, Status{PaperFeeding: true}, nil},
		{"paper end stop 32", StatusOffline, 0x32, Status{PaperEndStop: true}, ErrPaperEnd},
		{"error occurred", StatusOffline, 0x52, Status{Error: true}, ErrOffline},
		{"cover open, paper end, error", StatusOffline, 0x76, Status{CoverOpen: true, PaperEndStop: true, Error: true}, ErrPaperEnd},
		{"no error", StatusError, 0x12, Status{}, nil},
		{"recoverable error", StatusError, 0x16, Status{RecoverableError: true}, ErrOffline},
		{"autocutter error 1A", StatusError, 0x1A, Status{CutterError: true}, ErrCutter},
		{"unrecoverable", StatusError, 0x32, Status{UnrecoverableError: true}, ErrUnrecoverable},
		{"auto-recoverable", StatusError, 0x52, Status{AutoRecoverableError: true}, ErrOffline},
		{"paper OK 12", StatusPaper, 0x12, Status{}, nil},
		{"near end 1E", StatusPaper, 0x1E, Status{NearEnd: true}, nil},
		{"paper end only 72", StatusPaper, 0x72, Status{PaperEnd: true}, ErrPaperEnd},
		{"paper end and near end 7E", StatusPaper, 0x7E, Status{NearEnd: true, PaperEnd: true}, ErrPaperEnd},
		{"near end, one bit only", StatusPaper, 0x16, Status{NearEnd: true}, nil},
		{"paper end, one bit only", StatusPaper, 0x32, Status{PaperEnd: true}, ErrPaperEnd},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeStatus(tt.n, tt.b)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.Raw[tt.n-1] = tt.b
			if got != want {
				t.Errorf("DecodeStatus(%d, %02X) =\n %+v\nwant\n %+v", tt.n, tt.b, got, want)
			}
			if !got.Known(tt.n) {
				t.Errorf("Known(%d) = false", tt.n)
			}
			err = got.Err()
			if tt.err == nil && err != nil {
				t.Errorf("Err() = %v, want nil", err)
			}
			if tt.err != nil {
				var nre *NotReadyError
				if !errors.Is(err, tt.err) || !errors.As(err, &nre) {
					t.Errorf("Err() = %v, want a *NotReadyError matching %v", err, tt.err)
				}
			}
			if got.String() == "" || got.String() == "status unknown" {
				t.Errorf("String() = %q", got.String())
			}
		})
	}
}

func TestStatusInvalidBytes(t *testing.T) {
	tests := []struct {
		name string
		b    byte
	}{
		{"zero", 0x00},
		{"XON", 0x11},
		{"XOFF", 0x13},
		{"bit 7 set", 0x92},
		{"bit 4 clear", 0x02},
		{"bit 1 clear", 0x10},
		{"bit 0 set", 0x17},
		{"all ones", 0xFF},
		{"ASB first byte form 0xx1xx00", 0x10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ValidStatusByte(tt.b) {
				t.Fatalf("ValidStatusByte(%02X) = true", tt.b)
			}
			for n := StatusPrinter; n <= StatusPaper; n++ {
				s, err := DecodeStatus(n, tt.b)
				if !errors.Is(err, ErrInvalidStatus) {
					t.Errorf("n=%d: err = %v, want ErrInvalidStatus", n, err)
				}
				if s.Known(n) {
					t.Errorf("n=%d: invalid byte recorded", n)
				}
			}
		})
	}
	t.Run("request number out of range", func(t *testing.T) {
		for _, n := range []StatusKind{0, 5, 0xFF} {
			if _, err := DecodeStatus(n, 0x12); err == nil {
				t.Errorf("n=%d accepted", n)
			}
		}
	})
}

func TestStatusEncodeRoundTrip(t *testing.T) {
	for n := StatusPrinter; n <= StatusPaper; n++ {
		for b := 0; b < 256; b++ {
			s, err := DecodeStatus(n, byte(b))
			if err != nil {
				continue
			}
			again, err := DecodeStatus(n, s.Encode(n))
			if err != nil {
				t.Fatalf("n=%d b=%02X: Encode gave an invalid byte: %v", n, b, err)
			}
			again.Raw, s.Raw = [4]byte{}, [4]byte{}
			if again != s {
				t.Fatalf("n=%d b=%02X: %+v re-decodes as %+v", n, b, s, again)
			}
		}
	}
	t.Run("simulator paper out answers 7E", func(t *testing.T) {
		s := Status{PaperEnd: true, NearEnd: true}
		if got := s.Encode(StatusPaper); got != 0x7E {
			t.Errorf("got %02X", got)
		}
	})
}

func TestStatusProblemsAndErr(t *testing.T) {
	var s Status
	for _, r := range []struct {
		n StatusKind
		b byte
	}{{1, 0x1A}, {2, 0x36}, {3, 0x1A}, {4, 0x7E}} {
		if err := s.Apply(r.n, r.b); err != nil {
			t.Fatal(err)
		}
	}
	wantProblems := []string{"paper end", "cover open", "autocutter error", "offline", "paper near end (warning)"}
	if got := s.Problems(); !slices.Equal(got, wantProblems) {
		t.Errorf("Problems() = %q, want %q", got, wantProblems)
	}
	err := s.Err()
	for _, want := range []error{ErrPaperEnd, ErrCoverOpen, ErrCutter} {
		if !errors.Is(err, want) {
			t.Errorf("Err() = %v does not match %v", err, want)
		}
	}
	if errors.Is(err, ErrOffline) {
		t.Errorf("Err() = %v: offline is explained by the causes, not listed", err)
	}
	msg := err.Error()
	for _, part := range []string{"printer not ready", "paper end", "cover open", "DLE EOT 1=1A 2=36 3=1A 4=7E"} {
		if !strings.Contains(msg, part) {
			t.Errorf("message %q lacks %q", msg, part)
		}
	}
	if got := (Status{}).String(); got != "status unknown" {
		t.Errorf("zero Status String() = %q", got)
	}
	ok := Status{}
	for n := StatusPrinter; n <= StatusPaper; n++ {
		ok.Apply(n, 0x12)
	}
	if ok.Err() != nil || len(ok.Problems()) != 0 || !strings.HasPrefix(ok.String(), "ready") {
		t.Errorf("healthy printer: Err %v, Problems %q, String %q", ok.Err(), ok.Problems(), ok.String())
	}
	near := ok
	near.Apply(StatusPaper, 0x1E)
	if near.Err() != nil {
		t.Errorf("near end refused printing: %v", near.Err())
	}
}

// The flag table (what diag shows) and Apply/Encode (what the driver and
// the simulator use) agree: every flag decodes to a status that encodes
// back to the same byte and names at least one problem or field, and the
// flags of a reply cover every bit that is not fixed.
func TestStatusBitDefsMatchDecode(t *testing.T) {
	for n := StatusPrinter; n <= StatusPaper; n++ {
		var all byte
		for _, d := range StatusBitDefs(n) {
			all |= d.Mask
			b := byte(statusFixedValue) | d.Mask
			s, err := DecodeStatus(n, b)
			if err != nil {
				t.Fatalf("DLE EOT %d %q: %v", n, d.Name, err)
			}
			if s == (Status{Raw: s.Raw}) {
				t.Errorf("DLE EOT %d %q (%02X) sets no field", n, d.Name, b)
			}
			if got := s.Encode(n); got != b {
				t.Errorf("DLE EOT %d %q: %02X decodes and encodes as %02X", n, d.Name, b, got)
			}
			if d.NameZh == "" || (d.Severity != "info" && d.Severity != "warning" && d.Severity != "fault") {
				t.Errorf("DLE EOT %d %q: NameZh %q, severity %q", n, d.Name, d.NameZh, d.Severity)
			}
		}
		if want := ^byte(statusFixedMask); all != want {
			t.Errorf("DLE EOT %d: flags cover %08b, want %08b", n, all, want)
		}
	}
	if StatusBitDefs(0) != nil || StatusBitDefs(5) != nil {
		t.Error("flags for a request outside 1..4")
	}
}
