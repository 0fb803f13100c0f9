package offline

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"hallkiosk/backoffice/api"
)

// SyncOptions tunes the sync loop. Zero values take the defaults.
type SyncOptions struct {
	// BatchRecords and BatchBytes bound one POST /v1/sync (default 500
	// records, 512 KiB of payload): large enough to drain a day's backlog
	// in seconds with few fsyncs on either side, small enough for one
	// request timeout on a slow link (docs/offline-sync.md §5.2). A 413 halves
	// the batch.
	BatchRecords int
	BatchBytes   int
	// MaxRejections: a record the back office rejected this many times
	// becomes a dead letter (default 5, docs/offline-sync.md §6).
	MaxRejections int
	// BackoffBase and BackoffMax shape the retry after a transport failure:
	// base × 1.6^n, ±20 % jitter, capped (default 1 s and 2 min; gRPC's
	// schedule, docs/offline-sync.md §1.8 — jitter keeps a hall's kiosks from
	// reconnecting in lockstep).
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// RejectBackoff is the wait before a rejected record is offered again,
	// doubling per rejection, capped at BackoffMax (default 30 s).
	RejectBackoff time.Duration
	// IdleInterval is how long an idle loop sleeps when nothing wakes it;
	// new records wake it at once (default 30 s).
	IdleInterval time.Duration
	// AuthRetry is how long the loop stays stopped after a 401/403 or an
	// untrusted certificate, unless Kick is called (default 1 h).
	AuthRetry time.Duration
	// RefreshInterval: catalog and appointments refresh (default 5 min).
	RefreshInterval time.Duration
	// PurgeInterval: retention purge of personal data (default 15 min).
	PurgeInterval time.Duration
	// OnEvent, when set, is called after every sync attempt (diagnostics
	// screens, tests). It must not block.
	OnEvent func(SyncEvent)
}

func (o SyncOptions) withDefaults() SyncOptions {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.BatchRecords <= 0 {
		o.BatchRecords = 500
	}
	if o.BatchBytes <= 0 {
		o.BatchBytes = 512 << 10
	}
	if o.MaxRejections <= 0 {
		o.MaxRejections = 5
	}
	def(&o.BackoffBase, time.Second)
	def(&o.BackoffMax, 2*time.Minute)
	def(&o.RejectBackoff, 30*time.Second)
	def(&o.IdleInterval, 30*time.Second)
	def(&o.AuthRetry, time.Hour)
	def(&o.RefreshInterval, 5*time.Minute)
	def(&o.PurgeInterval, 15*time.Minute)
	return o
}

// SyncEvent reports one sync attempt.
type SyncEvent struct {
	Sent         int // records in the batch
	Acknowledged int // created or duplicate
	Rejected     int // rejected, will be retried
	Dead         int // rejected for the last time
	Err          error
	// Wait is how long the loop waits before the next attempt unless kicked
	// (0: it goes on at once).
	Wait time.Duration
	// Took is how long the attempt took, for the sync latency metric.
	Took time.Duration
}

// SyncResult is what one batch achieved.
type SyncResult struct {
	Sent, Acknowledged, Rejected, Dead int
}

type syncState struct {
	kick     chan struct{} // Kick: try now, even in back-off
	work     chan struct{} // a record was committed: wake an idle loop
	running  sync.Mutex    // held by RunSync
	inflight sync.Mutex    // held by SyncOnce
	bootID   string        // this process's id, sent with every batch

	mu        sync.Mutex
	limit     int // current batch limit, halved on 413
	lastSync  time.Time
	lastErr   string
	stopped   string // the alarm that stopped the loop: AlarmUnauthorized, AlarmCertificate, AlarmTLSRequired
	serverGap bool   // the back office reported a gap below a record it acknowledged
}

func (st *syncState) init() {
	st.kick = make(chan struct{}, 1)
	st.work = make(chan struct{}, 1)
	if id, err := newRecordID(); err == nil {
		st.bootID = id
	}
}

func (st *syncState) signalWork() {
	select {
	case st.work <- struct{}{}:
	default:
	}
}

// Kick asks the sync loop to try now, cutting short a back-off: call it when
// connectivity is known to be back (a ticket number came from the back
// office, the network link came up, a technician pressed "sync now").
func (s *Store) Kick() {
	select {
	case s.sync.kick <- struct{}{}:
	default:
	}
}

// outRecord is one outbox row on its way out.
type outRecord struct {
	api.Record
	sealed bool
}

