// Package testutil holds small helpers that several packages' tests share:
// a log sink safe for concurrent writers, and the command lines the README
// shows, so tests can run them as written. Only tests import it.
package testutil

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"sync"
)

// SyncBuffer is an io.Writer that goroutines may write to while a test
// reads what they wrote (a logger's sink).
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Bytes returns a copy of everything written so far.
func (s *SyncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// Len returns how many bytes were written so far.
func (s *SyncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

// ShellCommands returns the arguments of every line in the fenced code
// blocks of the Markdown file at path that runs prog ("bin/backoffice",
// "kiosk"): the words after prog, without a trailing # comment or a
// < redirection.
func ShellCommands(path, prog string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][]string
	inCode := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if !inCode || !strings.HasPrefix(line, prog+" ") {
			continue
		}
		line, _, _ = strings.Cut(line, "#")
		line, _, _ = strings.Cut(line, "<")
		out = append(out, strings.Fields(line)[1:])
	}
	return out, sc.Err()
}
