package voice

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// alsaFile is the real ALSA path into a file: a HOME whose .asoundrc makes
// the default PCM a `type file` plugin (WAV, or raw when path is a FIFO)
// over the null device, so aplay, alsa-lib and its plugin run as on a
// kiosk and what reached the device lies in the file.
type alsaFile struct {
	home, out string
}

func newALSAFile(t testing.TB, format string) alsaFile {
	t.Helper()
	if _, err := exec.LookPath("aplay"); err != nil {
		t.Fatal("aplay (alsa-utils) is needed: scripts/deps.sh test")
	}
	dir := t.TempDir()
	a := alsaFile{home: dir, out: filepath.Join(dir, "out."+format)}
	writeASoundRC(t, dir, fmt.Sprintf("pcm.!default {\n\ttype file\n\tslave.pcm \"null\"\n\tfile %q\n\tformat %q\n}\n", a.out, format))
	return a
}

// writeASoundRC puts an ALSA configuration in dir, the HOME of the aplay
// the player starts.
func writeASoundRC(t testing.TB, dir, rc string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, ".asoundrc"), []byte(rc), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (a alsaFile) env() []string { return []string{"HOME=" + a.home, "XDG_CONFIG_HOME=" + a.home} }

// playAndWait plays each utterance after the previous one ended and
// returns what the player reported.
func playAndWait(t *testing.T, p *Player, done chan Played, us ...Utterance) []Played {
	t.Helper()
	var out []Played
	for _, u := range us {
		p.Say(u)
		out = append(out, <-done)
	}
	return out
}

func newTestPlayer(t testing.TB, b *Bank, o Options) (*Player, chan Played) {
	done := make(chan Played, 16)
	o.OnDone = func(pl Played) { done <- pl }
	p := NewPlayer(b, o)
	t.Cleanup(p.Close)
	return p, done
}

// soxStat runs `sox file -n stat` and returns its figures by name.
func soxStat(t *testing.T, file string) map[string]float64 {
	t.Helper()
	out, err := exec.Command("sox", file, "-n", "stat").CombinedOutput()
	if err != nil {
		t.Fatalf("sox stat: %v: %s", err, out)
	}
	stats := map[string]float64{}
	re := regexp.MustCompile(`(?m)^([A-Za-z ()]+?):\s+(-?[0-9.e+-]+)\s*$`)
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		if err == nil {
			stats[strings.TrimSpace(m[1])] = v
		}
	}
	if len(stats) < 5 {
		t.Fatalf("sox stat said: %s", out)
	}
	return stats
}

// soxDuration is `sox --i -D`: the file's length in seconds.
func soxDuration(t *testing.T, file string) float64 {
	t.Helper()
	out, err := exec.Command("sox", "--i", "-D", file).CombinedOutput()
	if err != nil {
		t.Fatalf("sox --i: %v: %s", err, out)
	}
	d, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatalf("sox --i -D said %q", out)
	}
	return d
}

// clipOrder finds u's clips, one after the other, in the samples that
// reached the device, and returns the names in the order they were found.
func clipOrder(t *testing.T, b *Bank, u Utterance, got []byte) []string {
	t.Helper()
	var found []string
	at := 0
	for _, c := range u.Clips() {
		if c == pause {
			continue
		}
		s, err := b.Samples(c)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(got[at:], s)
		if i < 0 {
			break
		}
		found = append(found, c)
		at += i + len(s)
	}
	return found
}

func seconds(n int) float64 { return float64(n) / float64(ClipFormat.Rate*ClipFormat.Bits/8) }

// TestPlayThroughALSA plays a call and a prompt through aplay into ALSA's
// file plugin, and checks which clips reached the device, in which order,
// that they are not silent and how long they last.
func TestPlayThroughALSA(t *testing.T) {
	b := testBank(t)
	a := newALSAFile(t, "wav")
	p, done := newTestPlayer(t, b, Options{Env: a.env(), Volume: 100})
	call := Call(Chinese, mustTicket(t, "A023"), 3)
	for _, u := range []Utterance{call, Call(English, mustTicket(t, "B107"), 12), Say(Chinese, PromptCard)} {
		t.Run(u.Key(), func(t *testing.T) {
			pl := playAndWait(t, p, done, u)[0]
			if pl.Err != nil || pl.Interrupted {
				t.Fatalf("played %+v", pl)
			}
			raw, err := os.ReadFile(a.out)
			if err != nil {
				t.Fatal(err)
			}
			_, got, err := ParseWAV(raw)
			if err != nil {
				t.Fatal(err)
			}
			want, err := b.PCM(u, 100)
			if err != nil {
				t.Fatal(err)
			}
			if order := clipOrder(t, b, u, got); strings.Join(order, " ") != strings.Join(b.nonPause(u), " ") {
				t.Errorf("clips at the device: %v\nwant %v", order, b.nonPause(u))
			}
			if !bytes.HasPrefix(got, want) {
				t.Errorf("the device got other samples than the composed utterance")
			}
			// aplay pads its last period with silence: the length is the
			// utterance's and at most a fifth of a second more.
			d, wantD := soxDuration(t, a.out), seconds(len(want))
			if d < wantD || d > wantD+0.2 {
				t.Errorf("sox --i: %.3f s, want %.3f s (+ at most 0.2)", d, wantD)
			}
			st := soxStat(t, a.out)
			if st["RMS     amplitude"] < 0.02 || st["Maximum amplitude"] < 0.2 {
				t.Errorf("silent: sox stat %v", st)
			}
			if d := st["Length (seconds)"]; d < wantD {
				t.Errorf("sox stat length %.3f < %.3f", d, wantD)
			}
		})
	}
	if s := p.Status(); s.State != StateReady || !s.Available() {
		t.Errorf("status %+v", s)
	}
}

