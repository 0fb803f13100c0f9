// Package idcard drives a second-generation resident ID card reader
// (二代证阅读器) over its SAM_V serial protocol: frame codec, commands,
// status words, the four card text layouts, and a reader loop that delivers
// each placed card once. Byte layouts cite ../shared/reference/protocols.md,
// section A.
package idcard
