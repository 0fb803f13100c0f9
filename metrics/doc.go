// Package metrics is the kiosk's small metrics library: a Registry of
// counters, gauges read at scrape time and histograms, written in the
// Prometheus text exposition format (version 0.0.4) without a client
// library (the format is a few lines of text); Handler, which serves them
// on GET /metrics beside a JSON status document on GET /status; Serve, which
// listens on loopback only; and ParseText, which reads the format back
// (tests).
//
// What the kiosk counts lives in diag (diag/metrics.go): the metric names
// (tickets issued, print failures, card reads, pending and dead-letter
// records, sync latency, device connections …), the hooks that count them
// and the status document. This package knows nothing of tickets or
// devices.
package metrics
