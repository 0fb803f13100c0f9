package backoffice

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"hallkiosk/backoffice/api"
)

// knownKinds are the record kinds this back office accepts. A kind added
// to a newer kiosk is rejected (and dead-lettered there) until the back
// office learns it, rather than stored without its side effects.
var knownKinds = map[string]bool{
	api.KindTicketIssued:     true,
	api.KindTicketPrintFail:  true,
	api.KindCheckIn:          true,
	api.KindRating:           true,
	api.KindSuggestion:       true,
	api.KindTechnicianAction: true,
}

// parseSyncRequest decodes a sync body. Unknown fields are allowed, because
// kiosks of newer versions may add fields (package api: add, never rename);
// trailing data is not, since it means the body was not one JSON value.
func parseSyncRequest(body []byte) (api.SyncRequest, error) {
	var req api.SyncRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		// The field and the rule, never the value: the answer is logged
		// by proxies and kiosks, and the value may be a phone number.
		return api.SyncRequest{}, errors.New("sync request: " + jsonFault(body, &req, err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return api.SyncRequest{}, errors.New("sync request: data after the JSON object")
	}
	if req.KioskID == "" {
		return api.SyncRequest{}, errors.New("sync request: no kiosk_id")
	}
	return req, nil
}

// validateRecord checks what can be checked about a record without the
// database. It returns the decoded payload (a pointer to the kind's type in
// package api), or why the record is rejected.
func validateRecord(r *api.Record) (payload any, reject string) {
	if !validUUID(r.ID) {
		return nil, "id is not a lowercase canonical UUID"
	}
	if r.Seq < 1 {
		return nil, "seq must be 1 or more"
	}
	if !knownKinds[r.Kind] {
		return nil, "kind is not a record kind this back office knows"
	}
	// Text that is not UTF-8 would be stored as is and handed on to every
	// reader of the record; it is refused at the edge instead.
	if !utf8.Valid(r.Payload) {
		return nil, "payload is not valid UTF-8"
	}
	// The same for a \u escape that is no character: decoded, it would be
	// stored as U+FFFD and the text would be quietly changed.
	if escapedLoneSurrogate(r.Payload) {
		return nil, "payload is not valid UTF-8: a \\u escape of half a UTF-16 surrogate pair"
	}
	// The payload is valid JSON: the request it came in parsed. Whether
	// it is an object is the first byte's question.
	p := bytes.TrimLeft(r.Payload, " \t\r\n")
	if len(p) == 0 || p[0] != '{' {
		return nil, "payload is not a JSON object"
	}
	want := strings.ToLower(r.PayloadSHA256)
	if len(want) != sha256.Size*2 {
		return nil, "payload_sha256 is not a hex SHA-256"
	}
	sum := sha256.Sum256(r.Payload)
	if hex.EncodeToString(sum[:]) != want {
		return nil, "payload_sha256 does not match the payload bytes"
	}
	r.PayloadSHA256 = want
	return decodePayload(r.Kind, r.Payload)
}

// decodePayload decodes a payload once, for the checks here and the side
// effects in apply, and checks the fields those side effects rely on.
func decodePayload(kind string, payload []byte) (any, string) {
	bad := func(v any, err error) (any, string) {
		return nil, payloadFault(kind, payload, v, err)
	}
	switch kind {
	case api.KindTicketIssued:
		var p api.TicketIssued
		if err := json.Unmarshal(payload, &p); err != nil {
			return bad(&p, err)
		}
		if p.Number == "" || p.ServiceID == "" || !validDate(p.BusinessDate) {
			return nil, "ticket.issued needs number, service_id and business_date (YYYY-MM-DD)"
		}
		if p.PageToken != "" && !api.ValidPageToken(p.PageToken) {
			return nil, "page_token: not 22 base64url characters"
		}
		return &p, ""
	case api.KindTicketPrintFail:
		var p api.TicketPrintFailed
		if err := json.Unmarshal(payload, &p); err != nil {
			return bad(&p, err)
		}
		if p.Number == "" || !validDate(p.BusinessDate) {
			return nil, "ticket.print_failed needs number and business_date (YYYY-MM-DD)"
		}
		return &p, ""
	case api.KindCheckIn:
		var p api.CheckIn
		if err := json.Unmarshal(payload, &p); err != nil {
			return bad(&p, err)
		}
		if p.AppointmentCode == "" {
			return nil, "appointment.checked_in needs appointment_code"
		}
		if p.Number != "" && !validDate(p.BusinessDate) {
			return nil, "appointment.checked_in with a number needs business_date (YYYY-MM-DD)"
		}
		return &p, ""
	case api.KindRating:
		var p api.Rating
		if err := json.Unmarshal(payload, &p); err != nil {
			return bad(&p, err)
		}
		if p.Overall < 1 || p.Overall > 5 {
			return nil, "rating overall must be 1–5"
		}
		for _, v := range p.Indicators {
			if v < 1 || v > 5 {
				return nil, "rating indicators must be 1–5"
			}
		}
		return &p, ""
	case api.KindSuggestion:
		var p api.Suggestion
		if err := json.Unmarshal(payload, &p); err != nil {
			return bad(&p, err)
		}
		return &p, ""
	case api.KindTechnicianAction:
		var p api.TechnicianAction
		if err := json.Unmarshal(payload, &p); err != nil {
			return bad(&p, err)
		}
		if p.Action == "" {
			return nil, "technician.action needs action"
		}
		return &p, ""
	}
	return nil, "kind is not a record kind this back office knows"
}

// validUUID accepts only the canonical lowercase form, because the id is
// compared as a string: "ABC…" and "abc…" must not become two records.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	u, err := uuid.Parse(s)
	return err == nil && u.String() == s
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == 10
}

