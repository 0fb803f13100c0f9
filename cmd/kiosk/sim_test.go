package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"hallkiosk/devices/serial"
)

// `kiosk sim` puts the three simulators on pseudo-terminals and the demo
// back office on loopback, says where in one JSON line, and stops when its
// standard input ends (the kiosk that started it is gone).
func TestSimCommandServesDevicesAndBackOffice(t *testing.T) {
	dir := t.TempDir()
	stdinR, stdinW := io.Pipe()
	outR, outW := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- simCommand([]string{"--data-dir", dir, "--backoffice"}, stdinR, outW, &stderr)
		outW.Close()
	}()
	var ready simReady
	if err := json.NewDecoder(outR).Decode(&ready); err != nil {
		t.Fatalf("no ready line: %v; stderr: %s", err, stderr.String())
	}
	go io.Copy(io.Discard, outR)
	for name, p := range map[string]string{"printer": ready.Printer, "idcard": ready.IDCard, "scanner": ready.Scanner} {
		if p == "" {
			t.Fatalf("no %s port in %+v", name, ready)
		}
		port, err := serial.Open(serial.Config{Path: p, Baud: 9600})
		if err != nil {
			t.Fatalf("%s %s does not open: %v", name, p, err)
		}
		port.Close()
	}
	if ready.Token == "" || !strings.HasPrefix(ready.BackOfficeURL, "http://127.0.0.1:") {
		t.Fatalf("back office %q token %q", ready.BackOfficeURL, ready.Token)
	}
	req, _ := http.NewRequest("GET", ready.BackOfficeURL+"/v1/catalog", nil)
	req.Header.Set("Authorization", "Bearer "+ready.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "-demo") {
		t.Fatalf("catalog: %d %.200s", resp.StatusCode, body)
	}
	if _, err := os.Stat(dir + "/backoffice.db"); err != nil {
		t.Fatalf("the back office keeps no database in the data folder: %v", err)
	}

	stdinW.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sim: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("sim did not stop when its standard input ended")
	}
	if _, err := os.Stat(ready.Scanner); err == nil {
		// A pty's slave node goes away with its master.
		if p, err := serial.Open(serial.Config{Path: ready.Scanner, Baud: 9600}); err == nil {
			p.Close()
			t.Fatalf("scanner %s still opens after the simulators stopped", ready.Scanner)
		}
	}
}

func TestSimCommandRefusesUnknownDevice(t *testing.T) {
	err := simCommand([]string{"--data-dir", t.TempDir(), "--devices", "printer,fax"}, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `"fax"`) {
		t.Fatalf("err = %v, want it to name the unknown device", err)
	}
}
