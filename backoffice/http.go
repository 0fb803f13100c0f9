package backoffice

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"hallkiosk/backoffice/api"
)

// apiError is an answer other than 2xx, written as api.ErrorBody.
type apiError struct {
	status     int
	code       string
	msg        string
	retryAfter int // seconds; 0 = no Retry-After header
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.msg) }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// handlerFunc is an authenticated endpoint: it writes a success itself and
// returns an error for anything else.
type handlerFunc func(w http.ResponseWriter, r *http.Request, kiosk string) error

// reqInfo travels in the request context so the access log can name the
// kiosk that auth found.
type reqInfo struct{ kiosk string }

type ctxKey struct{}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	// Records carry phone numbers, suggestion texts and ID hashes.
	mux.Handle("POST /v1/sync", s.auth(kioskOnly, private(s.handleSync)))
	mux.Handle("GET /v1/catalog", s.auth(anyRole, s.handleCatalog))
	// A ticket request with an ID hash is refused over plain HTTP from
	// another machine (handleTickets); one without is served anywhere.
	mux.Handle("POST /v1/tickets", s.auth(kioskOnly, s.handleTickets))
	mux.Handle("GET /v1/queue", s.auth(anyRole, s.handleQueue))
	mux.Handle("GET /v1/appointments", s.auth(kioskOnly, private(s.handleAppointments)))
	mux.Handle("GET /v1/progress/{receipt}", s.auth(kioskOnly, private(s.handleProgress)))
	mux.Handle("POST /v1/counters/{counter}/call-next", s.auth(counterOf, s.handleCounterAction(actionCallNext)))
	mux.Handle("GET /v1/hall-key", s.auth(kioskOnly, private(s.handleHallKey)))
	mux.Handle("GET /v1/counters/{counter}", s.auth(counterOf, s.handleCounter))
	for _, a := range []string{actionRecall, actionNoShow, actionDone} {
		mux.Handle("POST /v1/counters/{counter}/"+a, s.auth(counterOf, s.handleCounterAction(a)))
	}
	s.pages.Register(mux)
	// The same paths without a method answer a JSON 405 instead of the
	// mux's plain-text one, so clients parse every error the same way.
	for path, allow := range map[string]string{
		"/healthz": "GET", "/v1/sync": "POST", "/v1/catalog": "GET", "/v1/tickets": "POST",
		"/v1/queue": "GET", "/v1/appointments": "GET", "/v1/progress/{receipt}": "GET",
		"/v1/counters/{counter}/call-next": "POST", "/v1/hall-key": "GET",
		"/v1/counters/{counter}": "GET", "/v1/counters/{counter}/recall": "POST",
		"/v1/counters/{counter}/no-show": "POST", "/v1/counters/{counter}/done": "POST",
	} {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeErr(w, errorf(http.StatusMethodNotAllowed, "method_not_allowed", "use %s", allow))
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, errorf(http.StatusNotFound, "not_found", "no such endpoint"))
	})
	return s.accessLog(mux)
}

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection: the pages'
// event streams flush and lift the write deadline through it.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// accessLog logs one line per request with the route pattern, never the
// path or query: those carry receipt numbers and ID tails.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, info))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panic", "route", r.Pattern, "panic", fmt.Sprint(v))
				if sw.status == 0 {
					writeErr(sw, errorf(http.StatusInternalServerError, "internal", "internal error"))
				}
			}
			level := slog.LevelInfo
			if sw.status >= 500 {
				level = slog.LevelError
			} else if r.Pattern == "GET /healthz" {
				level = slog.LevelDebug
			}
			s.log.LogAttrs(r.Context(), level, "request",
				slog.String("method", clientText(r.Method)), slog.String("route", r.Pattern),
				slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
				slog.String("kiosk", info.kiosk), slog.Duration("took", time.Since(start)))
		}()
		next.ServeHTTP(sw, r)
	})
}