// loadBatch reads the next pending records in seq order, at most limit
// records and BatchBytes of payload, so memory stays bounded however long
// the queue is.
func (s *Store) loadBatch(ctx context.Context, limit int) ([]outRecord, error) {
	// A retry time further ahead than any wait the loop sets means the
	// wall clock jumped back (docs/offline-sync.md §3.4); such a record is due.
	now := s.now()
	rows, err := s.rdb.QueryContext(ctx, `SELECT seq, id, kind, occurred_at, payload, sealed, payload_sha256
		FROM outbox WHERE state = 'pending' AND (next_attempt_at <= ? OR next_attempt_at > ?)
		ORDER BY seq LIMIT ?`,
		now.UnixNano(), now.Add(s.opts.Sync.BackoffMax).UnixNano(), limit)
	if err != nil {
		return nil, classify("load batch", err)
	}
	defer rows.Close()
	var out []outRecord
	bytes := 0
	for rows.Next() {
		var r outRecord
		var at int64
		var payload []byte
		if err := rows.Scan(&r.Seq, &r.ID, &r.Kind, &at, &payload, &r.sealed, &r.PayloadSHA256); err != nil {
			return nil, classify("load batch", err)
		}
		r.OccurredAt = time.Unix(0, at).UTC()
		r.Payload = payload
		if bytes+len(payload) > s.opts.Sync.BatchBytes && len(out) > 0 {
			break
		}
		bytes += len(payload) + 200
		out = append(out, r)
	}
	return out, classify("load batch", rows.Err())
}

// SyncOnce sends one batch of pending records and applies the answer. It
// returns a zero result and nil when nothing is due. RunSync calls it in a
// loop; diagnostics may call it for "sync now".
//
// A record becomes acknowledged only on the back office's created or
// duplicate; rejected counts an attempt and, at MaxRejections, makes it a
// dead letter. Any other outcome (transport error, timeout, 5xx, 429, an
// answer that does not parse) leaves the whole batch pending, to be sent
// again: the back office's unique index makes the resend harmless
// (docs/offline-sync.md §0.3–0.4).
func (s *Store) SyncOnce(ctx context.Context) (SyncResult, error) {
	if s.client == nil {
		return SyncResult{}, fmt.Errorf("offline: sync: %w: no back office configured", ErrOffline)
	}
	if why := s.broken.Load(); why != nil {
		return SyncResult{}, fmt.Errorf("offline: sync: %w: %s", ErrStorageBroken, *why)
	}
	// One batch in flight, even when a technician's "sync now" meets the
	// loop: two batches racing would only make duplicates to dedupe.
	s.sync.inflight.Lock()
	defer s.sync.inflight.Unlock()
	s.sync.mu.Lock()
	if s.sync.limit <= 0 {
		s.sync.limit = s.opts.Sync.BatchRecords
	}
	limit := s.sync.limit
	s.sync.mu.Unlock()

	batch, err := s.loadBatch(ctx, limit)
	if err != nil || len(batch) == 0 {
		return SyncResult{}, err
	}
	req := &api.SyncRequest{KioskID: s.opts.KioskID, BootID: s.sync.bootID, SentAt: s.now().UTC(),
		Records: make([]api.Record, 0, len(batch))}
	var unreadable []int
	for i := range batch {
		if batch[i].sealed {
			plain, err := s.seal.open("outbox", batch[i].ID, "payload", batch[i].Payload)
			if err != nil {
				unreadable = append(unreadable, i)
				continue
			}
			batch[i].Payload = plain
		}
		req.Records = append(req.Records, batch[i].Record)
	}
	if len(unreadable) > 0 {
		// A payload that no longer opens (wrong key file) will never open:
		// it is kept as a dead letter for the technician, not resent.
		return s.applyLocalFailure(ctx, batch, unreadable, "payload cannot be unsealed with this kiosk's key")
	}
	res := SyncResult{Sent: len(batch)}
	body, err := s.client.syncBatch(ctx, req)
	if err != nil {
		return res, s.batchFailed(ctx, batch, err)
	}
	outcome, gaps, err := matchSyncResponse(batch, body)
	if err != nil {
		s.setSyncErr(err)
		return res, err
	}
	res, err = s.applyOutcome(ctx, batch, outcome)
	if err != nil {
		return res, err
	}
	s.checkGaps(ctx, gaps)
	s.sync.mu.Lock()
	if s.sync.limit < s.opts.Sync.BatchRecords {
		s.sync.limit = min(s.sync.limit*2, s.opts.Sync.BatchRecords)
	}
	s.sync.stopped = ""
	s.sync.mu.Unlock()
	if res.Acknowledged+res.Rejected+res.Dead == 0 {
		err = fmt.Errorf("offline: sync: the back office answered for none of the %d records sent", len(batch))
		s.setSyncErr(err)
		return res, err
	}
	return res, nil
}

