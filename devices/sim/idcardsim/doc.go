// Package idcardsim simulates a SAM_V second-generation ID card reader on a
// pseudo-terminal. It speaks the same bytes as the hardware
// (docs/protocols.md section A): frames with the
// AA AA AA 96 69 preamble, the commands of A.3, the statuses of A.4 and the
// 1295-byte text+photo replies of A.5, built with the idcard codec. Cards
// come from the fictional people in assets/cards/profiles.json; faults
// (silence, corrupted and truncated replies, noise, a card pulled
// mid-read, unplug and re-plug) are injected by method calls so that the
// real driver can be tested against them.
package idcardsim
