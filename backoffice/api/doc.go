// Package api holds the wire types of the kiosk ↔ back-office protocol: the
// batched sync of outbox records, the catalog, hall-wide ticket numbering,
// today's appointments and application progress. Both sides import it, so a
// field renamed here is renamed for both, and the JSON names are the contract
// that a fleet of kiosks of different versions depends on: add fields, never
// rename or reuse them.
//
// Endpoints (all JSON, all but /healthz need "Authorization: Bearer <kiosk token>"):
//
//	POST /v1/sync                       SyncRequest → SyncResponse
//	GET  /v1/catalog                    Catalog, with ETag / If-None-Match (304)
//	POST /v1/tickets                    TicketRequest → TicketResponse
//	GET  /v1/queue                      QueueStatus (people waiting per service)
//	GET  /v1/appointments?date=YYYY-MM-DD  AppointmentList, with ETag
//	GET  /v1/progress/{receipt}?id_last4=NNNN  Progress (404 when unknown or not matching)
//	POST /v1/counters/{counter}/call-next  CallResult (counter token of that counter, or admin)
//	GET  /v1/hall-key                   HallKey (the hall's ID-hash key, for fair use)
//	GET  /healthz                       {"status":"ok"}
//
// The catalog (GET /v1/catalog, and assets/catalog/seed.json in the same
// format) gives every citizen-facing string as a Text: {"zh": …, "en": …}
// and, optionally, "keep": the words of either language that no line may
// break inside, such as a window's "20号窗口" and "综合窗口·绿色通道" or a
// service's "社会保障卡" and "申领":
//
//	"name": {"zh": "20号窗口 综合窗口·绿色通道", "en": "Window 20 · General window · priority lane",
//	         "keep": ["20号窗口", "综合窗口·绿色通道", "Window 20", "General window", "priority lane"]}
//
// A kiosk shows the counters of a service one a line, so a window's name is
// one unit; mark the parts of a longer name that must stay together.
//
// The kiosk finds services by pinyin and pinyin initials (SBK for 社保卡),
// derived from each character's most frequent reading. A word whose
// characters are read otherwise (多音字: 调整 tiáo, 银行 háng, 重新 chóng,
// 长期 cháng) is marked once for the whole catalog in "readings", and the
// back office refuses a mark whose syllables are not readings of its
// characters:
//
//	"readings": {"调整": "tiáo zhěng", "银行": "yín háng"}
//
// Errors are ErrorBody with an HTTP status: 400 bad_request, 401 unauthorized,
// 403 forbidden, 404 not_found, 409 conflict, 413 too_large, 500 internal,
// 503 unavailable (with Retry-After). POST /v1/tickets answers 409 with the
// codes closed, cap_reached and already_has_ticket. Personal data asked for
// or sent over plain HTTP from another machine (appointments, progress, the
// hall key, sync, a ticket request with an id_hash) answers 403
// tls_required.
package api
