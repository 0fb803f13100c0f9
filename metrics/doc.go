// Package metrics counts what a fleet operator watches — tickets issued,
// print failures, card reads, pending and dead-letter records, sync latency —
// and serves them on a loopback-only endpoint as JSON status and in the
// Prometheus text exposition format (version 0.0.4), without a client
// library: the format is a few lines of text.
package metrics
