// Package render draws decoded ESC/POS tickets (escpos.Decode) the way a
// thermal printer puts them on paper: a 576-dot-wide PNG for 80 mm paper,
// characters in the printer's 12×24 / 24×24 cells times the GS !
// magnification with the bundled CJK font, alignment, emphasis, underline
// and reverse honoured, QR codes drawn scannably with a quiet zone,
// CODE128 bars with their digits, raster images. Capture does the whole
// job for `kiosk diag render-escpos` and the printer simulator: text, and
// one PNG per ticket. Byte-level references are in
// docs/protocols.md, section B.
package render
