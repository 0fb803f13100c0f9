// Package escpos drives ESC/POS thermal ticket printers: a command builder
// (Chinese text as 2-byte GB18030, QR, CODE128, cut), real-time status (DLE
// EOT), the kiosk's ticket layouts, a paper-roll counter, and a decoder of
// ESC/POS byte streams used by the simulator and the diagnostics. Byte
// layouts cite docs/protocols.md, section B.
//
// Printer is the driver. It talks over any Conn (*serial.Port in the
// kiosk, a pseudo-terminal in tests), asks DLE EOT 1, 2, 4 (and 3) before
// every job and refuses with a *NotReadyError whose causes (ErrPaperEnd,
// ErrCoverOpen, ErrOffline, ErrCutter, ErrUnrecoverable, ErrNotResponding)
// errors.Is tells apart, then checks again after sending. Paper near end is
// a warning (Printer.NearEnd), never a refusal.
//
// Files: builder.go and encode.go build streams, status.go decodes DLE EOT
// replies, printer.go is the driver, layout.go and wrap.go lay out tickets
// and checklists, counter.go counts paper, decode.go and document.go parse
// streams back, code128.go interprets CODE128 data.
package escpos
