// Package demo is the demonstration hall the kiosk runs without a
// configuration: its catalog (the seed catalog open around the clock), its
// time zone, the appointments booked around the time a demo starts, and
// the codes the simulator control offers to scan.
//
// The people are the simulator's card holders (assets/cards/profiles.json,
// devices/sim/idcardsim): an appointment names its holder by profile, so a
// name and an ID number are written once. The back office's own demo day
// and progress records are assets/catalog/demo.json (backoffice/demo.go);
// this package's tests check that its people are the same card holders.
package demo

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"hallkiosk/assets"
	"hallkiosk/backoffice"
	"hallkiosk/backoffice/api"
	"hallkiosk/devices/sim/idcardsim"
)

// Catalog is the seed catalog with the hall open around the clock, so a
// newcomer can take tickets at night and at weekends.
func Catalog() ([]byte, error) {
	c, err := seed()
	if err != nil {
		return nil, err
	}
	c.OpenAllDay()
	c.Version += "-demo"
	return json.Marshal(c)
}

func seed() (api.Catalog, error) {
	var c api.Catalog
	if err := json.Unmarshal(assets.SeedCatalog(), &c); err != nil {
		return c, fmt.Errorf("seed catalog: %w", err)
	}
	return c, nil
}

// Zone is the demo hall's time zone, the seed catalog's (Asia/Shanghai).
// Without the zone database (or with a catalog that names none) it is
// UTC+8 without daylight saving, which is what mainland China keeps.
func Zone() *time.Location {
	if c, err := seed(); err == nil && c.Hall.Timezone != "" {
		if loc, err := time.LoadLocation(c.Hall.Timezone); err == nil {
			return loc
		}
	}
	return time.FixedZone("CST", 8*3600)
}

// nowAppointment is an appointment booked around the time the demo starts,
// for one of the simulator's card holders (by profile ID).
type nowAppointment struct {
	slot    int
	service string
	offset  time.Duration
	holder  string
}

// nowAppointments make check-in work whenever a newcomer tries it (the
// back office's own demo day is booked from 09:00). Their codes are
// today's date and slots 91–93.
var nowAppointments = []nowAppointment{
	{91, "sb-card", 10 * time.Minute, "resident-wangzhe"},
	{92, "bdc-transfer", -5 * time.Minute, "resident-lixiuying"},
	{93, "crj-passport", 20 * time.Minute, "hkmotw-chen"},
}

// AppointmentCode is the code of the demo appointment in slot on now's
// date in the hall: YYMMDD and the slot, e.g. 26112991.
func AppointmentCode(now time.Time, slot int) string {
	return fmt.Sprintf("%s%02d", now.In(Zone()).Format("060102"), slot)
}

// NowAppointments are the appointments booked around now, on today's date
// in the hall even a few minutes before or after midnight (an offset that
// would leave the day books the appointment at now instead).
func NowAppointments(now time.Time) ([]api.Appointment, error) {
	people, err := holders()
	if err != nil {
		return nil, err
	}
	now = now.In(Zone()).Truncate(time.Minute)
	out := make([]api.Appointment, 0, len(nowAppointments))
	for _, a := range nowAppointments {
		p, ok := people[a.holder]
		if !ok {
			return nil, fmt.Errorf("demo appointment %d: no card holder %q among the simulator's profiles", a.slot, a.holder)
		}
		start := now.Add(a.offset)
		if start.YearDay() != now.YearDay() {
			start = now
		}
		out = append(out, api.Appointment{
			Code: AppointmentCode(now, a.slot), ServiceID: a.service,
			Start: start, End: start.Add(30 * time.Minute), IDNumber: p.Card.IDNumber, Name: p.Card.Name,
		})
	}
	return out, nil
}

// holders are the simulator's card profiles by ID.
func holders() (map[string]idcardsim.Profile, error) {
	ps, err := idcardsim.LoadProfiles()
	if err != nil {
		return nil, err
	}
	m := make(map[string]idcardsim.Profile, len(ps))
	for _, p := range ps {
		m[p.ID] = p
	}
	return m, nil
}

// Seed books NowAppointments on the back office.
func Seed(bo *backoffice.Server, now time.Time) error {
	as, err := NowAppointments(now)
	if err != nil {
		return err
	}
	for _, a := range as {
		if err := bo.AddAppointment(a); err != nil {
			return fmt.Errorf("demo appointment %s: %w", a.Code, err)
		}
	}
	return nil
}

// Code is a code the simulator control offers to scan: the code and what
// it is, for the technician's menu.
type Code struct {
	Code, Label string
}

// demoReceipts are receipts of assets/catalog/demo.json's progress
// records, with the last four characters of their holder's ID number.
var demoReceipts = []Code{
	{"SB2026112900012", "办件回执 receipt SB2026112900012 (0866)"},
	{"HJ2026112500046", "办件回执 receipt HJ2026112500046 (002X)"},
}

// ScanCodes are the codes the simulator control offers on now's date: the
// appointments around now, the back office's demo day (slots 1–6, from
// 09:00) and two progress receipts.
func ScanCodes(now time.Time) ([]Code, error) {
	as, err := NowAppointments(now)
	if err != nil {
		return nil, err
	}
	var out []Code
	for _, a := range as {
		out = append(out, Code{a.Code, fmt.Sprintf("预约 appointment %s (%s)", a.Code, a.Name)})
	}
	for slot := 1; slot <= 6; slot++ {
		code := AppointmentCode(now, slot)
		out = append(out, Code{code, "预约 appointment " + code + " (09:00–)"})
	}
	return append(out, demoReceipts...), nil
}

// Token returns a fresh bearer token for the kiosk on the embedded back
// office.
func Token() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return "demo-" + hex.EncodeToString(b), nil
}
