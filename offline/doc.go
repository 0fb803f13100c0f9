// Package offline is the kiosk's memory: a SQLite store (WAL,
// synchronous=FULL, one writer) where every transaction is committed together
// with its outbox record before the citizen sees a result, ticket numbering
// that works without the back office, the catalog and appointment caches,
// sealed personal data with retention, and the sync client that delivers the
// outbox to the back office exactly once.
package offline
