// Package logs is the kiosk's structured log (log/slog, JSON lines) in a
// size-rotated file, plus an in-memory tail of recent entries that the
// technician's diagnostics screen shows by level. Callers never log personal
// data; this package does not try to find it after the fact.
package logs
