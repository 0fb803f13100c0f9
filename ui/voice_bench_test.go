package ui

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"hallkiosk/flow"
	"hallkiosk/voice"
)

// fifoDevice is the real ALSA path into a FIFO: the default PCM is a
// `type file` plugin writing raw frames into a named pipe, over the null
// device. A reader takes the time of the first bytes of each playback:
// the moment the first audio frames reached the ALSA device.
type fifoDevice struct {
	home  string
	first chan time.Time
}

func newFIFODevice(b *testing.B) *fifoDevice {
	b.Helper()
	dir := b.TempDir()
	fifo := filepath.Join(dir, "pcm")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		b.Fatal(err)
	}
	rc := fmt.Sprintf("pcm.!default {\n\ttype file\n\tslave.pcm \"null\"\n\tfile %q\n\tformat \"raw\"\n}\n", fifo)
	if err := os.WriteFile(filepath.Join(dir, ".asoundrc"), []byte(rc), 0o644); err != nil {
		b.Fatal(err)
	}
	d := &fifoDevice{home: dir, first: make(chan time.Time, 64)}
	stop := make(chan struct{})
	go func() {
		buf := make([]byte, 1<<16)
		for {
			// Blocks until a player opens the device.
			f, err := os.OpenFile(fifo, os.O_RDONLY, 0)
			if err != nil {
				return
			}
			seen := false
			for {
				n, err := f.Read(buf)
				if n > 0 && !seen {
					seen = true
					d.first <- time.Now()
				}
				if err == io.EOF || err != nil {
					break
				}
			}
			f.Close()
			select {
			case <-stop:
				return
			default:
			}
		}
	}()
	b.Cleanup(func() {
		close(stop)
		// Unblock a reader waiting in open.
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	})
	return d
}

func (d *fifoDevice) env() []string { return []string{"HOME=" + d.home, "XDG_CONFIG_HOME=" + d.home} }

// BenchmarkPromptLatency measures how soon a screen's prompt is heard: from
// the moment the kiosk is told to show a screen (the home screen, its
// widgets not yet built) to the first audio frames of its prompt reaching the ALSA device,
// through the real player and aplay. The anchor, measured in the same run
// on the same device, is the player told to say the same prompt directly
// (no screen); aplay_ms is a bare `aplay` of the clip, started from Go.
// Goal: screen_ms ≤ 150.
func BenchmarkPromptLatency(b *testing.B) {
	bank := testBank(b)
	dev := newFIFODevice(b)
	done := make(chan voice.Played, 64)
	p := voice.NewPlayer(bank, voice.Options{Volume: 80, Env: dev.env(), OnDone: func(pl voice.Played) { done <- pl }})
	b.Cleanup(p.Close)
	<-p.Probed()
	<-dev.first // the probe's silence
	if s := p.Status(); s.State != voice.StateReady {
		b.Fatalf("player %+v", s)
	}
	h := newHarnessOn(b, test.NewTempApp(b), newParts(b), func(d *Deps) { d.Voice, d.VoiceMode = p, "always" })
	// Stop whatever the start-up said.
	drainPlays := func() {
		for {
			select {
			case <-done:
			case <-dev.first:
			case <-time.After(50 * time.Millisecond):
				return
			}
		}
	}
	settle := func() {
		p.Stop()
		drainPlays()
	}
	settle()

	clip, err := bank.WAV("zh/voice.home")
	if err != nil {
		b.Fatal(err)
	}
	clipFile := filepath.Join(b.TempDir(), "clip.wav")
	if err := os.WriteFile(clipFile, clip, 0o644); err != nil {
		b.Fatal(err)
	}

	var screen, direct, bare []time.Duration
	b.ResetTimer()
	for range b.N {
		// The screen: from the ticket's departments back to home, whose
		// prompt differs; goHome builds the home screen on this goroutine
		// (the UI goroutine of the test driver), as a tap on 返回首页 does.
		h.k.openTile(tileTicket)
		h.settle("departments", h.ticketIn(flow.TicketDepartments))
		settle()
		t0 := time.Now()
		h.k.goHome()
		screen = append(screen, (<-dev.first).Sub(t0))
		settle()

		// The anchor: the same prompt, said directly.
		t0 = time.Now()
		p.Say(voice.Say(voice.Chinese, voice.PromptHome))
		direct = append(direct, (<-dev.first).Sub(t0))
		settle()

		// A bare aplay of the clip.
		cmd := exec.Command("aplay", "-q", clipFile)
		cmd.Env = append(os.Environ(), dev.env()...)
		t0 = time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		bare = append(bare, (<-dev.first).Sub(t0))
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		drainPlays()
	}
	b.StopTimer()
	ms := func(ds []time.Duration) float64 {
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		return float64(sum) / float64(len(ds)) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(screen), "screen_ms")
	b.ReportMetric(float64(slices.Max(screen))/float64(time.Millisecond), "screen_max_ms")
	b.ReportMetric(ms(direct), "direct_ms")
	b.ReportMetric(ms(bare), "aplay_ms")
	b.ReportMetric(ms(screen)/ms(direct), "screen/direct")
	b.ReportMetric(0, "ns/op")
}