func (b *Bank) nonPause(u Utterance) []string {
	var out []string
	for _, c := range u.Clips() {
		if c != pause {
			out = append(out, c)
		}
	}
	return out
}

// TestVolume: half volume halves the level at the device.
func TestVolume(t *testing.T) {
	b := testBank(t)
	rms := map[int]float64{}
	for _, vol := range []int{100, 50} {
		a := newALSAFile(t, "wav")
		p, done := newTestPlayer(t, b, Options{Env: a.env(), Volume: vol})
		if pl := playAndWait(t, p, done, Say(English, PromptHome))[0]; pl.Err != nil {
			t.Fatal(pl.Err)
		}
		rms[vol] = soxStat(t, a.out)["RMS     amplitude"]
	}
	if r := rms[50] / rms[100]; r < 0.45 || r > 0.55 {
		t.Errorf("RMS at 50 %% / at 100 %% = %.3f, want 0.5 (%v)", r, rms)
	}
}

// TestNewPromptInterrupts: a new utterance stops the one playing; only
// the new one is left at the device (the file plugin starts a new file per
// playback), and the reports come in order.
func TestNewPromptInterrupts(t *testing.T) {
	b := testBank(t)
	a := newALSAFile(t, "wav")
	p, done := newTestPlayer(t, b, Options{Env: a.env(), Volume: 100})
	first, second := Say(Chinese, PromptHome), Call(Chinese, mustTicket(t, "C009"), 5)
	p.Say(first)
	p.Say(second)
	var got []Played
	for len(got) == 0 || !slices_equal(got[len(got)-1].Clips, second.Clips()) {
		got = append(got, <-done)
	}
	if last := got[len(got)-1]; last.Err != nil || last.Interrupted {
		t.Fatalf("second: %+v", last)
	}
	for _, pl := range got[:len(got)-1] {
		if !slices_equal(pl.Clips, first.Clips()) {
			t.Errorf("reported %v before the second", pl.Clips)
		}
	}
	raw, err := os.ReadFile(a.out)
	if err != nil {
		t.Fatal(err)
	}
	_, samples, err := ParseWAV(raw)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := b.PCM(second, 100)
	if !bytes.HasPrefix(samples, want) {
		t.Errorf("the device did not end with the second utterance")
	}
}

func slices_equal(a, b []string) bool { return strings.Join(a, " ") == strings.Join(b, " ") }

// TestNoSoundCard: a kiosk without a sound card keeps working: Say returns,
// the player reports why it is silent.
func TestNoSoundCard(t *testing.T) {
	b := testBank(t)
	dir := t.TempDir()
	writeASoundRC(t, dir, "pcm.!default {\n\ttype hw\n\tcard 29\n}\n")
	p, done := newTestPlayer(t, b, Options{Env: []string{"HOME=" + dir}})
	for range 50 {
		p.Say(Say(Chinese, PromptHome)) // never blocks, device or not
	}
	pl := <-done
	if pl.Err == nil {
		t.Fatalf("played without a device: %+v", pl)
	}
	if s := p.Status(); s.State != StateNoDevice || s.Available() || s.Detail == "" {
		t.Errorf("status %+v: want unavailable with aplay's words", s)
	}

	q, qdone := newTestPlayer(t, b, Options{Command: "no-such-aplay"})
	q.Say(Say(English, PromptHome))
	if pl := <-qdone; pl.Err == nil {
		t.Errorf("played without aplay")
	}
	if s := q.Status(); s.State != StateNoPlayer {
		t.Errorf("status %+v, want no_player", s)
	}

	empty, err := LoadBank(os.DirFS(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	r, rdone := newTestPlayer(t, empty, Options{})
	r.Say(Say(Chinese, PromptHome))
	if pl := <-rdone; pl.Err == nil {
		t.Errorf("a bank without clips played")
	}
	if s := r.Status(); s.State != StateNoClips {
		t.Errorf("status %+v, want no_clips", s)
	}
}