// syncBatch stores a validated batch in one transaction and answers it.
// results holds the rejections validateRecord already made; the rest are
// decided here.
func (s *Server) syncBatch(tx Tx, kiosk string, recs []api.Record, payloads []any, results []api.RecordResult, now time.Time) (*api.SyncResponse, error) {
	known, err := loadKnown(tx, kiosk, recs, results)
	if err != nil {
		return nil, err
	}
	for i := range recs {
		if results[i].Status == api.StatusRejected {
			continue
		}
		status, reason, err := s.ingest(tx, kiosk, recs[i], payloads[i], known, now)
		if err != nil {
			return nil, fmt.Errorf("record seq %d: %w", recs[i].Seq, err)
		}
		results[i].Status, results[i].Reason = status, reason
	}
	acked, gaps, err := tx.Watermark(kiosk, maxGaps)
	if err != nil {
		return nil, err
	}
	return &api.SyncResponse{Results: results, AckedThroughSeq: acked, Gaps: gaps, ServerTime: now}, nil
}

// knownRecords indexes the stored records a batch collides with, by id and
// by the sending kiosk's seq; ingest adds each record it stores, so a batch
// that repeats an id or a seq is decided as if sent twice.
type knownRecords struct {
	byID  map[string]RecordKey
	bySeq map[int64]string
}

func loadKnown(tx Tx, kiosk string, recs []api.Record, results []api.RecordResult) (*knownRecords, error) {
	ids := make([]string, 0, len(recs))
	seqs := make([]int64, 0, len(recs))
	for i := range recs {
		if results[i].Status != api.StatusRejected {
			ids, seqs = append(ids, recs[i].ID), append(seqs, recs[i].Seq)
		}
	}
	keys, err := tx.RecordKeys(kiosk, ids, seqs)
	if err != nil {
		return nil, err
	}
	k := &knownRecords{byID: make(map[string]RecordKey, len(keys)), bySeq: make(map[int64]string, len(keys))}
	for _, key := range keys {
		k.add(kiosk, key)
	}
	return k, nil
}

func (k *knownRecords) add(kiosk string, key RecordKey) {
	k.byID[key.ID] = key
	if key.KioskID == kiosk {
		k.bySeq[key.Seq] = key.ID
	}
}

