// Package voice speaks the kiosk's prompts: a screen names its prompt, one
// player speaks it. What can be spoken is fixed when the kiosk is built:
//
//   - a prompt per citizen screen (Prompt), a failure per flow reason code
//     (Failure), and the call of a ticket: its number and its windows (Call);
//   - every word comes from a clip made at build time by the espeak-ng speech
//     engine (voices cmn-latn-pinyin and en) from the citizen translations in
//     assets/i18n (keys voice.*, reason.*), plus the letters A–Z. Script
//     lists them, Generate makes them, `make clips` runs it;
//   - the API takes prompt constants, reason codes that only select a clip,
//     a parsed Ticket (one or two letters and at most six digits) and
//     window numbers (1–99). There is no way to hand it free text, so a name,
//     an ID number (18 characters) or a phone number (11 digits) cannot be
//     spoken: no clip holds them and nothing synthesises speech at run time.
//
// Ticket numbers are read digit by digit (A023 → A 零 二 三 号), the way a
// hall's caller reads what is printed on the ticket, leading zeros
// included; window numbers are read as numbers (12 → 十二号窗口), the way
// the window's sign is said. See docs/voice.md.
//
// Playback goes through ALSA with aplay, one process per utterance
// (Player). A kiosk without a sound card keeps working; Player.Status says
// why it is silent, for technician mode.
package voice
