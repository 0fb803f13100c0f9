// Package pages serves the back office's public pages: a ticket's live
// page on the citizen's phone (/t/<token>), the hall display
// (/display) and the counter page (/counter/<id>).
//
// The pages are plain HTML and CSS with a little JavaScript, embedded in
// the binary and loading nothing from elsewhere, so they work in WeChat's
// built-in browser and on a hall's closed network. They follow changes
// through server-sent events (EventSource), and poll every 4 s where
// EventSource is missing. Words come in Chinese and English, chosen by the
// browser's Accept-Language (or ?lang=zh|en).
//
// The ticket page and the display read a Source (the back office's live
// queue); the counter page calls the back office's /v1/counters API with
// a counter token, so it needs no session of its own.
package pages
