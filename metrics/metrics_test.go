package metrics

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPrometheusText(t *testing.T) {
	r := New()
	tickets := r.Counter("kiosk_tickets_issued_total", "Tickets issued.")
	pending := 7.0
	r.GaugeFunc("kiosk_sync_pending", "Records waiting for the back office.", func() float64 { return pending })
	lat := r.Histogram("kiosk_sync_seconds", "Sync batch latency.", []float64{0.1, 1})
	tickets.Add(3)
	lat.Observe(0.05)
	lat.Observe(0.5)
	lat.Observe(5)
	srv := httptest.NewServer(Handler(r, nil))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	text := string(b)
	for _, want := range []string{
		"# TYPE kiosk_tickets_issued_total counter\nkiosk_tickets_issued_total 3\n",
		"kiosk_sync_pending 7\n",
		`kiosk_sync_seconds_bucket{le="0.1"} 1`,
		`kiosk_sync_seconds_bucket{le="1"} 2`,
		`kiosk_sync_seconds_bucket{le="+Inf"} 3`,
		"kiosk_sync_seconds_count 3",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("exposition lacks %q:\n%s", want, text)
		}
	}
	vals, err := ParseText(text)
	if err != nil {
		t.Fatal(err)
	}
	if vals["kiosk_tickets_issued_total"] != 3 || vals["kiosk_sync_seconds_sum"] != 5.55 {
		t.Fatalf("parsed %v", vals)
	}
}

func TestServeRefusesNonLoopback(t *testing.T) {
	err := Serve(context.Background(), "0.0.0.0:0", http.NotFoundHandler())
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("err = %v", err)
	}
}
