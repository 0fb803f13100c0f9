package render

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"hallkiosk/devices/escpos"
)

// CaptureResult tells what Capture found and wrote.
type CaptureResult struct {
	Tickets  int                   // pieces of paper (one per cut, plus an uncut tail that prints)
	PNGs     []string              // files written, in ticket order
	Problems []*escpos.DecodeError // malformed, truncated and unknown commands
}

// Capture does the whole job of `kiosk diag render-escpos FILE [--png OUT]`:
// it decodes an ESC/POS capture, writes each ticket as plain text to
// textOut (nil to skip), with a header per ticket when there are several and
// the decoding problems after the ticket they occur in, and, when pngPath
// is not empty, renders each ticket to PNG: pngPath itself for one ticket,
// NAME-1.png, NAME-2.png … for several. Problems in the data are reported in
// the text and the result, not as an error; the error is for output that
// could not be written.
func Capture(data []byte, textOut io.Writer, pngPath string) (*CaptureResult, error) {
	doc, _ := escpos.Decode(data)
	tickets := doc.Tickets()
	res := &CaptureResult{Tickets: len(tickets), Problems: doc.Problems}
	if textOut != nil {
		if err := writeText(textOut, doc, tickets); err != nil {
			return res, fmt.Errorf("write text: %w", err)
		}
	}
	if pngPath == "" {
		return res, nil
	}
	for i, t := range tickets {
		path := pngPath
		if len(tickets) > 1 {
			ext := filepath.Ext(pngPath)
			path = fmt.Sprintf("%s-%d%s", strings.TrimSuffix(pngPath, ext), i+1, ext)
		}
		if err := WritePNG(path, t); err != nil {
			return res, err
		}
		res.PNGs = append(res.PNGs, path)
	}
	return res, nil
}

func writeText(w io.Writer, doc *escpos.Document, tickets []*escpos.Document) error {
	var sb strings.Builder
	if len(tickets) == 0 {
		sb.WriteString("(nothing printed)\n")
		writeProblems(&sb, doc.Problems)
	}
	for i, t := range tickets {
		if len(tickets) > 1 {
			fmt.Fprintf(&sb, "===== ticket %d of %d =====\n", i+1, len(tickets))
		}
		sb.WriteString(t.Text())
		writeProblems(&sb, t.Problems)
	}
	_, err := io.WriteString(w, sb.String())
	return err
}

func writeProblems(sb *strings.Builder, ps []*escpos.DecodeError) {
	for _, p := range ps {
		fmt.Fprintf(sb, "! %v\n", p)
	}
}

// WritePNG renders one ticket to a PNG file, written to a temporary file
// and renamed so a reader never sees half an image. A ticket cut short at
// the height limit is still written, and ErrTooTall returned.
func WritePNG(path string, doc *escpos.Document) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("render %s: %w", path, err)
	}
	tmp := f.Name()
	rerr := PNG(f, doc)
	if cerr := f.Close(); cerr != nil {
		os.Remove(tmp)
		return fmt.Errorf("render %s: %w", path, cerr)
	}
	if rerr != nil && !errors.Is(rerr, ErrTooTall) {
		os.Remove(tmp)
		return fmt.Errorf("render %s: %w", path, rerr)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("render %s: %w", path, err)
	}
	if rerr != nil {
		return fmt.Errorf("render %s: %w", path, rerr)
	}
	return nil
}
