package config

import (
	"os"
	"testing"
)

// The example shipped to integrators must always load.
func TestDeployExampleLoads(t *testing.T) {
	b, err := os.ReadFile("../deploy/kiosk.json")
	if err != nil {
		t.Fatal(err)
	}
	c := Default()
	if err := Parse(b, &c); err != nil {
		t.Fatalf("deploy/kiosk.json: %v", err)
	}
	if c.Devices.Printer.Simulated() || c.BackOffice.URL == "" {
		t.Fatalf("example should configure real hardware and a back office: %+v", c)
	}
}
