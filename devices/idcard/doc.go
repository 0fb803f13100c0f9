// Package idcard drives a second-generation resident ID card reader
// (二代证阅读器) over its SAM_V serial protocol. Byte layouts cite
// docs/protocols.md, section A.
//
// The layers, each usable on its own:
//
//   - Frames (A.2): EncodeFrame, Command.Frame and EncodeReply build frames;
//     Receiver cuts a byte stream into checked frames and resynchronises
//     after noise, a damaged preamble, bad checksums, truncated frames and
//     impossible lengths.
//   - Commands and statuses (A.3, A.4): the Cmd constants, Reply, and
//     *StatusError with Chinese and English meanings; errors.Is matches the
//     sentinels (ErrNoCard, ErrReadFailed, ErrReplaceCard …). Success is
//     decided on SW3 alone.
//   - Payloads and text (A.5, A.7–A.10): ParseRead, ParseSAMID,
//     ParseAddress; DecodeText for the four card layouts (resident, foreign
//     2017 'I', foreign 2023 'Y', Hong Kong/Macao/Taiwan 'J') and its
//     inverse EncodeText; the GB 11643 check digit.
//   - The driver (A.6): Reader, over any Conn with the serial package's
//     error contract. ReadCard reads the card on the reader now; Run polls
//     and hands each placed card once to WaitCard, which is what the flows
//     call; CardPresent and WaitRemoved say whether a card still lies
//     there (the kiosk reminds the citizen to take it), and Forget drops a
//     card read while nobody waited; Status and Opts.OnEvent feed the
//     diagnostics screen.
//   - DecodeCapture turns a hex capture into one JSON object per frame for
//     `kiosk diag decode-idcard`.
//
// Personal data: a Card holds it in full; events, errors and the check-digit
// message carry only masked numbers (MaskID), and Run recognises the card
// on the reader by a salted hash of its number rather than the number.
//
// Wiring, in outline:
//
//	port, err := serial.Open(serial.Config{Name: "idcard", Path: "/dev/serial/by-id/…", Baud: 115200})
//	r := idcard.New(port, idcard.Opts{OnEvent: diagnostics})
//	go r.Run(ctx)
//	card, err := r.WaitCard(ctx) // in the check-in flow
package idcard
