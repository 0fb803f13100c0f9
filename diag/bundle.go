package diag

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"hallkiosk/devices"
)

// BundleResult says where the diagnostics bundle went.
type BundleResult struct {
	Path  string   `json:"path"`
	Bytes int64    `json:"bytes"`
	Files []string `json:"files"`
}

// bundleNotice is the manifest's word on what the bundle leaves out.
const bundleNotice = "No personal data: configuration without secrets, device traffic masked " +
	"(ID reader reply data and scanned codes hidden), dead letters without payloads, " +
	"card tests without card contents; ID-shaped and mobile-shaped numbers in logs removed."

// ExportBundle writes a diagnostics bundle (zip) into dir — typically a USB
// stick's mount point, which must exist: a missing mount point is an error,
// not a folder silently created on the kiosk's own disk. The bundle holds
// the configuration without secrets (config.Redacted), the log files,
// the device views and their masked traffic (as Traffic shows it, never
// raw ID reader payloads), the queue statistics, the dead letters without
// payloads, the recent test results without card contents, versions, the
// health report and the metrics. It holds no personal data. The zip
// appears whole or not at all (temporary file, fsync, rename).
func (s *Session) ExportBundle(ctx context.Context, dir string) (BundleResult, error) {
	if err := s.begin(); err != nil {
		return BundleResult{}, err
	}
	name := fmt.Sprintf("hallkiosk-diag-%s-%s.zip", safeName(s.g.cfg.live().KioskID), s.clk.Now().Format("20060102-150405"))
	var files []string
	path, err := writeAtomic(dir, name, func(w io.Writer) error {
		var err error
		files, err = s.g.writeBundle(ctx, w)
		return err
	})
	if err != nil {
		s.g.audit.record(ctx, ActionExportBundle, "export failed: "+err.Error())
		return BundleResult{}, err
	}
	res := BundleResult{Path: path, Files: files}
	if fi, err := os.Stat(path); err == nil {
		res.Bytes = fi.Size()
	}
	s.g.audit.record(ctx, ActionExportBundle, fmt.Sprintf("exported %d files to %s", len(files), path))
	s.Touch()
	return res, nil
}

// writeBundle writes the zip and returns the names of its files. A part
// that cannot be produced (a log file vanished in a rotation) is noted in
// errors.txt rather than failing the whole bundle: a partial bundle helps
// more than none.
func (g *Gate) writeBundle(ctx context.Context, w io.Writer) ([]string, error) {
	zw := zip.NewWriter(w)
	now := g.clk.Now()
	var names, problems []string
	add := func(name string, write func(io.Writer) error) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return err
		}
		if err := write(f); err != nil {
			problems = append(problems, name+": "+err.Error())
			fmt.Fprintf(f, "\n(incomplete: %v)\n", err)
		}
		names = append(names, name)
		return nil
	}
	addJSON := func(name string, v any) error {
		return add(name, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			return enc.Encode(v)
		})
	}

	cfg := g.cfg.live()
	type part struct {
		name string
		v    func() any
	}
	parts := []part{
		{"config.json", func() any { return cfg.Redacted() }},
		{"health.json", func() any { return g.health(ctx, true) }},
		{"gate.json", func() any { return gateReport(g.Status()) }},
		{"devices.json", func() any { return deviceViews(g.o.Devices) }},
		{"traffic.json", func() any { return g.trafficAll() }},
		{"queue.json", func() any { return storeHealth(ctx, g.o.Store) }},
		{"dead-letters.json", func() any {
			v, err := syncView(ctx, g.o.Store)
			if err != nil {
				problems = append(problems, "dead-letters.json: "+err.Error())
			}
			return v.DeadLetters
		}},
		{"tests.json", func() any { return g.tools.recent() }},
	}
	for _, p := range parts {
		if err := addJSON(p.name, p.v()); err != nil {
			return nil, err
		}
	}
	if err := add("traffic.txt", func(w io.Writer) error { return writeTrafficText(w, g.trafficAll()) }); err != nil {
		return nil, err
	}
	if m := g.o.Metrics; m != nil {
		if err := add("metrics.txt", func(w io.Writer) error { m.reg.WritePrometheus(w); return nil }); err != nil {
			return nil, err
		}
	}
	if l := g.o.Log; l != nil {
		for _, path := range l.Files() {
			if err := add("logs/"+filepath.Base(path), func(w io.Writer) error { return copyScrubbed(w, path) }); err != nil {
				return nil, err
			}
		}
	}
	if len(problems) > 0 {
		if err := add("errors.txt", func(w io.Writer) error {
			_, err := io.WriteString(w, strings.Join(problems, "\n")+"\n")
			return err
		}); err != nil {
			return nil, err
		}
	}
	manifest := map[string]any{
		"kiosk_id": cfg.KioskID, "version": g.o.Version, "created": now, "files": append([]string{"manifest.json"}, names...),
		"notice": bundleNotice,
	}
	if !g.o.BuildDate.IsZero() {
		manifest["build_date"] = g.o.BuildDate
	}
	if err := addJSON("manifest.json", manifest); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return names, nil
}

// gateReport is the gate's state without the error value (JSON of an error
// is {}).
func gateReport(st GateStatus) map[string]any {
	r := map[string]any{"locked": st.Locked, "attempts_left": st.AttemptsLeft, "factory_pin": st.DefaultPIN, "session_open": st.SessionOpen}
	if st.Locked {
		r["locked_until"] = st.LockedUntil
	}
	if st.Problem != nil {
		r["problem"] = st.Problem.Error()
	}
	return r
}

// trafficAll decodes every device's tap through the masking of Traffic.
func (g *Gate) trafficAll() map[devices.Kind][]TrafficLine {
	out := map[devices.Kind][]TrafficLine{}
	if g.o.Devices == nil {
		return out
	}
	for _, k := range devices.Kinds {
		out[k] = DecodeTraffic(k, g.o.Devices.Info(k).Traffic)
	}
	return out
}

func writeTrafficText(w io.Writer, t map[devices.Kind][]TrafficLine) error {
	bw := bufio.NewWriter(w)
	for _, k := range devices.Kinds {
		fmt.Fprintf(bw, "== %s ==\n", k)
		for _, l := range t[k] {
			fmt.Fprintf(bw, "%s %s %4d  %-32s  %s", l.At.Format("15:04:05.000"), l.Arrow, l.Len, l.Hex, l.Meaning)
			if l.MeaningZh != "" {
				fmt.Fprintf(bw, "  |  %s", l.MeaningZh)
			}
			bw.WriteByte('\n')
		}
	}
	return bw.Flush()
}

// copyScrubbed copies a log file line by line through scrub.
func copyScrubbed(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	bw := bufio.NewWriter(w)
	for {
		line, err := r.ReadString('\n')
		if line != "" {
			bw.WriteString(scrub(line))
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
	}
	return bw.Flush()
}

// writeAtomic creates dir/name with what write produces: a temporary file
// in dir, fsync, rename, fsync of dir — so a stick pulled out mid-export
// holds no half file under the final name. dir must exist.
func writeAtomic(dir, name string, write func(io.Writer) error) (string, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return "", fmt.Errorf("export folder: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("export folder %s is not a directory", dir)
	}
	path := filepath.Join(dir, name)
	f, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("export %s: %w", path, err)
	}
	tmp := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(tmp)
		return "", fmt.Errorf("export %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	if err := write(bw); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o640); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("export %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("export %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return path, nil
}
