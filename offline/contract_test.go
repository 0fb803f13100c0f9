package offline_test

import (
	"hallkiosk/flow"
	"hallkiosk/offline"
)

// The store and the client are what cmd/kiosk hands to the flows.
var (
	_ flow.Store      = (*offline.Store)(nil)
	_ flow.BackOffice = (*offline.Client)(nil)
)