// ingest decides one record: duplicate, rejected, or stored with its side
// effects. Storage errors abort the whole batch, so the kiosk resends it
// and nothing is half-applied.
func (s *Server) ingest(tx Tx, kiosk string, r api.Record, payload any, known *knownRecords, now time.Time) (status, reason string, err error) {
	if prev, found := known.byID[r.ID]; found {
		switch {
		case prev.KioskID != kiosk:
			return api.StatusRejected, "id already stored for another kiosk", nil
		case prev.Seq != r.Seq:
			return api.StatusRejected, fmt.Sprintf("id already stored as seq %d", prev.Seq), nil
		case prev.Kind != r.Kind:
			return api.StatusRejected, fmt.Sprintf("id already stored as kind %s", prev.Kind), nil
		case prev.PayloadSHA256 != r.PayloadSHA256:
			// The idempotency-key draft's 422 case: same key, other content.
			return api.StatusRejected, "id already stored with a different payload", nil
		}
		return api.StatusDuplicate, "", nil
	}
	if other, taken := known.bySeq[r.Seq]; taken {
		return api.StatusRejected, fmt.Sprintf("seq %d already taken by record %s", r.Seq, other), nil
	}
	if s.reject != nil {
		if why := s.reject(r); why != "" {
			return api.StatusRejected, why, nil
		}
	}
	why, err := s.apply(tx, kiosk, r, payload, now)
	if err != nil || why != "" {
		return api.StatusRejected, why, err
	}
	if err := tx.InsertRecord(StoredRecord{Record: r, KioskID: kiosk, ReceivedAt: now}); err != nil {
		return "", "", err
	}
	known.add(kiosk, RecordKey{ID: r.ID, KioskID: kiosk, Seq: r.Seq, Kind: r.Kind, PayloadSHA256: r.PayloadSHA256})
	return api.StatusCreated, "", nil
}

// apply runs a record's side effects inside the batch transaction, on the
// payload validateRecord decoded.
func (s *Server) apply(tx Tx, kiosk string, r api.Record, payload any, now time.Time) (reject string, err error) {
	switch p := payload.(type) {
	case *api.TicketIssued:
		return s.joinQueue(tx, kiosk, r, *p, now)
	case *api.TicketPrintFailed:
		// The ticket stays valid (its number was shown on screen); the
		// flag is for the hall's statistics. An unknown number is fine:
		// its ticket.issued may come in a later batch.
		t, err := tx.TicketByNumber(p.BusinessDate, p.Number)
		if err != nil || t == nil {
			return "", err
		}
		t.PrintFailed = true
		return "", tx.UpdateTicket(t)
	case *api.CheckIn:
		return s.checkIn(tx, kiosk, r, *p, now)
	case *api.Rating:
		return "", tx.InsertRating(r.ID, *p)
	}
	// Suggestions and technician actions are kept as the records themselves.
	return "", nil
}

// joinQueue puts a synced ticket into its service's queue. A ticket the
// kiosk reserved online through /v1/tickets is already there under the same
// record id; an offline-numbered one joins now, ordered by the time it was
// issued, since its holder has been waiting since then.
func (s *Server) joinQueue(tx Tx, kiosk string, r api.Record, p api.TicketIssued, now time.Time) (string, error) {
	t, err := tx.TicketByRecord(r.ID)
	if err != nil {
		return "", err
	}
	if why, err := s.tokenFree(tx, p.PageToken, t); why != "" || err != nil {
		return why, err
	}
	if t != nil {
		if t.Number == p.Number && t.BusinessDate == p.BusinessDate {
			return "", s.mapToken(tx, t, p.PageToken)
		}
		if p.Offline && t.Source == SourceReserved && t.BusinessDate == p.BusinessDate && t.ServiceID == p.ServiceID {
			if why, err := s.kioskSeries(tx, kiosk, p.ServiceID, p.Number); why != "" || err != nil {
				return why, err
			}
			return s.replaceReservation(tx, t, r, p)
		}
		return "number: differs from the ticket reserved for this record", nil
	}
	if t, err = tx.TicketByNumber(p.BusinessDate, p.Number); err != nil {
		return "", err
	}
	if t != nil {
		// The same ticket reached the queue another way: reserved by this
		// kiosk under another record id, or made by the check-in record of
		// the same appointment.
		sameKiosk := t.KioskID == kiosk && t.ServiceID == p.ServiceID
		sameAppt := p.AppointmentCode != "" && t.AppointmentCode == p.AppointmentCode
		if sameKiosk || sameAppt {
			if why, err := s.tokenFree(tx, p.PageToken, t); why != "" || err != nil {
				return why, err
			}
			return "", s.mapToken(tx, t, p.PageToken)
		}
		return "number: belongs to another ticket of that business_date", nil
	}
	if why, err := s.kioskSeries(tx, kiosk, p.ServiceID, p.Number); why != "" || err != nil {
		return why, err
	}
	issued := p.IssuedAt
	if issued.IsZero() {
		issued = r.OccurredAt
	}
	if issued.IsZero() {
		issued = now
	}
	t = &Ticket{
		BusinessDate:    p.BusinessDate,
		Number:          p.Number,
		ServiceID:       p.ServiceID,
		RecordID:        r.ID,
		KioskID:         kiosk,
		Source:          SourceRecord,
		Offline:         p.Offline,
		Priority:        p.Priority || p.AppointmentCode != "",
		AppointmentCode: p.AppointmentCode,
		IssuedAt:        issued,
		Status:          TicketWaiting,
		IDHash:          p.IDHash,
		PageToken:       p.PageToken,
	}
	return "", tx.InsertTicket(t)
}

