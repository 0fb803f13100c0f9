package backoffice

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"hallkiosk/backoffice/api"
)

// TestSameViewSeesEveryField changes each field of a ticket view in turn,
// down into its texts, and requires sameView to notice: a field added to
// api.TicketView or api.Text and left out of sameView would leave pages
// showing an old view.
func TestSameViewSeesEveryField(t *testing.T) {
	view := func() api.TicketView {
		return api.TicketView{Service: api.Text{Keep: []string{"x"}}, Counter: api.Text{Keep: []string{"x"}}}
	}
	base, changed := view(), view()
	if !sameView(base, changed) {
		t.Fatal("two equal views differ")
	}
	var vary func(v reflect.Value, path string)
	vary = func(v reflect.Value, path string) {
		for i := range v.NumField() {
			f, name := v.Field(i), path+v.Type().Field(i).Name
			old := reflect.ValueOf(f.Interface())
			switch f.Kind() {
			case reflect.Struct:
				vary(f, name+".")
				continue
			case reflect.Bool:
				f.SetBool(!f.Bool())
			case reflect.Int:
				f.SetInt(f.Int() + 1)
			case reflect.String:
				f.SetString(f.String() + "!")
			case reflect.Slice:
				f.Set(reflect.Append(f.Slice(0, f.Len()), reflect.ValueOf("y")))
			default:
				t.Fatalf("%s: a field of kind %s; teach this test and sameView", name, f.Kind())
			}
			if sameView(base, changed) {
				t.Errorf("sameView misses a change of %s", name)
			}
			f.Set(old)
		}
	}
	vary(reflect.ValueOf(&changed).Elem(), "")
	if !sameView(base, changed) {
		t.Fatal("the test did not restore the view")
	}
}

// TestLivePagesWakeOnTheirOwnChanges: a ticket page waits on its own view.
// A ticket numbered behind it wakes the display (its waiting count) but not
// the page; the call of the ticket ahead wakes the page, and so does its
// own call. A token no ticket holds yet is woken by every new snapshot.
func TestLivePagesWakeOnTheirOwnChanges(t *testing.T) {
	e := newEnv(t, nil)
	tokA := strings.Repeat("a", api.PageTokenLen)
	tokB := strings.Repeat("b", api.PageTokenLen)
	tokLate := strings.Repeat("c", api.PageTokenLen)
	ctx := context.Background()
	take := func(record, token string) {
		e.ok("POST", "/v1/tickets", tokK1, api.TicketRequest{RecordID: record, KioskID: "K01", ServiceID: "b", PageToken: token}, nil)
	}
	waitFor := func(what string, c <-chan struct{}) {
		t.Helper()
		select {
		case <-c:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: not woken", what)
		}
	}
	take(uuid.NewString(), tokA)
	take(uuid.NewString(), tokB)
	// The snapshot with both tickets is on its way; wait for it.
	for {
		v, in, next, err := e.srv.live.ticket(tokB)
		if err != nil {
			t.Fatal(err)
		}
		if in {
			if v.PeopleAhead != 1 {
				t.Fatalf("B has %d ahead, want 1", v.PeopleAhead)
			}
			break
		}
		waitFor("the snapshot with B", next)
	}
	_, pageB, _ := e.srv.TicketView(ctx, tokB)
	_, pageLate, _ := e.srv.TicketView(ctx, tokLate)
	_, display, _ := e.srv.DisplayView(ctx)

	take(uuid.NewString(), "")
	waitFor("the display after a ticket", display)
	waitFor("a page whose ticket is not numbered yet", pageLate)
	select {
	case <-pageB:
		t.Fatal("a ticket numbered behind B woke B's page")
	default:
	}

	e.ok("POST", "/v1/counters/2/call-next", tokAdmin, nil, nil)
	waitFor("B's page after the call of A", pageB)
	v, pageB, _ := e.srv.TicketView(ctx, tokB)
	if v.PeopleAhead != 0 || v.Status != api.TicketStatusWaiting {
		t.Fatalf("B after A's call: %+v", v)
	}
	e.ok("POST", "/v1/counters/2/call-next", tokAdmin, nil, nil)
	waitFor("B's page after its call", pageB)
	if v, _, _ := e.srv.TicketView(ctx, tokB); v.Status != api.TicketStatusCalled {
		t.Fatalf("B after its call: %+v", v)
	}
}
