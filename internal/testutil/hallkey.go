package testutil

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"

	"hallkiosk/backoffice/api"
)

// HallKey fetches the hall's ID-hash key from the back office at base with
// a kiosk token, as a kiosk does: tests compare the hall-keyed hashes the
// back office sends with api.HallIDHash of the number they expect.
func HallKey(t testing.TB, base, token string) []byte {
	t.Helper()
	req, err := http.NewRequest("GET", base+"/v1/hall-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var hk api.HallKey
	if err := json.NewDecoder(resp.Body).Decode(&hk); err != nil {
		t.Fatalf("GET /v1/hall-key: %d: %v", resp.StatusCode, err)
	}
	key, err := hex.DecodeString(hk.Key)
	if err != nil || len(key) == 0 {
		t.Fatalf("hall key %q: %v", hk.Key, err)
	}
	return key
}
