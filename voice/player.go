package voice

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// Options configure a Player. The zero value plays on ALSA's default
// device at full volume.
type Options struct {
	// Command is the ALSA player; default "aplay" (alsa-utils).
	Command string
	// Device is the ALSA PCM to play on; default "default".
	Device string
	// Volume in percent, 0–100, applied to the samples before they reach
	// ALSA (the same on every sound card, whatever mixer controls it has).
	Volume int
	// Env is added to the player's environment (tests point HOME at an
	// asoundrc).
	Env []string
	// OnDone, when set, is called on the player's goroutine after each
	// utterance ends, finished or interrupted.
	OnDone func(Played)
}

// Played reports one utterance the player ended.
type Played struct {
	Clips []string
	// Interrupted: a newer utterance (or Stop, or Close) cut it short.
	Interrupted bool
	// Err is why it did not play (no sound card, clips missing …).
	Err error
}

// State is what the player knows about its audio output.
type State int

// The player's states.
const (
	StateProbing  State = iota // the first check has not finished
	StateReady                 // the last playback (or the check) worked
	StateNoClips               // this build holds no clips (made without `make clips`)
	StateNoPlayer              // aplay is not installed
	StateNoDevice              // ALSA has no device to play on (no sound card)
	StateOff                   // voice is switched off in the settings
)

// String names the state for logs and the health endpoint.
func (s State) String() string {
	names := [...]string{"probing", "ready", "no_clips", "no_player", "no_device", "off"}
	if s < 0 || int(s) >= len(names) {
		return "State(" + strconv.Itoa(int(s)) + ")"
	}
	return names[s]
}

// Status is the player's view of its audio output, for technician mode.
type Status struct {
	State State `json:"state"`
	// Detail is the player's own words when it failed (aplay's last
	// error line).
	Detail string `json:"detail,omitempty"`
	Device string `json:"device"`
	Clips  int    `json:"clips"`
	Volume int    `json:"volume"`
}

// Available reports whether the kiosk can speak.
func (s Status) Available() bool { return s.State == StateReady || s.State == StateProbing }

// Player speaks one utterance at a time through ALSA. Say never blocks:
// a goroutine owns the playing aplay process, and a new utterance stops
// the one playing (a new screen's prompt interrupts the previous one).
type Player struct {
	bank *Bank
	o    Options

	mu      sync.Mutex
	pending *Utterance
	status  Status

	wake   chan struct{}
	quit   chan struct{}
	done   chan struct{}
	probed chan struct{}
}

// NewPlayer starts a player of bank's clips. It first checks the output
// (Status) by playing a few milliseconds of silence. Close stops it.
func NewPlayer(bank *Bank, o Options) *Player {
	if o.Command == "" {
		o.Command = "aplay"
	}
	if o.Device == "" {
		o.Device = "default"
	}
	o.Volume = min(max(o.Volume, 0), 100)
	p := &Player{bank: bank, o: o, wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}),
		probed: make(chan struct{})}
	p.status = Status{State: StateProbing, Device: o.Device, Clips: bank.Len(), Volume: o.Volume}
	go p.loop()
	return p
}

