// Package synccheck holds what tests of several packages need to see a
// kiosk's records where they end up: synced to the reference back office.
// Only tests import it.
package synccheck

import (
	"context"
	"testing"

	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/offline"
)

// Records syncs store's outbox once and returns the records of kind that
// the back office holds for kioskID: what the kiosk committed and
// delivered.
func Records(tb testing.TB, store *offline.Store, bo *backoffice.Server, kioskID, kind string) []api.Record {
	tb.Helper()
	if _, err := store.SyncOnce(context.Background()); err != nil {
		tb.Fatalf("sync: %v", err)
	}
	recs, err := bo.Records(kioskID)
	if err != nil {
		tb.Fatal(err)
	}
	var out []api.Record
	for _, r := range recs {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}
