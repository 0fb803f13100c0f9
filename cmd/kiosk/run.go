package main

import (
	"fmt"
	"io"
)

func runKiosk(args []string, stderr io.Writer) error {
	return fmt.Errorf("the kiosk screen is not wired yet")
}
