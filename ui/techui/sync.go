package techui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"hallkiosk/diag"
)

// deadPerPage fits the sync page under its counters and buttons, with room
// for a stopped sync's alarms and a two-line result above the list.
const deadPerPage = 4

// syncScreen is the sync page: what waits to sync, what the back office
// refused, and the actions a technician takes once the cause is fixed.
// diag reads the state and decides the outcomes; the screen draws them.
type syncScreen struct {
	m    *Mode
	s    *diag.Session
	dead []diag.DeadLetterView

	state, result *widget.Label
	deadHead      *widget.Label
	list          *rows
	pg            *pager
	// The list and one dead letter's details share the page; the details
	// replace the list until the technician goes back.
	listView, detailView *fyne.Container
}

// syncPage shows what waits to sync, what the back office refused, and
// the actions a technician takes once the cause is fixed: send now,
// re-queue every dead letter, or open one and re-queue just that one. It
// refreshes itself while shown.
func (m *Mode) syncPage() fyne.CanvasObject {
	sc := &syncScreen{m: m, s: m.sess, state: wrapLabel("…"), result: wrapLabel(""),
		deadHead: section(fmt.Sprintf(txtSyncDeadFmt, 0, 0)),
		listView: container.NewStack(), detailView: container.NewStack()}
	sc.result.TextStyle.Bold = true
	sc.detailView.Hide()
	return sc.build()
}

func (sc *syncScreen) build() fyne.CanvasObject {
	m, s := sc.m, sc.s
	sc.list = m.newRows(deadPerPage, func(slot int) {
		if i := sc.pg.at(slot); i < len(sc.dead) {
			sc.openDetail(sc.dead[i])
		}
	})
	sc.pg = m.newPager(deadPerPage, sc.render)
	poll := s.Poll()
	m.autoRefresh(func(ctx context.Context) func() {
		v, err := poll.Sync(ctx)
		return func() { sc.show(v, err, true) }
	})

	buttons := container.NewGridWithColumns(5,
		sc.action(txtSyncNow, widget.HighImportance, func(ctx context.Context) (string, error) {
			r, err := s.ForceSync(ctx)
			return fmt.Sprintf(txtSyncDoneFmt, r.Sent, r.Acknowledged, r.Rejected, r.Dead, r.Sent, r.Acknowledged, r.Rejected, r.Dead), err
		}),
		sc.action(txtSyncRequeue, widget.MediumImportance, func(ctx context.Context) (string, error) {
			n, err := s.RequeueAll(ctx)
			return fmt.Sprintf(txtSyncRequeuedFmt, n, n), err
		}),
		sc.action(txtSyncExport, widget.MediumImportance, func(ctx context.Context) (string, error) {
			p, err := s.ExportDeadLetters(ctx, m.exportFolder())
			return txtSyncExported + p, err
		}),
		sc.action(txtSyncCheck, widget.MediumImportance, func(ctx context.Context) (string, error) {
			r, err := s.CheckBackOffice(ctx)
			if reason, failed := r.Failure(err); failed {
				return txtReachFail + r.URL + " " + reason, nil
			}
			return fmt.Sprintf(txtReachOKFmt, r.Status, r.RTT.Round(time.Millisecond)) + "  " + r.URL, nil
		}),
		big(m.button(txtRefresh, widget.MediumImportance, sc.load), 0),
	)
	sc.load()
	sc.listView.Objects = []fyne.CanvasObject{container.NewBorder(container.NewVBox(sc.deadHead, sc.list.box()), sc.pg.bar(), nil, nil, layout.NewSpacer())}
	return container.NewBorder(container.NewVBox(sc.state, buttons, sc.result), nil, nil, nil,
		container.NewStack(sc.listView, sc.detailView))
}

// render shows dead letters [lo, hi) in the list's rows.
func (sc *syncScreen) render(lo, hi int) {
	for slot := range deadPerPage {
		switch i := lo + slot; {
		case i < hi:
			sc.list.show(slot, deadLetterLine(sc.dead[i]), false)
		case slot == 0 && len(sc.dead) == 0:
			sc.list.show(slot, txtNone, false)
		default:
			sc.list.hide(slot)
		}
	}
}

