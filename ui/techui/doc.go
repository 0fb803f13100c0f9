// Package techui is the technician mode of the hall kiosk on the touch
// screen: the PIN keypad, the forced change of the factory PIN and the
// diagnostics pages (devices, traffic, configuration, settings, voice,
// sync, health, export).
//
// It is a thin Fyne layer over package diag, which holds every rule (PIN
// checks, lockout, idle expiry, masking of personal data, roll-back of a
// device change). Nothing here decides anything diag could decide; this
// package only lays diag's views out for a finger on a 1280×800 screen.
//
// Pages: every diagnostics page is a screen struct over a model in diag
// (devicesScreen over diag.DeviceCard, trafficScreen and healthScreen over
// diag's views, diag.LogFilter and diag.RecentFaults, configScreen over
// diag.PortForm, settingsScreen over diag.SettingsForm, voiceScreen over
// diag.VoiceForm, syncScreen over diag's sync views and outcomes,
// exportScreen over diag.ExportChoice): the model decides, the screen
// draws it and reports taps. Paging is flow's page arithmetic
// (flow.PageAt) shown with package ui's page bar (ui.PageBar); keypads are
// laid out with package ui's key kit.
//
// Threading: every diag call may block on a device, the database or the
// network, so it runs on its own goroutine and its result is applied to the
// widgets through the citizen screens' bridge (ui.Bridge, fyne.Do in the
// kiosk; docs/fyne-notes.md 1.6). The UI goroutine never waits.
//
// Refreshing: the devices, sync and health pages re-read their state every
// Options.Refresh (2 s) on Options.Clock, the bridge's clock ticks, while
// shown, through diag's Session.Poll views,
// which do not count as technician activity, so a page left open does not
// keep the session alive. The refresh stops when the page, the mode or the
// session ends.
//
// Scrolling: drag-to-scroll does not work with a finger on desktop Fyne
// (docs/fyne-notes.md 0.3), so long lists (traffic, dead letters, detected ports,
// log lines) and a device's details are paged with big previous/next
// buttons instead of scrolled.
//
// Typing: the kiosk has no keyboard, so the settings and the port path are
// edited with an on-screen keyboard (letters, digits, URL symbols) and a
// numeric keypad; a USB keyboard types into the same field. Chinese cannot
// be typed (no input method in Fyne's desktop driver), so the hall name
// follows the back office's catalog unless a technician overrides it.
//
// Strings are Chinese with the English in smaller text or after it, because
// technicians read both; they are constants in strings.go and not part of
// the citizen translation files, which belong to package ui.
package techui