// batchFailed handles a failed POST /v1/sync.
func (s *Store) batchFailed(ctx context.Context, batch []outRecord, err error) error {
	s.setSyncErr(err)
	if errors.Is(err, ErrBadCertificate) {
		s.sync.mu.Lock()
		s.sync.stopped = AlarmCertificate
		s.sync.mu.Unlock()
		s.log.Error("back office certificate not trusted; sync stopped", "error", err.Error())
		return err
	}
	var he *HTTPError
	if !errors.As(err, &he) {
		return err
	}
	switch {
	case he.Code == codeTLSRequired:
		// The records carry personal data; the back office takes them only
		// over TLS. Retrying over the same plain link cannot succeed.
		s.sync.mu.Lock()
		s.sync.stopped = AlarmTLSRequired
		s.sync.mu.Unlock()
		s.log.Error("the back office takes records only over TLS; sync stopped: give backoffice.url as https://")
		return fmt.Errorf("offline: sync: %w", err)
	case he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden:
		// A wrong token or certificate will not fix itself; hammering the
		// back office would only fill its logs (docs/offline-sync.md §5.2).
		s.sync.mu.Lock()
		s.sync.stopped = AlarmUnauthorized
		s.sync.mu.Unlock()
		s.log.Error("back office refused the kiosk token; sync stopped", "status", he.Status)
		return fmt.Errorf("offline: sync: %w: %w", ErrUnauthorized, err)
	case he.Status == http.StatusRequestEntityTooLarge || he.Status == http.StatusBadRequest || he.Status == http.StatusUnprocessableEntity:
		// The batch as a whole was refused. Halve it until the record that
		// causes it stands alone, then count a rejection against that one
		// record so it ends as a dead letter instead of blocking the queue.
		if len(batch) > 1 {
			s.sync.mu.Lock()
			s.sync.limit = max(1, len(batch)/2)
			s.sync.mu.Unlock()
			return err
		}
		_, aerr := s.applyOutcome(ctx, batch, []recordOutcome{{status: api.StatusRejected, reason: he.Error()}})
		return errors.Join(err, aerr)
	}
	return err
}

