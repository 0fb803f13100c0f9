package demo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hallkiosk/assets"
	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/internal/testutil"
)

// The demo's appointments around now stay on today's date even a few
// minutes before or after midnight, so check-in works at any hour, and the
// back office lists them with their holders.
func TestNowAppointmentsStayToday(t *testing.T) {
	for _, at := range []string{"2026-11-29T23:55:00+08:00", "2026-11-30T00:02:00+08:00", "2026-11-29T10:00:00+08:00"} {
		t.Run(at, func(t *testing.T) {
			now, _ := time.Parse(time.RFC3339, at)
			bo, err := backoffice.Open(backoffice.Options{DBPath: filepath.Join(t.TempDir(), "bo.db"), Tokens: map[string]string{"tok": "K01"}})
			if err != nil {
				t.Fatal(err)
			}
			defer bo.Close()
			if err := Seed(bo, now); err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(bo.Handler())
			defer srv.Close()
			day := now.In(Zone()).Format("2006-01-02")
			req, _ := http.NewRequest("GET", srv.URL+"/v1/appointments?date="+day, nil)
			req.Header.Set("Authorization", "Bearer tok")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var list api.AppointmentList
			if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
				t.Fatal(err)
			}
			// A kiosk gets the holder as the hall-keyed hash of the card's
			// number and the masked name: what it matches the card against.
			key := testutil.HallKey(t, srv.URL, "tok")
			people, err := holders()
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range nowAppointments {
				code := AppointmentCode(now, a.slot)
				card := people[a.holder].Card
				found := false
				for _, got := range list.Appointments {
					if got.Code == code && got.NameMasked == api.MaskName(card.Name) && backoffice.ValidIDNumber(card.IDNumber) &&
						got.IDHash == api.HallIDHash(key, card.IDNumber) {
						found = true
					}
				}
				if !found {
					t.Errorf("appointment %s (slot %d) is not among %s's appointments with its holder", code, a.slot, day)
				}
			}
		})
	}
}

// The people of the back office's demo day are the simulator's card
// holders: a name in both has one ID number, and the receipts the
// simulator control offers are demo progress records with the right last
// four characters.
func TestDemoPeopleAreTheCardHolders(t *testing.T) {
	people, err := holders()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]string{}
	for _, p := range people {
		byName[p.Card.Name] = p.Card.IDNumber
	}
	b, err := assets.Catalog.ReadFile("catalog/demo.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Appointments []struct {
			Name     string `json:"name"`
			IDNumber string `json:"id_number"`
		} `json:"appointments"`
		Progress []struct {
			Receipt string `json:"receipt"`
			IDLast4 string `json:"id_last4"`
		} `json:"progress"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	shared := 0
	for _, a := range f.Appointments {
		if id, ok := byName[a.Name]; ok {
			shared++
			if id != a.IDNumber {
				t.Errorf("%s: demo.json has %s, the card %s", a.Name, a.IDNumber, id)
			}
		}
	}
	if shared == 0 {
		t.Error("no demo appointment is for a card holder")
	}
	for _, r := range demoReceipts {
		ok := false
		for _, p := range f.Progress {
			if strings.EqualFold(p.Receipt, r.Code) && strings.Contains(r.Label, "("+strings.ToUpper(p.IDLast4)+")") {
				ok = true
			}
		}
		if !ok {
			t.Errorf("receipt %s (%s) is not a demo progress record", r.Code, r.Label)
		}
	}
}

// The demo hall keeps its zone's time whatever the machine's zone is.
func TestZone(t *testing.T) {
	at := time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC)
	if got := at.In(Zone()).Format("15:04 -07:00"); got != "00:00 +08:00" {
		t.Fatalf("16:00 UTC in the demo hall is %s", got)
	}
	if got := AppointmentCode(at, 91); got != "26113091" {
		t.Fatalf("code %s", got)
	}
}
