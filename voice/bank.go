package voice

import (
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"hallkiosk/assets"
)

// Bank finds the clips by name, all in ClipFormat. It reads a clip when it
// is played rather than holding them all: the bundled clips are some
// megabytes in the binary's read-only data, and the kiosk keeps its Go heap
// small (config.DefaultMemoryLimitMB).
type Bank struct {
	fsys  fs.FS
	files map[string]string // clip name → file in fsys
}

// Gaps between clips: a short one between words, a longer one where the
// utterance has a pause (after the number, before the window).
const (
	wordGap  = 60 * time.Millisecond
	pauseGap = 300 * time.Millisecond
)

// LoadBank reads every <lang>/<key>.wav in fsys. A bank without clips is
// valid (a build made without `make clips`): it says nothing, and the
// player reports it. A clip that is not ClipFormat is an error.
func LoadBank(fsys fs.FS) (*Bank, error) {
	b := &Bank{fsys: fsys, files: map[string]string{}}
	for _, l := range Langs {
		files, err := fs.Glob(fsys, string(l)+"/*.wav")
		if err != nil {
			return nil, fmt.Errorf("voice clips: %w", err)
		}
		for _, f := range files {
			// The header is enough to check the format; ParseWAV takes a
			// data chunk cut short to the end of what it was given.
			head, err := readHead(fsys, f, 128)
			if err != nil {
				return nil, fmt.Errorf("voice clips: %w", err)
			}
			format, _, err := ParseWAV(head)
			if err != nil {
				return nil, fmt.Errorf("voice clip %s: %w", f, err)
			}
			if format != ClipFormat {
				return nil, fmt.Errorf("voice clip %s: format %+v, want %+v", f, format, ClipFormat)
			}
			b.files[strings.TrimSuffix(f, path.Ext(f))] = f
		}
	}
	return b, nil
}

func readHead(fsys fs.FS, name string, n int) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	m, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return buf[:m], nil
}

// Len is the number of clips.
func (b *Bank) Len() int { return len(b.files) }

// Names lists the clips' names, sorted.
func (b *Bank) Names() []string {
	out := make([]string, 0, len(b.files))
	for n := range b.files {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// WAV returns a clip's file.
func (b *Bank) WAV(name string) ([]byte, error) {
	f, ok := b.files[name]
	if !ok {
		return nil, fmt.Errorf("voice: no clip %q: %w", name, fs.ErrNotExist)
	}
	raw, err := fs.ReadFile(b.fsys, f)
	if err != nil {
		return nil, fmt.Errorf("voice clip %s: %w", name, err)
	}
	return raw, nil
}

// Samples returns a clip's samples.
func (b *Bank) Samples(name string) ([]byte, error) {
	raw, err := b.WAV(name)
	if err != nil {
		return nil, err
	}
	_, samples, err := ParseWAV(raw)
	if err != nil {
		return nil, fmt.Errorf("voice clip %s: %w", name, err)
	}
	return samples, nil
}

// Missing lists the clips of u the bank lacks.
func (b *Bank) Missing(u Utterance) []string {
	var out []string
	for _, c := range u.clips {
		if _, ok := b.files[c]; !ok && c != pause {
			out = append(out, c)
		}
	}
	return out
}

func silence(d time.Duration) int {
	return int(int64(ClipFormat.Rate)*int64(d)/int64(time.Second)) * ClipFormat.Channels * ClipFormat.Bits / 8
}

// PCM joins u's clips into one stream of ClipFormat samples, a word gap
// between clips and a longer silence at each pause, scaled to volume
// percent (0–100). Every clip must be in the bank.
func (b *Bank) PCM(u Utterance, volume int) ([]byte, error) {
	if m := b.Missing(u); len(m) > 0 {
		return nil, fmt.Errorf("voice: clips missing from this build: %s", strings.Join(m, ", "))
	}
	volume = min(max(volume, 0), 100)
	var out []byte
	for i, c := range u.clips {
		if c == pause {
			out = append(out, make([]byte, silence(pauseGap))...)
			continue
		}
		if i > 0 && u.clips[i-1] != pause {
			out = append(out, make([]byte, silence(wordGap))...)
		}
		samples, err := b.Samples(c)
		if err != nil {
			return nil, err
		}
		out = append(out, samples...)
	}
	if volume < 100 {
		for i := 0; i+1 < len(out); i += 2 {
			v := int32(int16(binary.LittleEndian.Uint16(out[i:])))
			binary.LittleEndian.PutUint16(out[i:], uint16(int16(v*int32(volume)/100)))
		}
	}
	return out, nil
}

// Bundled returns the clips built into the kiosk (assets/voice).
func Bundled() (*Bank, error) {
	sub, err := fs.Sub(assets.Voice, "voice")
	if err != nil {
		return nil, fmt.Errorf("voice clips: %w", err)
	}
	return LoadBank(sub)
}