// applyLocalFailure makes dead letters of records that cannot be sent.
func (s *Store) applyLocalFailure(ctx context.Context, batch []outRecord, idx []int, reason string) (SyncResult, error) {
	now := s.now().UnixNano()
	err := s.write(ctx, "dead-letter unreadable records", func(tx *sql.Tx) error {
		for _, i := range idx {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'dead', last_error = ?, next_attempt_at = ?
				WHERE id = ? AND state = 'pending'`, reason, now, batch[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	s.log.Error("records made dead letters", "count", len(idx), "reason", reason)
	return SyncResult{Sent: len(idx), Dead: len(idx)}, err
}

// recordOutcome is the back office's answer for one record of a batch.
type recordOutcome struct {
	status string // "" when the answer did not mention the record
	reason string
}

// matchSyncResponse parses a sync answer and matches it to the batch. Only
// results whose id and seq both match a record that was sent count, each
// record once; unknown statuses count as no answer. Whatever the body says,
// it cannot acknowledge a record that was not in the batch.
func matchSyncResponse(batch []outRecord, body []byte) ([]recordOutcome, [][2]int64, error) {
	var resp api.SyncResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, nil, fmt.Errorf("offline: sync: malformed answer: %w", err)
	}
	pos := make(map[string]int, len(batch))
	for i, r := range batch {
		pos[r.ID] = i
	}
	out := make([]recordOutcome, len(batch))
	for _, r := range resp.Results {
		i, ok := pos[r.ID]
		if !ok || batch[i].Seq != r.Seq || out[i].status != "" {
			continue
		}
		switch r.Status {
		case api.StatusCreated, api.StatusDuplicate:
			out[i] = recordOutcome{status: r.Status}
		case api.StatusRejected:
			reason := truncate(r.Reason, 300)
			if reason == "" {
				reason = "rejected without a reason"
			}
			out[i] = recordOutcome{status: r.Status, reason: reason}
		}
	}
	return out, resp.Gaps, nil
}

// checkGaps raises the server_gap alarm when the back office reports as
// missing a seq this kiosk holds as acknowledged: a record the back office
// lost (a restored database), which must show up as an alarm, not as
// silence (docs/offline-sync.md §5.2). Pending and dead records in a gap are
// expected and say nothing.
func (s *Store) checkGaps(ctx context.Context, gaps [][2]int64) {
	lost := 0
	for i, g := range gaps {
		if i == 100 {
			break
		}
		var n int
		if s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE seq BETWEEN ? AND ? AND state = 'acknowledged'`,
			g[0], g[1]).Scan(&n) == nil {
			lost += n
		}
	}
	s.sync.mu.Lock()
	was := s.sync.serverGap
	s.sync.serverGap = lost > 0
	s.sync.mu.Unlock()
	if lost > 0 && !was {
		s.log.Error("back office reports acknowledged records missing", "records", lost)
	}
}

// applyOutcome commits the acknowledgements and rejections of one batch in
// one transaction.
func (s *Store) applyOutcome(ctx context.Context, batch []outRecord, outcome []recordOutcome) (SyncResult, error) {
	res := SyncResult{Sent: len(batch)}
	now := s.now()
	o := s.opts.Sync
	err := s.write(ctx, "apply sync answer", func(tx *sql.Tx) error {
		res = SyncResult{Sent: len(batch)}
		acked := make([]int64, 0, len(batch))
		for i, oc := range outcome {
			switch oc.status {
			case api.StatusCreated, api.StatusDuplicate:
				acked = append(acked, batch[i].Seq)
				res.Acknowledged++
			case api.StatusRejected:
				var attempts int
				if err := tx.QueryRowContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ?
					WHERE id = ? AND state = 'pending' RETURNING attempts`, oc.reason, batch[i].ID).Scan(&attempts); err != nil {
					if errors.Is(err, sql.ErrNoRows) {
						continue
					}
					return err
				}
				if attempts >= o.MaxRejections {
					if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'dead' WHERE id = ?`, batch[i].ID); err != nil {
						return err
					}
					res.Dead++
					continue
				}
				wait := min(o.BackoffMax, time.Duration(float64(o.RejectBackoff)*math.Pow(2, float64(attempts-1))))
				if _, err := tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ? WHERE id = ?`,
					now.Add(wait).UnixNano(), batch[i].ID); err != nil {
					return err
				}
				res.Rejected++
			}
		}
		if len(acked) > 0 {
			// One statement for the whole batch's acknowledgements: row by
			// row they were the larger part of the kiosk's cost of a drain.
			// "+state" keeps the planner on the primary key: through the
			// (state, seq) index it would walk every pending row per batch.
			seqs, err := json.Marshal(acked)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'acknowledged', acked_at = ?, last_error = NULL
				WHERE seq IN (SELECT value FROM json_each(?)) AND +state = 'pending'`, now.UnixNano(), string(seqs)); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('last_sync', ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, now.UTC().Format(time.RFC3339Nano))
			return err
		}
		return nil
	})
	if err != nil {
		// Nothing was marked; the batch is sent again and answered
		// "duplicate" — at-least-once, never lost.
		s.setSyncErr(err)
		return SyncResult{Sent: len(batch)}, err
	}
	s.sync.mu.Lock()
	if res.Acknowledged > 0 {
		s.sync.lastSync = now
	}
	s.sync.lastErr = ""
	if res.Dead > 0 {
		s.sync.lastErr = fmt.Sprintf("%d record(s) became dead letters", res.Dead)
	}
	s.sync.mu.Unlock()
	if res.Dead > 0 {
		s.log.Error("records became dead letters", "count", res.Dead)
	}
	return res, nil
}

func (s *Store) setSyncErr(err error) {
	s.sync.mu.Lock()
	s.sync.lastErr = truncate(err.Error(), 300)
	s.sync.mu.Unlock()
}

// backoff is the wait after n consecutive failures: BackoffBase × 1.6^(n-1),
// capped at BackoffMax, ±20 % jitter (docs/offline-sync.md §1.8, §6).
func (o SyncOptions) backoff(n int) time.Duration {
	d := float64(o.BackoffBase) * math.Pow(1.6, float64(max(n-1, 0)))
	d = math.Min(d, float64(o.BackoffMax))
	d *= 0.8 + 0.4*rand.Float64()
	return time.Duration(d)
}