// tokenFree rejects a record whose page token another ticket than t holds
// already: two tickets behind one page would show a citizen someone
// else's turn. Checked before writing, so the unique index never fails the
// whole batch.
func (s *Server) tokenFree(tx Tx, token string, t *Ticket) (reject string, err error) {
	if token == "" {
		return "", nil
	}
	held, err := tx.TicketByToken(token)
	if err != nil || held == nil || (t != nil && held.ID == t.ID) {
		return "", err
	}
	return "page_token: already belongs to another ticket", nil
}

// mapToken gives a ticket that reached the queue another way (reserved
// online, or through its appointment's check-in record) the page token its
// ticket.issued record carries, so the printed QR opens its page.
func (s *Server) mapToken(tx Tx, t *Ticket, token string) error {
	if token == "" || t.PageToken == token {
		return nil
	}
	if t.PageToken != "" {
		// The first token stays: it is the one already printed.
		return nil
	}
	t.PageToken = token
	return tx.UpdateTicket(t)
}

// kioskSeries checks a ticket number that joins the queue from a record
// and is not already there: it must come from the sending kiosk's own
// offline series, <prefix><kiosk number>-<three digits> (A07-015, see
// package offline). A number of the hall-wide series (A023) that is not in
// the queue was never issued by the back office; accepting it would let
// one record take a number the series has not reached, or, at A999, stop
// the service's ticketing for the day.
func (s *Server) kioskSeries(tx Tx, kiosk, serviceID, number string) (reject string, err error) {
	if s.cat.serialOf(serviceID, number) > 0 {
		return "number: not issued by the back office", nil
	}
	n, ok := s.cat.offlineSeriesOf(serviceID, number)
	if !ok {
		return "number: not a ticket number of service_id (prefix, kiosk number, dash, three digits)", nil
	}
	numbers := s.seriesNumbers()
	if want, set := numbers[kiosk]; set {
		if n != want {
			return "number: not from this kiosk's offline series", nil
		}
		return "", nil
	}
	for other, m := range numbers {
		if m == n && other != kiosk {
			return "number: not from this kiosk's offline series", nil
		}
	}
	// A kiosk without a number in the tokens file is bound to the first
	// series it reports, and to that one only: otherwise one stolen token
	// could claim all 99 series, and every other kiosk's offline tickets
	// would end as dead letters.
	held, err := tx.ClaimOfflineSeries(n, kiosk)
	if err != nil {
		return "", err
	}
	if !held {
		return "number: not from this kiosk's offline series", nil
	}
	return "", nil
}

