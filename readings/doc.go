// Package readings gives the toneless pinyin of the catalog's Chinese texts,
// so that a citizen can find a service by typing its pinyin or its pinyin
// initials on a letter keypad (SBK for 社保卡).
//
// Each character's readings come from github.com/mozillazg/go-pinyin, a
// maintained dictionary of about 41,000 characters built from Unicode's
// kHanyuPinyin/kXHC1983 data. The module reads character by character: it
// has no phrase dictionary, and its first reading of a polyphone (多音字) is
// the most frequent one, not the one a word needs — 调整 comes out "diao
// zheng", 银行卡 "yin xing ka". A word dictionary big enough to settle every
// polyphone would be a second data set to vendor and keep up to date for a
// catalog of a few dozen service names, and would still not know a hall's
// local names. So the catalog marks the words that need another reading
// (api.Catalog.Readings, "调整": "tiáo zhěng"), and the marks are checked
// against the module: every syllable must be one of that character's
// readings, which catches a typo or a mark on the wrong word. A test over
// the whole seed catalog compares every polyphone of every service name
// with its expected reading, so a new service whose name needs a mark fails
// the build until it has one.
//
// The kiosk does not link the module: its initialisation builds a map of
// every character before main runs, on the path to the first frame.
// internal/mktable writes the module's readings into table.bin (`go generate
// ./readings`), which the package embeds and searches in place; a test fails
// while the committed table differs from what the pinned module gives.
package readings