// auth checks the bearer token and its role, and hands the kiosk id (empty
// for a counter or admin token) to the endpoint.
func (s *Server) auth(may access, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p *Principal
		if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
			p = s.principal(strings.TrimSpace(tok))
		}
		if p == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="hallkiosk"`)
			writeErr(w, errorf(http.StatusUnauthorized, "unauthorized", "missing or unknown bearer token"))
			return
		}
		if info, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
			info.kiosk = p.logName()
		}
		if !may(p, r) {
			writeErr(w, errorf(http.StatusForbidden, "forbidden", "a %s token may not do this", p.Role))
			return
		}
		if err := h(w, r, p.Kiosk); err != nil {
			s.fail(w, r, err)
		}
	})
}

// fail writes err as an api.ErrorBody. Storage trouble that passes (locked,
// disk full) is 503 with Retry-After, so the kiosk backs off and resends;
// anything unexpected is a 500 whose details stay in the log.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, ErrBusy):
		ae = &apiError{status: http.StatusServiceUnavailable, code: "unavailable", msg: "storage busy", retryAfter: 2}
	case errors.Is(err, ErrFull):
		s.log.Error("storage full", "route", r.Pattern, "err", err)
		ae = &apiError{status: http.StatusServiceUnavailable, code: "unavailable", msg: "storage full", retryAfter: 60}
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; nobody reads the answer.
		ae = &apiError{status: http.StatusServiceUnavailable, code: "unavailable", msg: "request cancelled", retryAfter: 1}
	default:
		s.log.Error("request failed", "route", r.Pattern, "err", err)
		ae = errorf(http.StatusInternalServerError, "internal", "internal error")
	}
	writeErr(w, ae)
}

func writeErr(w http.ResponseWriter, e *apiError) {
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	writeJSON(w, e.status, api.ErrorBody{Error: api.ErrorDetail{Code: e.code, Message: e.msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"encode answer"}}`)
	}
	writeBytes(w, status, b)
}

func writeBytes(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// readBody reads a request body up to the size limit (413 above it).
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > s.maxBody {
		return nil, errorf(http.StatusRequestEntityTooLarge, "too_large", "body over %d bytes", s.maxBody)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errorf(http.StatusRequestEntityTooLarge, "too_large", "body over %d bytes", s.maxBody)
		}
		return nil, errorf(http.StatusBadRequest, "bad_request", "read body: %v", err)
	}
	return b, nil
}