// replaceReservation turns a number the back office reserved, whose answer
// the kiosk never received, into the ticket the kiosk printed instead
// from its own series under the same record id. Left as it was, the
// reserved number would be called at the counter with nobody holding it,
// while the citizen holding the kiosk's number waited unseen. A
// reservation already called counts as not called: its holder was never
// there, and the real holder has not been called yet.
func (s *Server) replaceReservation(tx Tx, t *Ticket, r api.Record, p api.TicketIssued) (string, error) {
	other, err := tx.TicketByNumber(p.BusinessDate, p.Number)
	if err != nil {
		return "", err
	}
	if other != nil {
		if p.AppointmentCode == "" || other.AppointmentCode != p.AppointmentCode {
			return "number: belongs to another ticket of that business_date", nil
		}
		// The appointment's check-in record got there first and queued the
		// printed number; the reservation only has to leave the queue, and
		// its page token goes to the ticket the citizen holds.
		t.Status, t.PageToken = TicketVoid, ""
		if err := tx.UpdateTicket(t); err != nil {
			return "", err
		}
		return "", s.mapToken(tx, other, p.PageToken)
	}
	s.log.Info("kiosk-numbered ticket replaces an unanswered reservation",
		"record", r.ID, "reserved", t.Number, "number", clientText(p.Number))
	t.Number, t.Source, t.Offline = p.Number, SourceRecord, true
	if p.IDHash != "" {
		t.IDHash = p.IDHash
	}
	if p.PageToken != "" {
		t.PageToken = p.PageToken
	}
	if !p.IssuedAt.IsZero() {
		t.IssuedAt = p.IssuedAt
	}
	t.Status, t.CalledAt, t.Counter = TicketWaiting, time.Time{}, ""
	t.Priority = t.Priority || p.Priority || p.AppointmentCode != ""
	if p.AppointmentCode != "" {
		t.AppointmentCode = p.AppointmentCode
	}
	return "", tx.UpdateTicket(t)
}

// checkIn marks an appointment checked in and makes sure its ticket is in
// the queue. The server is the authority on appointments, but a check-in
// the kiosk made offline against its cached list has happened: an unknown
// or cancelled appointment is logged, not rejected. A number that is
// neither in the queue nor from the kiosk's offline series rejects the
// record before anything is changed.
func (s *Server) checkIn(tx Tx, kiosk string, r api.Record, p api.CheckIn, now time.Time) (string, error) {
	at := p.At
	if at.IsZero() {
		at = r.OccurredAt
	}
	if p.BusinessDate != "" {
		if err := s.loadDemoDay(tx, p.BusinessDate); err != nil {
			return "", err
		}
	}
	a, found, err := tx.AppointmentByCode(p.AppointmentCode)
	if err != nil {
		return "", err
	}
	serviceID := p.ServiceID
	if serviceID == "" && found && a.Status == "booked" {
		serviceID = a.ServiceID
	}
	queue := p.Number != "" && serviceID != ""
	var t *Ticket
	if queue {
		if t, err = tx.TicketByRecord(r.ID); err != nil {
			return "", err
		}
		if t == nil {
			if t, err = tx.TicketByNumber(p.BusinessDate, p.Number); err != nil {
				return "", err
			}
			// Attaching a check-in makes a ticket a priority one; a kiosk
			// may do that only to a ticket it issued itself, or any token
			// could move a friend's ticket to the front of the queue.
			if t != nil && (t.KioskID != kiosk || t.ServiceID != serviceID) {
				return "number: not a ticket of this kiosk and service", nil
			}
		}
		if t == nil {
			if why, err := s.kioskSeries(tx, kiosk, serviceID, p.Number); why != "" || err != nil {
				return why, err
			}
		}
	}
	switch {
	case !found:
		s.log.Warn("check-in of an unknown appointment", "kiosk", kiosk, "seq", r.Seq)
	case a.Status == "booked":
		if err := tx.SetAppointmentStatus(a.Code, "checked_in", at); err != nil {
			return "", err
		}
	case a.Status != "checked_in":
		s.log.Warn("check-in of an appointment that is not booked", "kiosk", kiosk, "seq", r.Seq, "status", a.Status)
	}
	if !queue {
		return "", nil
	}
	if t != nil {
		if t.AppointmentCode == "" {
			t.AppointmentCode, t.Priority = p.AppointmentCode, true
			return "", tx.UpdateTicket(t)
		}
		return "", nil
	}
	if at.IsZero() {
		at = now
	}
	t = &Ticket{
		BusinessDate:    p.BusinessDate,
		Number:          p.Number,
		ServiceID:       serviceID,
		RecordID:        r.ID,
		KioskID:         kiosk,
		Source:          SourceCheckIn,
		Priority:        true,
		AppointmentCode: p.AppointmentCode,
		IssuedAt:        at,
		Status:          TicketWaiting,
	}
	return "", tx.InsertTicket(t)
}
