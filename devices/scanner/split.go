package scanner

import (
	"bytes"
	"fmt"
)

// Kind says what a Piece of the scanner's byte stream is.
type Kind uint8

// Kinds of Piece.
const (
	// Line is a complete line; Data holds it without its terminator.
	Line Kind = iota + 1
	// Blank is input that carries nothing: an empty or all-blank line, or
	// the LF of a CR LF pair when the terminator is CR.
	Blank
	// TooLong is a line longer than the limit, dropped through its
	// terminator; the next line is read normally (resync).
	TooLong
	// Fragment is a partial line dropped by Flush: bytes followed by
	// silence instead of a terminator.
	Fragment
)

// String names the kind for logs and test output.
func (k Kind) String() string {
	switch k {
	case Line:
		return "line"
	case Blank:
		return "blank"
	case TooLong:
		return "too long"
	case Fragment:
		return "fragment"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Piece is one outcome of splitting. Every input byte belongs to exactly
// one Piece or is still pending in the Splitter.
type Piece struct {
	Kind Kind
	// Data is the line (Line) or the dropped bytes (Fragment); nil for
	// Blank and TooLong. It is valid only during the emit call.
	Data []byte
	// N is how many input bytes the piece accounts for, terminator
	// included.
	N int
}

// Splitter cuts a byte stream into lines. It is pure: no I/O and no time;
// the caller decides when silence has lasted long enough to call Flush.
// The zero value is not usable; use NewSplitter.
type Splitter struct {
	term   []byte
	maxLen int
	// crTerm: the terminator ends in CR, so an LF right after it is
	// swallowed. Scanners configured for CR LF then work with the CR
	// default (docs/protocols.md C.2: "<data><CR> (optionally <CR><LF>)").
	crTerm  bool
	afterCR bool // the last byte consumed ended such a terminator
	buf     []byte
	n       int  // input bytes of the current line consumed so far
	over    bool // the current line passed maxLen: discard to the terminator
}

// NewSplitter returns a splitter for lines ending in term (not empty) of
// at most maxLen bytes (positive).
func NewSplitter(term []byte, maxLen int) *Splitter {
	if len(term) == 0 || maxLen <= 0 {
		panic("scanner: NewSplitter needs a terminator and a positive maxLen")
	}
	return &Splitter{
		term:   bytes.Clone(term),
		maxLen: maxLen,
		crTerm: term[len(term)-1] == '\r',
		buf:    make([]byte, 0, 128),
	}
}

// Feed consumes p and calls emit for every piece it completes, in order.
func (s *Splitter) Feed(p []byte, emit func(Piece)) {
	last := s.term[len(s.term)-1]
	for len(p) > 0 {
		if s.afterCR {
			s.afterCR = false
			if p[0] == '\n' {
				emit(Piece{Kind: Blank, N: 1})
				p = p[1:]
				continue
			}
		}
		i := bytes.IndexByte(p, last)
		if i < 0 {
			s.add(p)
			return
		}
		s.add(p[:i+1])
		p = p[i+1:]
		if bytes.HasSuffix(s.buf, s.term) {
			s.endLine(emit)
		}
	}
}

// add appends a chunk to the current line, switching to discard mode once
// the line cannot fit any more. In discard mode only the last len(term)
// bytes are kept, enough to see a terminator that spans two chunks.
func (s *Splitter) add(chunk []byte) {
	s.n += len(chunk)
	s.buf = append(s.buf, chunk...)
	if len(s.buf) > s.maxLen+len(s.term) {
		s.over = true
	}
	if s.over && len(s.buf) > len(s.term) {
		k := copy(s.buf, s.buf[len(s.buf)-len(s.term):])
		s.buf = s.buf[:k]
	}
}

func (s *Splitter) endLine(emit func(Piece)) {
	content := s.buf[:len(s.buf)-len(s.term)]
	switch {
	case s.over || len(content) > s.maxLen:
		emit(Piece{Kind: TooLong, N: s.n})
	case isBlank(content):
		emit(Piece{Kind: Blank, N: s.n})
	default:
		emit(Piece{Kind: Line, Data: content, N: s.n})
	}
	s.reset()
	s.afterCR = s.crTerm
}

// Flush drops the partial line, if any, as a Fragment (or TooLong, or
// Blank when it is only white space) and calls emit for it.
func (s *Splitter) Flush(emit func(Piece)) {
	if s.n == 0 {
		return
	}
	switch {
	case s.over:
		emit(Piece{Kind: TooLong, N: s.n})
	case isBlank(s.buf):
		emit(Piece{Kind: Blank, N: s.n})
	default:
		emit(Piece{Kind: Fragment, Data: s.buf, N: s.n})
	}
	s.reset()
	s.afterCR = false
}

// Pending returns how many consumed bytes belong to a line not finished yet.
func (s *Splitter) Pending() int { return s.n }

func (s *Splitter) reset() {
	s.buf = s.buf[:0]
	s.n = 0
	s.over = false
}

// trimSet is what Decode trims: spaces, and the tab and line ends that
// scanners are often configured to add as prefix or suffix.
const trimSet = " \t\r\n"

func isBlank(b []byte) bool { return len(bytes.Trim(b, trimSet)) == 0 }