// Say plays u, stopping whatever plays; an empty u only stops. It returns
// at once; any goroutine may call it.
func (p *Player) Say(u Utterance) {
	p.mu.Lock()
	p.pending = &u
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Stop stops what plays.
func (p *Player) Stop() { p.Say(Utterance{}) }

// Status returns what the player knows about its output.
func (p *Player) Status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

// Probed is closed once the first check of the output is done: from then
// on Status says whether the kiosk can speak.
func (p *Player) Probed() <-chan struct{} { return p.probed }

// Close stops playing and ends the player's goroutine.
func (p *Player) Close() {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
	<-p.done
}

// playback is one running aplay.
type playback struct {
	clips  []string
	cmd    *exec.Cmd
	stderr bytes.Buffer
	done   chan error
}

func (p *Player) loop() {
	defer close(p.done)
	p.probe()
	close(p.probed)
	var cur *playback
	end := func(interrupted bool, err error) {
		if err == nil || interrupted {
			p.setState(StateReady, "", interrupted)
		} else {
			p.setState(stateOf(err), detailOf(err, &cur.stderr), false)
		}
		if p.o.OnDone != nil {
			if interrupted {
				err = nil
			}
			p.o.OnDone(Played{Clips: cur.clips, Interrupted: interrupted, Err: err})
		}
		cur = nil
	}
	for {
		var curDone chan error
		if cur != nil {
			curDone = cur.done
		}
		select {
		case <-p.quit:
			if cur != nil {
				_ = cur.cmd.Process.Kill()
				end(true, <-cur.done)
			}
			return
		case err := <-curDone:
			end(false, err)
		case <-p.wake:
			p.mu.Lock()
			u := *p.pending
			p.mu.Unlock()
			if cur != nil {
				_ = cur.cmd.Process.Kill()
				end(true, <-cur.done)
			}
			if u.Empty() {
				continue
			}
			pb, err := p.start(u)
			if err != nil {
				if !errors.Is(err, errClipsMissing) {
					p.setState(stateOf(err), err.Error(), false)
				}
				if p.o.OnDone != nil {
					p.o.OnDone(Played{Clips: u.Clips(), Err: err})
				}
				continue
			}
			cur = pb
		}
	}
}

// errNoClips: the build has no clips at all.
var errNoClips = errors.New("voice: this build has no clips (built without `make clips`)")

// errClipsMissing: an utterance needs a clip the build lacks; the device
// is fine.
var errClipsMissing = errors.New("voice: cannot compose")

// args are aplay's arguments for raw ClipFormat on stdin.
func (p *Player) args() []string {
	return []string{"-q", "-D", p.o.Device, "-t", "raw", "-f", "S16_LE",
		"-c", strconv.Itoa(ClipFormat.Channels), "-r", strconv.Itoa(ClipFormat.Rate), "-"}
}

// start composes u and hands it to a new aplay on its stdin.
func (p *Player) start(u Utterance) (*playback, error) {
	if p.bank.Len() == 0 {
		return nil, errNoClips
	}
	pcm, err := p.bank.PCM(u, p.o.Volume)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errClipsMissing, err)
	}
	return p.run(u.Clips(), pcm)
}

func (p *Player) run(clips []string, pcm []byte) (*playback, error) {
	pb := &playback{clips: clips, done: make(chan error, 1)}
	pb.cmd = exec.Command(p.o.Command, p.args()...)
	pb.cmd.Env = append(os.Environ(), p.o.Env...)
	pb.cmd.Stdin = bytes.NewReader(pcm)
	pb.cmd.Stderr = &pb.stderr
	if err := pb.cmd.Start(); err != nil {
		return nil, fmt.Errorf("voice: start %s: %w", p.o.Command, err)
	}
	go func() { pb.done <- pb.cmd.Wait() }()
	return pb, nil
}

// probe checks the output once: 10 ms of silence through the same path
// as a prompt.
func (p *Player) probe() {
	if p.bank.Len() == 0 {
		p.setState(StateNoClips, errNoClips.Error(), false)
		return
	}
	pb, err := p.run(nil, make([]byte, silence(wordGap/6)))
	if err != nil {
		p.setState(stateOf(err), err.Error(), false)
		return
	}
	if err := <-pb.done; err != nil {
		p.setState(stateOf(err), detailOf(err, &pb.stderr), false)
		return
	}
	p.setState(StateReady, "", false)
}

func (p *Player) setState(s State, detail string, keep bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if keep && p.status.State != StateProbing {
		return // an interrupted playback says nothing new about the device
	}
	p.status.State, p.status.Detail = s, detail
}

func stateOf(err error) State {
	switch {
	case errors.Is(err, errNoClips):
		return StateNoClips
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, os.ErrNotExist):
		return StateNoPlayer
	}
	return StateNoDevice
}

// detailOf is aplay's last stderr line, which names the ALSA failure
// ("audio open error: No such file or directory").
func detailOf(err error, stderr *bytes.Buffer) string {
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
		return last
	}
	return err.Error()
}
