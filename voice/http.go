package voice

import (
	"net/http"
	"strings"
)

// Handler serves the bank's clips as WAV files at /<lang>/<key>.wav (the
// names CallClips returns, plus ".wav"), for the hall display to play when
// its browser has no speech synthesis. Mount it under a prefix with
// http.StripPrefix. Only GET and HEAD; an unknown name is 404. The clips
// hold no personal data, so they are cacheable by anyone.
func Handler(b *Bank) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".wav")
		if !ok {
			http.NotFound(w, r)
			return
		}
		// Names come from the bank's own index; a path that is not one of
		// them (../, another folder) is not found, never opened.
		if _, known := b.files[name]; !known {
			http.NotFound(w, r)
			return
		}
		wav, err := b.WAV(name)
		if err != nil {
			http.Error(w, "clip unreadable", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "audio/wav")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.Method == http.MethodHead {
			return
		}
		_, _ = w.Write(wav)
	})
}
