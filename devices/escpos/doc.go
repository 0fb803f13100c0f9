// Package escpos drives ESC/POS thermal ticket printers: a command builder
// (Chinese text as 2-byte GB18030, QR, CODE128, cut), real-time status (DLE
// EOT), the kiosk's ticket layouts, a paper-roll counter, and a decoder of
// ESC/POS byte streams used by the simulator and the diagnostics. Byte
// layouts cite ../shared/reference/protocols.md, section B.
package escpos
