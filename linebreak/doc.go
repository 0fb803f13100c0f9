// Package linebreak breaks Chinese and English text into lines by the
// rules a reader of Chinese expects (GB/T 15834 标点符号用法, the kinsoku
// rules of JIS X 4051 and the line-break classes of UAX #14, reduced to
// what a service hall's texts contain):
//
//   - no line starts with closing punctuation or a pause mark
//     (、，。：；！？）」》… and their ASCII forms), and none ends with
//     opening punctuation (（「《“ …); a dash or ellipsis pair stays whole;
//   - a Latin word, a number, a date or a web address is never split, and
//     a number stays with the measure word after it (20号, 3个工作日);
//   - no line breaks inside a word the catalog marks as one (its names:
//     "综合窗口·绿色通道", "社会保障卡"), unless the word alone is wider
//     than the line;
//   - elsewhere a line may break between two Chinese characters, between a
//     Chinese character and a Latin one, or at a space.
//
// The ticket layout (devices/escpos, measuring in printer columns) and the
// screens (ui, measuring with the bundled font) break with the same
// Breaker, so paper and screen agree.
package linebreak
