//go:build deps

// Package deps pins the project's direct dependencies so that `go mod tidy`
// keeps them while the packages that use them are being written. It is never
// built.
package deps

import (
	_ "fyne.io/fyne/v2/app"
	_ "github.com/google/uuid"
	_ "github.com/makiuchi-d/gozxing/qrcode"
	_ "github.com/mattn/go-sqlite3"
	_ "github.com/skip2/go-qrcode"
	_ "github.com/tarm/serial"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/image/font/opentype"
	_ "golang.org/x/sys/unix"
	_ "golang.org/x/text/encoding/simplifiedchinese"
)