// show draws a sync view; a refresh stays on the page of dead letters on
// screen, a load goes back to the first.
func (sc *syncScreen) show(v diag.SyncView, err error, refresh bool) {
	if err != nil {
		sc.state.SetText(txtErrorPrefix + err.Error())
		return
	}
	sc.state.SetText(syncText(v))
	sc.deadHead.SetText(fmt.Sprintf(txtSyncDeadFmt, len(v.DeadLetters), len(v.DeadLetters)))
	sc.dead = v.DeadLetters
	if refresh {
		sc.pg.keep(len(sc.dead))
	} else {
		sc.pg.set(len(sc.dead))
	}
}

func (sc *syncScreen) load() {
	s := sc.s
	sc.m.run(func(ctx context.Context) func() {
		v, err := s.Sync(ctx)
		return func() { sc.show(v, err, false) }
	})
}

// action is a button that runs do in the background, shows its words in
// the result line and reads the state again.
func (sc *syncScreen) action(label string, imp widget.Importance, do func(ctx context.Context) (string, error)) fyne.CanvasObject {
	return sc.m.action(label, imp, sc.result, do, sc.load)
}

func (sc *syncScreen) backToList() {
	sc.detailView.Hide()
	sc.listView.Show()
}

// openDetail shows one dead letter in place of the list, with the button
// that re-queues just that one.
func (sc *syncScreen) openDetail(d diag.DeadLetterView) {
	m := sc.m
	title := section(fmt.Sprintf(txtDeadTitleFmt, d.Seq, d.Seq))
	facts := wrapLabel(joinLines(
		txtDeadKind+d.Kind,
		txtDeadOccurred+when(d.OccurredAt),
		fmt.Sprintf(txtDeadAttemptsFmt, d.Attempts),
		txtDeadID+d.ID,
		txtDeadPersonal+personalText(d.Sealed),
	))
	reason := wrapLabel(d.Reason)
	reason.TextStyle.Bold = true
	requeue := m.button(txtDeadRequeue, widget.HighImportance, func() { sc.requeue(d) })
	back := m.button(txtDeadBack, widget.MediumImportance, sc.backToList)
	sc.detailView.Objects = []fyne.CanvasObject{container.NewVBox(
		title, facts, section(txtDeadReason), reason, widget.NewLabel(txtDeadHint),
		container.NewGridWithColumns(2, big(back, 0), big(requeue, 0)),
	)}
	sc.listView.Hide()
	sc.detailView.Show()
	m.retheme()
}

// requeue puts one dead letter back in the outbox and goes back to the
// list, saying whether it was still there.
func (sc *syncScreen) requeue(d diag.DeadLetterView) {
	s := sc.s
	sc.m.run(func(ctx context.Context) func() {
		got, err := s.RequeueOne(ctx, d.ID)
		return func() {
			switch {
			case err != nil:
				sc.result.SetText(txtErrorPrefix + err.Error())
			case got == diag.RequeueGone:
				sc.result.SetText(fmt.Sprintf(txtDeadGoneFmt, d.Seq, d.Seq))
			default:
				sc.result.SetText(fmt.Sprintf(txtDeadRequeuedFmt, d.Seq, d.Seq))
			}
			sc.backToList()
			sc.load()
		}
	})
}

// deadLetterLine is a dead letter in one line: enough to tell it from the
// others and see why it was refused; the rest is on its details.
func deadLetterLine(d diag.DeadLetterView) string {
	return fmt.Sprintf("#%d  %s  %s  ×%d  %s", d.Seq, d.Kind, when(d.OccurredAt), d.Attempts, d.Reason)
}

// personalText says whether a dead letter holds personal data, which is
// why its content is neither shown nor exported.
func personalText(sealed bool) string {
	if sealed {
		return txtDeadSealed
	}
	return txtNo
}

func syncText(v diag.SyncView) string {
	oldest := "-"
	if v.OldestUnsynced > 0 {
		oldest = age(v.OldestUnsynced)
	}
	lines := []string{
		fmt.Sprintf("%s%d    %s%s", txtSyncPending, v.Pending, txtSyncOldest, oldest),
		txtSyncLast + when(v.LastSync) + "    " + txtSyncOnline + yesNo(v.Online),
	}
	if v.LastSyncError != "" {
		lines = append(lines, txtSyncLastErr+v.LastSyncError)
	}
	if v.Stopped {
		lines = append(lines, txtSyncStopped+strings.Join(v.Alarms, ", "))
	}
	return joinLines(lines...)
}