// decodeStrict decodes exactly one JSON value into v (a pointer). A body
// that does not fit is answered with the field and the rule, never the
// value (jsonFault).
func decodeStrict(b []byte, v any) error {
	// Text that is no character would be decoded to U+FFFD and stored
	// changed; like a record's payload, it is refused at the edge.
	if !utf8.Valid(b) || escapedLoneSurrogate(b) {
		return errorf(http.StatusBadRequest, "bad_request", "malformed JSON: not valid UTF-8 (or a \\u escape of half a UTF-16 surrogate pair)")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return errorf(http.StatusBadRequest, "bad_request", "malformed JSON: %s", jsonFault(b, v, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return errorf(http.StatusBadRequest, "bad_request", "data after the JSON value")
	}
	return nil
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		writeErr(w, &apiError{status: http.StatusServiceUnavailable, code: "unavailable", msg: "storage unavailable", retryAfter: 5})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleSync(w http.ResponseWriter, r *http.Request, kiosk string) error {
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	req, err := parseSyncRequest(body)
	if err != nil {
		return errorf(http.StatusBadRequest, "bad_request", "%v", err)
	}
	if req.KioskID != kiosk {
		// A token is one kiosk's; it may not write another kiosk's sequence.
		return errorf(http.StatusForbidden, "forbidden", "token does not belong to kiosk_id %q", truncate(req.KioskID, 40))
	}
	if len(req.Records) > MaxBatchRecords {
		return errorf(http.StatusRequestEntityTooLarge, "too_large", "%d records in one batch, at most %d", len(req.Records), MaxBatchRecords)
	}
	results := make([]api.RecordResult, len(req.Records))
	payloads := make([]any, len(req.Records))
	for i := range req.Records {
		rec := &req.Records[i]
		results[i] = api.RecordResult{ID: rec.ID, Seq: rec.Seq}
		var why string
		if payloads[i], why = validateRecord(rec); why != "" {
			results[i].Status, results[i].Reason = api.StatusRejected, why
		}
	}
	// At most syncWriters batches wait for the storage's single writer
	// at a time, so a counter's call never queues behind every kiosk of
	// the hall: the writer serves one transaction at a time either way,
	// and the database's wait queue is not first come, first served.
	select {
	case s.syncWriters <- struct{}{}:
	case <-r.Context().Done():
		return fmt.Errorf("sync %s: %w", kiosk, r.Context().Err())
	}
	now := s.clock.Now()
	var resp *api.SyncResponse
	err = s.store.Update(r.Context(), func(tx Tx) (err error) {
		resp, err = s.syncBatch(tx, kiosk, req.Records, payloads, results, now)
		return err
	})
	<-s.syncWriters
	if err != nil {
		return fmt.Errorf("sync %s: %w", kiosk, err)
	}
	var created, dup, rejected int
	queueChanged := false
	for i, res := range resp.Results {
		switch res.Status {
		case api.StatusCreated:
			created++
			queueChanged = queueChanged || changesQueue(req.Records[i].Kind)
		case api.StatusDuplicate:
			dup++
		default:
			rejected++
			s.log.Warn("record rejected", "kiosk", kiosk, "seq", res.Seq, "id", clientText(res.ID), "reason", clientText(res.Reason))
		}
	}
	if queueChanged {
		s.live.changed()
	}
	s.log.Info("sync", "kiosk", kiosk, "boot", clientText(req.BootID), "created", created, "duplicate", dup,
		"rejected", rejected, "acked_through", resp.AckedThroughSeq, "gaps", len(resp.Gaps))
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// changesQueue reports whether a stored record of kind can change what the
// ticket pages and the display show. Ratings and suggestions cannot, and a
// hall's kiosks send many: rebuilding the queue for them would wake every
// open page for nothing.
func changesQueue(kind string) bool {
	switch kind {
	case api.KindTicketIssued, api.KindCheckIn, api.KindTicketPrintFail:
		return true
	}
	return false
}

// etagMatches implements If-None-Match, which compares weakly (RFC 9110
// §13.1.2): W/"x" matches "x".
func etagMatches(header, etag string) bool {
	for _, c := range strings.Split(header, ",") {
		c = strings.TrimPrefix(strings.TrimSpace(c), "W/")
		if c == "*" || c == etag {
			return true
		}
	}
	return false
}

// writeTagged writes body with a strong ETag, or 304 when the client
// already has it. no-cache makes a cache revalidate every time, which is
// what a kiosk polling for changes wants.
func writeTagged(w http.ResponseWriter, r *http.Request, etag, cacheControl string, body []byte) {
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", cacheControl)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeBytes(w, http.StatusOK, body)
}

func (s *Server) handleCatalog(w http.ResponseWriter, r *http.Request, _ string) error {
	writeTagged(w, r, s.cat.etag, "no-cache", s.cat.bytes)
	return nil
}

func (s *Server) handleTickets(w http.ResponseWriter, r *http.Request, kiosk string) error {
	body, err := s.readBody(w, r)
	if err != nil {
		return err
	}
	var req api.TicketRequest
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	// A ticket for a card carries the holder's hall-keyed ID hash, as good
	// as the ID number to whoever has the hall key: over plain HTTP from
	// another machine it is refused like the other personal data. A ticket
	// without a card carries none and is served anywhere. A kiosk on plain
	// HTTP never gets the hall key, so it sends no hash and its citizens
	// still get numbers online.
	if req.IDHash != "" && !privateTransport(r) {
		return errTLSRequired()
	}
	switch {
	case req.KioskID != kiosk:
		return errorf(http.StatusForbidden, "forbidden", "token does not belong to kiosk_id %q", truncate(req.KioskID, 40))
	case !validUUID(req.RecordID):
		return errorf(http.StatusBadRequest, "bad_request", "record_id is not a lowercase canonical UUID")
	case s.cat.services[req.ServiceID] == nil:
		return errorf(http.StatusBadRequest, "bad_request", "unknown service %q", truncate(req.ServiceID, 40))
	case req.IDHash != "" && !validHash(req.IDHash):
		return errorf(http.StatusBadRequest, "bad_request", "id_hash is not a lowercase hex SHA-256")
	case req.PageToken != "" && !api.ValidPageToken(req.PageToken):
		return errorf(http.StatusBadRequest, "bad_request", "page_token is not 22 base64url characters")
	}
	now := s.clock.Now()
	if d := s.ticketsByToken.take(kiosk, now); d > 0 {
		s.log.Warn("kiosk takes ticket numbers faster than any kiosk prints them; refused for now", "kiosk", kiosk)
		return tooMany(d, "tickets")
	}
	var resp *api.TicketResponse
	err = s.store.Update(r.Context(), func(tx Tx) (err error) {
		resp, err = s.issueTicket(tx, kiosk, req, now)
		return err
	})
	if err != nil {
		return err
	}
	s.live.changed()
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) handleHallKey(w http.ResponseWriter, r *http.Request, _ string) error {
	var key []byte
	err := s.store.Update(r.Context(), func(tx Tx) (err error) {
		key, err = tx.Secret(hallKeyName, hallKeySize)
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, api.HallKey{Key: hex.EncodeToString(key)})
	return nil
}

func (s *Server) handleQueue(w http.ResponseWriter, r *http.Request, _ string) error {
	now := s.clock.Now()
	var resp *api.QueueStatus
	err := s.store.View(r.Context(), func(tx Tx) (err error) {
		resp, err = s.queueStatus(tx, now)
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func (s *Server) handleAppointments(w http.ResponseWriter, r *http.Request, kiosk string) error {
	date := r.URL.Query().Get("date")
	if date == "" {
		date = s.businessDate(s.clock.Now())
	}
	if !validDate(date) {
		return errorf(http.StatusBadRequest, "bad_request", "date is not YYYY-MM-DD")
	}
	if d := s.apptsByToken.take(kiosk, s.clock.Now()); d > 0 {
		return tooMany(d, "appointment lists")
	}
	if err := s.ensureDemoDay(r.Context(), date); err != nil {
		return err
	}
	list := api.AppointmentList{Date: date}
	var key []byte
	err := s.store.Update(r.Context(), func(tx Tx) (err error) {
		if key, err = tx.Secret(hallKeyName, hallKeySize); err != nil {
			return err
		}
		list.Appointments, err = tx.Appointments(date)
		return err
	})
	if err != nil {
		return err
	}
	// A kiosk needs to find a booking by the card and to show whose it is,
	// not to know the day's ID numbers and names: it gets the hall-keyed
	// hash and the masked name, so a token taken from a kiosk downloads
	// neither.
	for i, a := range list.Appointments {
		a.IDHash, a.NameMasked = api.HallIDHash(key, a.IDNumber), api.MaskName(a.Name)
		a.IDNumber, a.Name = "", ""
		list.Appointments[i] = a
	}
	body, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("encode appointments: %w", err)
	}
	sum := sha256.Sum256(body)
	// private: hashes and masked names are still personal data; no shared
	// cache may keep them.
	writeTagged(w, r, `"`+hex.EncodeToString(sum[:16])+`"`, "private, no-cache", body)
	return nil
}

func (s *Server) handleProgress(w http.ResponseWriter, r *http.Request, kiosk string) error {
	receipt := strings.ToUpper(r.PathValue("receipt"))
	last4 := strings.ToUpper(r.URL.Query().Get("id_last4"))
	if !validLast4(last4) {
		return errorf(http.StatusBadRequest, "bad_request", "id_last4 must be the last four characters of the ID number")
	}
	// One answer for "no such receipt" and "wrong ID tail", so the endpoint
	// cannot be used to learn which receipts exist.
	notFound := errorf(http.StatusNotFound, "not_found", "no application matches this receipt and ID number")
	if len(receipt) == 0 || len(receipt) > 64 {
		return notFound
	}
	// Per token, every lookup counts; per receipt, the misses: a citizen
	// who typed the right tail may look again, a guesser runs out. Both
	// slots are taken before the lookup, so guesses sent all at once
	// cannot pass the check together while the database answers; a right
	// answer (or a lookup that failed) gives the receipt's slot back.
	now := s.clock.Now()
	if d := s.progressByToken.take(kiosk, now); d > 0 {
		return tooMany(max(d, s.progressByReceipt.wait(receipt, now)), "lookups")
	}
	if d := s.progressByReceipt.take(receipt, now); d > 0 {
		s.progressByToken.release(kiosk, now)
		return tooMany(d, "lookups")
	}
	var p api.Progress
	var want string
	var found bool
	err := s.store.View(r.Context(), func(tx Tx) (err error) {
		p, want, found, err = tx.Progress(receipt)
		return err
	})
	if err != nil {
		s.progressByReceipt.release(receipt, now)
		return err
	}
	if !found || subtle.ConstantTimeCompare([]byte(want), []byte(last4)) != 1 {
		return notFound
	}
	s.progressByReceipt.release(receipt, now)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) handleCounterAction(action string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ string) error {
		counter := r.PathValue("counter")
		now := s.clock.Now()
		var resp *api.CallResult
		err := s.store.Update(r.Context(), func(tx Tx) (err error) {
			resp, err = s.counterAction(tx, counter, action, now)
			return err
		})
		if err != nil {
			return err
		}
		// A done ticket (a call-next finishes the counter's last one)
		// changes the estimate.
		s.est.invalidate()
		s.live.changed()
		s.log.Info("counter action", "action", action, "counter", clientText(counter), "number", resp.Number, "service", resp.ServiceID)
		writeJSON(w, http.StatusOK, resp)
		return nil
	}
}

func (s *Server) handleCounter(w http.ResponseWriter, r *http.Request, _ string) error {
	counter := r.PathValue("counter")
	now := s.clock.Now()
	var resp *api.CounterState
	err := s.store.View(r.Context(), func(tx Tx) (err error) {
		resp, err = s.counterState(tx, counter, now)
		return err
	})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// validHash accepts 64 lowercase hex digits: an HMAC-SHA256 as kiosks
// write it, so that one citizen cannot hash two ways.
func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
