package ui

import "fyne.io/fyne/v2"

// The home tiles' icons, drawn for the kiosk as single-colour SVG paths on a
// 48×48 grid. Fyne recolours an icon by rewriting the fill of every shape and
// drops attributes it does not know, fill-rule among them (internal/svg
// Colorize), so the cut-outs are sub-paths wound against their outline
// (nonzero rule) rather than evenodd holes.
var (
	iconTicket = svgIcon("ticket.svg",
		`<path d="M4 12H44V20A4 4 0 0 0 44 28V36H4V28A4 4 0 0 0 4 20Z`+
			`M13 15v4h2v-4Z M13 22v4h2v-4Z M13 29v4h2v-4Z M19 18v3h18v-3Z M19 26v3h12v-3Z"/>`)
	iconCheckIn = svgIcon("checkin.svg",
		`<path d="M8 10H40V42H8Z M14 5h4v8h-4Z M30 5h4v8h-4Z M11 18v21h26v-21Z`+
			`M16 28L19 25L23 29L31 21L34 24L23 35Z"/>`)
	iconGuide = svgIcon("guide.svg",
		`<path d="M10 4H32L40 12V44H10Z M16 16v3h18v-3Z M16 24v3h18v-3Z M16 32v3h12v-3Z"/>`)
	iconRating = svgIcon("rating.svg",
		`<path d="M24.0 5.0L29.2 18.9L44.0 19.5L32.4 28.7L36.3 43.0L24.0 34.8L11.7 43.0L15.6 28.7L4.0 19.5L18.8 18.9Z"/>`)
	iconSuggestion = svgIcon("suggestion.svg",
		`<path d="M6 8H42V32H20L11 40V32H6Z M12 15v3h24v-3Z M12 22v3h16v-3Z"/>`)
	iconIDCard = svgIcon("idcard.svg",
		`<path d="M4 10H44V38H4Z M30 15v14h9v-14Z M9 16v3h16v-3Z M9 22v3h12v-3Z M9 28v3h16v-3Z"/>`)
	iconQR = svgIcon("qr.svg",
		`<path d="M4 4H20V20H4Z M8 8v8h8v-8Z M10 10H14V14H10Z M28 4H44V20H28Z M32 8v8h8v-8Z M34 10H38V14H34Z`+
			`M4 28H20V44H4Z M8 32v8h8v-8Z M10 34H14V38H10Z M28 28H32V32H28Z M36 28H44V32H36Z M32 32H36V40H32Z`+
			`M40 36H44V44H40Z M28 40H32V44H28Z M24 4H26V12H24Z M24 16H26V26H24Z"/>`)
	iconKeypad = svgIcon("keypad.svg",
		`<path d="M8 4h8v8h-8Z M20 4h8v8h-8Z M32 4h8v8h-8Z M8 15h8v8h-8Z M20 15h8v8h-8Z M32 15h8v8h-8Z`+
			`M8 26h8v8h-8Z M20 26h8v8h-8Z M32 26h8v8h-8Z M8 37h8v8h-8Z M20 37h8v8h-8Z M32 37h8v8h-8Z"/>`)
	// iconSearch: a magnifier over three keys, a search typed on the
	// keypad (the progress icon is a magnifier alone).
	iconSearch = svgIcon("search.svg",
		`<path d="M8 16A10 10 0 0 1 28 16A10 10 0 0 1 8 16Z M12 16A6 6 0 0 0 24 16A6 6 0 0 0 12 16Z`+
			`M25 26L28 23L36 31L33 34Z M4 36h11v9h-11Z M18.5 36h11v9h-11Z M33 36h11v9h-11Z"/>`)
	iconProgress = svgIcon("progress.svg",
		`<path d="M6 20A14 14 0 0 1 34 20A14 14 0 0 1 6 20Z M11 20A9 9 0 0 0 29 20A9 9 0 0 0 11 20Z`+
			`M30 33L33 30L43 40L40 43Z"/>`)
)

func svgIcon(name, body string) fyne.Resource {
	return fyne.NewStaticResource(name, []byte(
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" width="48" height="48">`+body+`</svg>`))
}
