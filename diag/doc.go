// Package diag is the logic of the kiosk's technician mode, the part a
// technician sent because "the kiosk doesn't print" uses to find out why in
// five minutes, fix it or swap the part, and leave the kiosk running. It has
// no Fyne import: the diagnostics screens in ui/ are a thin layer over it,
// and every function here is tested without a window.
//
// # Entry
//
// Gate checks the technician PIN (argon2id, PHC string in
// config.Diag.PINHash, constant-time comparison). MaxAttempts wrong PINs
// lock entry for LockoutDuration; the count and the lockout survive a reboot
// in a 0600 state file in the data directory. Without a configured hash the
// factory PIN DefaultPIN ("000000") opens a session that may only change the
// PIN (ErrMustChangePIN). To reset a forgotten PIN, empty diag.pin_hash in
// the configuration file.
//
// # Session
//
// Session is an open technician session: it expires after
// config.Diag.IdleMinutes without a touch (on the package's clock, so tests
// advance a fake one), and every action on it is recorded through Auditor —
// offline.Store, whose audit records sync to the back office. Exiting the
// kiosk program is possible only from an open session (ExitProgram).
//
// Its methods, by screen:
//
//   - devices: Devices, Probe, Traffic (masked: no ID card data, no scanned
//     code is ever shown), ResetPaper; DeviceCard is a device card's model;
//   - tests: TestPrint, TestCard (masked card), TestScan, each a TestResult
//     with pass/fail, a summary and the raw reason;
//   - configuration: Ports (Options.Discover, by default serial.Discover,
//     with USB identity), ApplyDevice (test the new port, save, roll back if
//     saving fails), Settings and ApplySettings (bounded and validated,
//     saved atomically or not at all, restart needs reported, audited with
//     old and new values, the token shown as "(set)" and never recorded),
//     ChangePIN; SettingsForm, PortForm and VoiceForm are the settings,
//     configuration and voice pages' models, ApplyDraft and ApplyVoice
//     save the first and the last;
//   - sync: Sync, Requeue, RequeueOne, RequeueAll, ExportDeadLetters,
//     ForceSync, CheckBackOffice (Reachability.Failure);
//   - health: Health (database, disk, clock, version, uptime), Logs;
//     LogFilter and RecentFaults pick what the health page shows;
//   - export: ExportBundle, a zip without personal data, to a folder
//     ExportDirs finds and ExportChoice offers.
//
// Methods run on the caller's goroutine and may block on devices and the
// network; the screens call them off the UI goroutine.
//
// Every method counts as technician activity and pushes the idle expiry
// back. A screen that refreshes itself uses Session.Poll instead: the same
// views (devices, sync, health, logs) without the touch, so a page left
// open still lets the session expire, and with the back-office check of
// the last ProbeMaxAge reused.
//
// # Metrics
//
// Metrics registers the kiosk's metrics for the loopback health endpoint
// (package metrics) and builds its /status document; CountingStore and
// CountingCardReader wrap the flows' store and card reader to count tickets,
// check-ins, print failures and card reads.
package diag
