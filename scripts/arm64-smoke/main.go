// Command arm64-smoke runs the three device simulators natively for
// scripts/arm64-smoke.sh, so that the arm64 kiosk under qemu-user can be
// started like a production kiosk: from a configuration file that names
// serial ports, with no simulator inside its own process. (Starting the
// demo's simulators from the arm64 binary itself would need it to run a
// second arm64 process, which the kernel cannot exec without binfmt_misc.)
//
//	arm64-smoke -printed DIR -ports FILE
//	arm64-smoke -catalog FILE
//
// It writes FILE once every pseudo-terminal is open, as shell assignments
// (printer=/dev/pts/N, idcard=…, scanner=…), and runs until SIGTERM or
// SIGINT. The printer renders what it cuts to DIR/ticket-NNNN.txt and .png.
//
// With -catalog it writes the seed catalog with every opening hour made
// 00:00–24:00 for the back office's -catalog flag, as the demo does, so the
// smoke takes a ticket whatever time of day CI runs it.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"hallkiosk/assets"
	"hallkiosk/backoffice/api"
	"hallkiosk/devices/sim/idcardsim"
	"hallkiosk/devices/sim/printersim"
	"hallkiosk/devices/sim/scannersim"
)

func main() {
	printed := flag.String("printed", "", "`dir` for the printed tickets")
	ports := flag.String("ports", "", "`file` to write the pseudo-terminal paths to")
	catalog := flag.String("catalog", "", "write the all-day catalog to `file` and exit")
	flag.Parse()
	if *catalog != "" {
		if err := writeCatalog(*catalog); err != nil {
			fmt.Fprintln(os.Stderr, "arm64-smoke:", err)
			os.Exit(1)
		}
		return
	}
	if *printed == "" || *ports == "" {
		fmt.Fprintln(os.Stderr, "arm64-smoke: need -printed DIR and -ports FILE")
		os.Exit(2)
	}
	if err := run(*printed, *ports); err != nil {
		fmt.Fprintln(os.Stderr, "arm64-smoke:", err)
		os.Exit(1)
	}
}

func run(printed, ports string) error {
	pr, err := printersim.Start(printersim.Opts{Dir: printed})
	if err != nil {
		return err
	}
	defer pr.Close()
	id, err := idcardsim.Start(idcardsim.Opts{})
	if err != nil {
		return err
	}
	defer id.Close()
	sc, err := scannersim.Start()
	if err != nil {
		return err
	}
	defer sc.Close()

	// Written to a temporary name and renamed, so the script never reads a
	// half-written file.
	body := fmt.Sprintf("printer=%s\nidcard=%s\nscanner=%s\n", pr.Path(), id.Path(), sc.Path())
	if err := os.WriteFile(ports+".tmp", []byte(body), 0o644); err != nil {
		return err
	}
	if err := os.Rename(ports+".tmp", ports); err != nil {
		return err
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	return nil
}

func writeCatalog(path string) error {
	var c api.Catalog
	if err := json.Unmarshal(assets.SeedCatalog(), &c); err != nil {
		return fmt.Errorf("seed catalog: %w", err)
	}
	allDay := []api.OpenHours{{Weekdays: []int{0, 1, 2, 3, 4, 5, 6}, Open: "00:00", Close: "24:00"}}
	c.Hall.OpenHours = allDay
	for i := range c.Services {
		if len(c.Services[i].OpenHours) > 0 {
			c.Services[i].OpenHours = allDay
		}
	}
	c.Version += "-smoke"
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
