package diag

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"hallkiosk/backoffice/api"
	"hallkiosk/clock"
	"hallkiosk/devices"
	"hallkiosk/devices/escpos"
	"hallkiosk/devices/idcard"
	"hallkiosk/offline"
)

// citizen is a test citizen whose data must never reach a bundle.
type citizen struct{ name, id, phone string }

// TestBundleHoldsNoPersonalData is the acceptance test of the diagnostics
// bundle: a real store full of test citizens' tickets, check-ins, ratings
// and suggestions, logs in the log files, a card read through the reader
// simulator so the traffic tap holds the card's reply, a scanned code with
// an ID number — and not one name, ID number (either X case) or phone in the
// unzipped bundle, in UTF-8 or in the UTF-16LE of the card's text block.
func TestBundleHoldsNoPersonalData(t *testing.T) {
	env := newHallEnv(t, envOptions{maxRejections: 1, reject: func(r api.Record) string {
		if r.Kind == api.KindSuggestion {
			return "suggestions are not accepted by this test hall"
		}
		return ""
	}})
	ctx := ctxT(t)
	sims := env.set.Sims()
	holder, _ := sims.IDCard.Profile("resident-wangzhe") // 王喆, 11010119880314001X
	citizens := []citizen{
		{"欧阳测试", "11010519491231002X", "13912345678"},
		{"司马小明", "44030519870609004X", "18600001111"},
		{holder.Card.Name, holder.Card.IDNumber, "15800002222"},
	}
	// A check-in, a ticket per citizen, ratings and suggestions with phones.
	if err := env.bo.AddAppointment(api.Appointment{Code: "AP-1", ServiceID: "svc-a", Start: t0.Add(5 * time.Minute),
		End: t0.Add(35 * time.Minute), IDNumber: citizens[0].id, Name: citizens[0].name}); err != nil {
		t.Fatal(err)
	}
	if err := env.store.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := env.store.CheckIn(ctx, offline.CheckInRequest{Code: "AP-1", Method: "id_card", IDNumber: citizens[0].id}); err != nil {
		t.Fatal(err)
	}
	for _, c := range citizens {
		tk, err := env.store.IssueTicket(ctx, offline.TicketRequest{ServiceID: "svc-b", IDNumber: c.id})
		if err != nil {
			t.Fatal(err)
		}
		if err := env.set.PrinterFront().PrintTicket(ctx, escpos.Ticket{Hall: "测试大厅", Service: "乙", Number: tk.Number,
			MaskedID: idcard.MaskID(c.id), IssuedAt: tk.IssuedAt}); err != nil {
			t.Logf("ticket %s not printed: %v", tk.Number, err) // the bundle test does not depend on it
		}
		if err := env.store.RecordRating(ctx, api.Rating{TicketNumber: tk.Number, Overall: 4, Phone: c.phone}); err != nil {
			t.Fatal(err)
		}
		if err := env.store.RecordSuggestion(ctx, api.Suggestion{Category: "service",
			Reasons: []string{"请联系" + c.name + " " + c.phone}, Phone: c.phone}); err != nil {
			t.Fatal(err)
		}
	}
	// A careless log call: numbers are masked on export, which is why
	// names must never be logged in the first place.
	env.log.Logger().Warn("lookup failed", "id", citizens[1].id, "phone", citizens[1].phone)

	_, s := env.session(t, clock.NewFake(time.Now()))
	if _, err := s.ForceSync(ctx); err != nil { // suggestions become dead letters
		t.Fatal(err)
	}
	if v, _ := s.Sync(ctx); len(v.DeadLetters) != len(citizens) {
		t.Fatalf("dead letters %+v", v.DeadLetters)
	}

	// The card holder's card, read by the technician's card test.
	if err := sims.IDCard.Place(holder.ID); err != nil {
		t.Fatal(err)
	}
	if r, err := s.TestCard(ctx, 0); err != nil || !r.Pass {
		t.Fatalf("card test %+v, %v", r, err)
	}
	sims.IDCard.NoReply(1 << 20) // keep the card reply among the tap's last frames
	var tapHoldsCard bool
	for _, fr := range env.set.Info(devices.IDCard).Traffic {
		tapHoldsCard = tapHoldsCard || bytes.Contains(fr.Data, utf16le(holder.Card.Name))
	}
	if !tapHoldsCard {
		t.Fatal("the ID reader's tap holds no card reply: the test would prove nothing")
	}
	// A scanned appointment code that is an ID number.
	scanWith(t, &deviceFixture{set: env.set, s: s}, citizens[1].id)

	dir := t.TempDir()
	res, err := s.ExportBundle(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(res.Path) != dir || !strings.HasPrefix(filepath.Base(res.Path), "hallkiosk-diag-K07-") || res.Bytes == 0 {
		t.Fatalf("bundle %+v", res)
	}
	files := unzip(t, res.Path)

	for _, want := range []string{"manifest.json", "config.json", "health.json", "devices.json", "traffic.json", "traffic.txt",
		"queue.json", "dead-letters.json", "tests.json", "gate.json", "logs/kiosk.log"} {
		if _, ok := files[want]; !ok {
			t.Errorf("bundle lacks %s (has %v)", want, keys(files))
		}
	}
	if !bytes.Contains(files["traffic.json"], []byte("bytes of card data hidden")) {
		t.Error("the bundle's traffic has no masked card reply")
	}
	if !bytes.Contains(files["traffic.json"], []byte("code of 18 characters (content hidden)")) {
		t.Error("the bundle's traffic has no masked scan")
	}
	if !bytes.Contains(files["dead-letters.json"], []byte("suggestions are not accepted")) {
		t.Error("dead letters without their reason")
	}
	if !bytes.Contains(files["logs/kiosk.log"], []byte("lookup failed")) {
		t.Error("the log file is not in the bundle")
	}
	if !bytes.Contains(files["logs/kiosk.log"], []byte(IDNumberRemoved)) || !bytes.Contains(files["logs/kiosk.log"], []byte(PhoneRemoved)) {
		t.Error("the careless log line's numbers were not removed")
	}
	if !bytes.Contains(files["config.json"], []byte(`"token": "(set)"`)) || !bytes.Contains(files["config.json"], []byte(`"pin_hash": "(set)"`)) {
		t.Errorf("config not redacted:\n%s", files["config.json"])
	}

	secrets := map[string][]byte{"token": []byte(testToken), "PIN hash": []byte(testHash())}
	for _, c := range citizens {
		for what, form := range secretForms(c.name, c.id, strings.ToLower(c.id), c.phone) {
			secrets[what] = form
		}
		secrets["masked "+c.id] = []byte(idcard.MaskID(c.id)) // not even the card test's masked view
	}
	for name, b := range files {
		for what, s := range secrets {
			if bytes.Contains(b, s) || strings.Contains(name, string(s)) {
				t.Errorf("%s holds %s", name, what)
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("the export folder holds %d files", len(entries))
	}
}

func unzip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestBundleFolderMustExist(t *testing.T) {
	f := newDeviceFixture(t)
	missing := filepath.Join(t.TempDir(), "usb-stick-not-mounted")
	if _, err := f.s.ExportBundle(ctxT(t), missing); err == nil {
		t.Fatal("bundle written into a folder that does not exist")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Fatal("the export created the missing mount point")
	}
	if d := f.rec.details(ActionExportBundle); len(d) != 1 || !strings.HasPrefix(d[0], "export failed") {
		t.Fatalf("audit %v", d)
	}
}
