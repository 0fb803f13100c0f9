// Package scanner reads QR and bar codes from a serial scanner in line
// mode: the scanner, in sense or continuous mode, sends each code as one
// burst of bytes ending in CR (optionally CR LF), usually at 9600 8N1
// (docs/protocols.md C.2).
//
// The package is two layers. Splitter and Decode are pure: they cut the
// byte stream into lines and turn a line into a code (trimmed, UTF-8 or
// GB18030, no control characters), with a fuzz target. Scanner runs them
// over a Conn (normally a *serial.Port), drops fragments that end in
// silence, lines that are too long and lines that do not decode, counts
// what it dropped, and hands codes to the flows through WaitCode, the
// method of flow.Scanner.
//
// Scanned codes can carry personal data; the scanner keeps none of them
// beyond delivery, and its error messages give lengths, never contents.
package scanner