// RunSync delivers the outbox until ctx is cancelled: one batch in flight,
// in seq order, batches back to back while records are due, exponential
// back-off with jitter after failures (honouring Retry-After on 429/503),
// stopped after 401/403 until Kick or AuthRetry, and asleep — no polling
// loop — while there is nothing to send. It also refreshes the catalog and
// appointments and purges expired personal data on their intervals.
//
// On cancel it abandons the request in flight; its records stay pending and
// are resent by the next run, so nothing is lost. It returns nil after a
// cancel, or an error when the store has no back office or a loop is
// already running.
func (s *Store) RunSync(ctx context.Context) error {
	if s.client == nil {
		return fmt.Errorf("offline: sync: %w: no back office configured", ErrOffline)
	}
	if !s.sync.running.TryLock() {
		return errors.New("offline: sync loop already running")
	}
	defer s.sync.running.Unlock()
	o := s.opts.Sync
	var failures int
	var lastRefresh, lastPurge time.Time
	refreshDate := ""
	refreshFailed, contact := false, false
	for ctx.Err() == nil {
		now := s.now()
		// Refresh on its interval, when the business day changes (today's
		// appointments), and once contact returns after a failed refresh —
		// but not on every retry while offline.
		today := s.businessDate(now)
		if now.Sub(lastRefresh) >= o.RefreshInterval || now.Before(lastRefresh) || today != refreshDate || (refreshFailed && contact) {
			err := s.Refresh(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.Warn("refresh failed", "error", err.Error())
			}
			refreshFailed = err != nil
			refreshDate, lastRefresh = today, now
		}
		if now.Sub(lastPurge) >= o.PurgeInterval || now.Before(lastPurge) {
			if _, err := s.PurgeExpired(ctx); err != nil {
				s.log.Warn("purge failed", "error", err.Error())
			}
			lastPurge = now
		}

		// Records committed from here on wake the idle wait; older
		// signals are answered by this attempt.
		select {
		case <-s.sync.work:
		default:
		}
		began := s.now()
		res, err := s.SyncOnce(ctx)
		if ctx.Err() != nil {
			break
		}
		contact = err == nil
		ev := SyncEvent{Sent: res.Sent, Acknowledged: res.Acknowledged, Rejected: res.Rejected, Dead: res.Dead, Err: err, Took: s.now().Sub(began)}
		var wakeOnWork bool
		var he *HTTPError
		switch {
		case err == nil && res.Sent > 0:
			failures = 0
		case err == nil:
			failures = 0
			wakeOnWork = true
			ev.Wait = s.idleWait(ctx, o, now, lastRefresh, lastPurge)
		case errors.Is(err, ErrUnauthorized), errors.Is(err, ErrBadCertificate):
			ev.Wait = o.AuthRetry
		case errors.As(err, &he) && he.RetryAfter > 0:
			// The back office said when; its word beats our schedule.
			failures++
			ev.Wait = he.RetryAfter
		case errors.Is(err, ErrStorageBroken):
			ev.Wait = o.BackoffMax
		default:
			failures++
			ev.Wait = o.backoff(failures)
		}
		if ev.Err != nil && failures == 1 {
			s.log.Warn("sync attempt failed; retrying with back-off", "error", err.Error())
		}
		if o.OnEvent != nil {
			o.OnEvent(ev)
		}
		if ev.Wait > 0 && !s.sleep(ctx, ev.Wait, wakeOnWork) {
			break
		}
	}
	return nil
}

// idleWait is how long an idle loop sleeps: until the next rejected record
// is due, the next refresh or purge, or IdleInterval.
func (s *Store) idleWait(ctx context.Context, o SyncOptions, now, lastRefresh, lastPurge time.Time) time.Duration {
	wait := o.IdleInterval
	wait = min(wait, max(lastRefresh.Add(o.RefreshInterval).Sub(now), time.Millisecond))
	wait = min(wait, max(lastPurge.Add(o.PurgeInterval).Sub(now), time.Millisecond))
	var next sql.NullInt64
	if err := s.rdb.QueryRowContext(ctx, `SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'`).Scan(&next); err == nil && next.Valid {
		wait = min(wait, max(time.Duration(next.Int64-now.UnixNano()), time.Millisecond))
	}
	return wait
}

// sleep waits d on the store's clock, or until Kick, or (wakeOnWork) until a
// new record is committed. It reports false when ctx ended.
func (s *Store) sleep(ctx context.Context, d time.Duration, wakeOnWork bool) bool {
	t := s.clk.NewTimer(d)
	defer t.Stop()
	var work <-chan struct{}
	if wakeOnWork {
		work = s.sync.work
	}
	select {
	case <-ctx.Done():
		return false
	case <-t.C():
	case <-s.sync.kick:
	case <-work:
	}
	return true
}
