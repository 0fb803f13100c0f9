package voice

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Engine is the speech engine that makes the clips: espeak-ng, run at build
// time only. It is GPL-3.0-or-later; the kiosk neither links nor ships it,
// and the clips are its output, which the GPL does not cover (docs/voice.md).
const Engine = "espeak-ng"

// EngineVersion returns `espeak-ng --version`'s first line, for the
// manifest: the same engine version and text give the same bytes.
func EngineVersion(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, Engine, "--version").Output()
	if err != nil {
		return "", fmt.Errorf("voice: %s --version: %w", Engine, err)
	}
	line, _, _ := strings.Cut(string(out), "\n")
	// The data path differs between machines and says nothing about the
	// sound.
	line, _, _ = strings.Cut(line, "  Data at:")
	return strings.TrimSpace(line), nil
}

// Generate makes every clip of script in dir (<dir>/<lang>/<key>.wav),
// replacing what is there, and writes <dir>/MANIFEST: the engine's version
// and each clip's name and text. Output is byte for byte the same for the
// same engine version and script: espeak-ng is deterministic and the WAV
// header is written here, not by the engine.
func Generate(ctx context.Context, script []Clip, dir string) error {
	version, err := EngineVersion(ctx)
	if err != nil {
		return err
	}
	var manifest strings.Builder
	fmt.Fprintf(&manifest, "# voice clips made by %s (GPL-3.0-or-later; the clips are its output)\n", version)
	for _, l := range Langs {
		// A clip whose key left the translations must not stay behind.
		if err := os.RemoveAll(filepath.Join(dir, string(l))); err != nil {
			return fmt.Errorf("voice: %w", err)
		}
		if err := os.MkdirAll(filepath.Join(dir, string(l)), 0o755); err != nil {
			return fmt.Errorf("voice: %w", err)
		}
	}
	for _, c := range script {
		samples, err := synthesize(ctx, c)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(c.Name)+".wav"), EncodeWAV(ClipFormat, samples), 0o644); err != nil {
			return fmt.Errorf("voice: %w", err)
		}
		fmt.Fprintf(&manifest, "%s\t%s\n", c.Name, c.Text)
	}
	if err := os.WriteFile(filepath.Join(dir, "MANIFEST"), []byte(manifest.String()), 0o644); err != nil {
		return fmt.Errorf("voice: %w", err)
	}
	return nil
}

// silenceThreshold is the sample level below which espeak-ng's lead-in and
// tail count as silence; clipMargin keeps 10 ms of it on each side.
const (
	silenceThreshold = 200
	clipMargin       = 220
)

// synthesize runs the engine on one clip's text and returns its samples,
// trimmed of leading and trailing silence. The text goes in on stdin, never
// on the command line, so no text is taken for an option.
func synthesize(ctx context.Context, c Clip) ([]byte, error) {
	cmd := exec.CommandContext(ctx, Engine, "-v", engineVoice[c.Lang], "--stdout")
	cmd.Stdin = strings.NewReader(c.Text)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("voice: %s %s: %w: %s", Engine, c.Name, err, strings.TrimSpace(stderr.String()))
	}
	f, samples, err := ParseWAV(out)
	if err != nil {
		return nil, fmt.Errorf("voice: %s %s: %w", Engine, c.Name, err)
	}
	if f != ClipFormat {
		return nil, fmt.Errorf("voice: %s %s: format %+v, want %+v", Engine, c.Name, f, ClipFormat)
	}
	samples = trimSilence(samples, silenceThreshold, clipMargin)
	if len(samples) == 0 {
		return nil, fmt.Errorf("voice: %s %s: the engine said nothing for %q", Engine, c.Name, c.Text)
	}
	return samples, nil
}
