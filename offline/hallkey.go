package offline

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"hallkiosk/backoffice/api"
)

// The hall key (api.HallKey) makes the ID hashes that leave the kiosk
// comparable between the hall's kiosks, so the back office can hold a
// citizen to one ticket per service and day whichever kiosk they use. The
// kiosk's own look-ups (fair use offline, appointments) keep the kiosk's
// key: they never leave it, and a hall key that arrives mid-day must not
// make the morning's tickets unrecognisable.

// hallKeyMeta is the meta row holding the hall key, sealed with the
// kiosk's key (hex).
const hallKeyMeta = "hall_key"

// loadHallKey reads the sealed hall key the kiosk fetched earlier, if any.
func (s *Store) loadHallKey(ctx context.Context) error {
	var sealedHex string
	err := s.rdb.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, hallKeyMeta).Scan(&sealedHex)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return classify("read hall key", err)
	}
	sealed, err := hex.DecodeString(sealedHex)
	if err != nil {
		s.log.Error("stored hall key is not hex; it will be fetched again")
		return nil
	}
	key, err := s.seal.open("meta", hallKeyMeta, "value", sealed)
	if err != nil {
		// Another kiosk key (a restored database): fetch it again.
		s.log.Error("stored hall key does not open with this kiosk's key; it will be fetched again")
		return nil
	}
	s.hallKey.Store(&key)
	return nil
}

// refreshHallKey fetches the hall key once; it does not change.
func (s *Store) refreshHallKey(ctx context.Context) error {
	if s.hallKey.Load() != nil {
		return nil
	}
	key, err := s.client.fetchHallKey(ctx)
	if err != nil {
		var he *HTTPError
		if errors.As(err, &he) && he.Status == http.StatusNotFound {
			// A back office without hall keys: fair use stays per kiosk.
			return nil
		}
		return err
	}
	sealed := hex.EncodeToString(s.seal.seal("meta", hallKeyMeta, "value", key))
	err = s.write(ctx, "store hall key", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, hallKeyMeta, sealed)
		return err
	})
	if err != nil {
		return err
	}
	s.hallKey.Store(&key)
	return nil
}

// hallHash is the hall-keyed hash of an ID number, or "" without a hall
// key or a number.
func (s *Store) hallHash(idNumber string) string {
	k := s.hallKey.Load()
	if k == nil {
		return ""
	}
	return api.HallIDHash(*k, idNumber)
}

// fetchHallKey gets the hall's ID-hash key.
func (c *Client) fetchHallKey(ctx context.Context) ([]byte, error) {
	r, err := c.do(ctx, c.timeout, http.MethodGet, "/v1/hall-key", nil, nil, nil)
	if err != nil {
		return nil, err
	}
	var hk api.HallKey
	if err := json.Unmarshal(r.body, &hk); err != nil {
		return nil, fmt.Errorf("offline: GET /v1/hall-key: malformed answer: %w", err)
	}
	key, err := hex.DecodeString(hk.Key)
	if err != nil || len(key) < 16 {
		return nil, errors.New("offline: GET /v1/hall-key: key is not hex of 16 bytes or more")
	}
	return key, nil
}
