// Package cdp drives a headless Chromium through the Chrome DevTools
// Protocol over --remote-debugging-pipe: the browser reads commands on its
// file descriptor 3 and writes answers and events on 4, each message one
// JSON object ended by a NUL byte. No websocket is involved, so the client
// is a pipe pair and a reader goroutine.
//
// It covers what the page tests need: open a page, set its language and
// viewport, run JavaScript, wait for a condition and take a screenshot.
package cdp
