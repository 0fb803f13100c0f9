// Package printersim simulates an ESC/POS ticket printer (a Chinese
// clone in Chinese mode, docs/protocols.md section B) on a pseudo-terminal. It
// answers the real-time status requests DLE EOT 1–4 at once, even in the
// middle of other data as the hardware does (B.1), from a state that tests
// set (paper out, near end, cover open, offline, cutter error, or no reply
// at all for a printer that is switched off); it decodes everything else
// with escpos.Decode, and at each cut renders the ticket to PNG and plain
// text in an output directory and keeps it in memory for tests
// (Tickets, WaitTicket). While the state stops printing (paper out, cover
// open, offline, cutter error) received data waits in the buffer, as in a
// real printer, and prints when the state clears.
package printersim
