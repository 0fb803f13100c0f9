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

// syncPage shows what waits to sync, what the back office refused, and
// the actions a technician takes once the cause is fixed: send now,
// re-queue every dead letter, or open one and re-queue just that one. It
// refreshes itself while shown.
func (m *Mode) syncPage() fyne.CanvasObject {
	s := m.sess
	state := wrapLabel("…")
	result := wrapLabel("")
	result.TextStyle.Bold = true
	deadHead := section(fmt.Sprintf(txtSyncDeadFmt, 0, 0))
	var dead []diag.DeadLetterView

	// The list and one dead letter's details share the page; the details
	// replace the list until the technician goes back.
	listView := container.NewStack()
	detailView := container.NewStack()
	detailView.Hide()
	var openDetail func(d diag.DeadLetterView)

	var pg *pager
	list := m.newRows(deadPerPage, func(slot int) {
		if i := pg.index*deadPerPage + slot; i < len(dead) {
			openDetail(dead[i])
		}
	})
	pg = m.newPager(deadPerPage, func(lo, hi int) {
		for slot := range deadPerPage {
			switch i := lo + slot; {
			case i < hi:
				list.show(slot, deadLetterLine(dead[i]), false)
			case slot == 0 && len(dead) == 0:
				list.show(slot, txtNone, false)
			default:
				list.hide(slot)
			}
		}
	})
	show := func(v diag.SyncView, err error, refresh bool) {
		if err != nil {
			state.SetText(txtErrorPrefix + err.Error())
			return
		}
		state.SetText(syncText(v))
		deadHead.SetText(fmt.Sprintf(txtSyncDeadFmt, len(v.DeadLetters), len(v.DeadLetters)))
		dead = v.DeadLetters
		if refresh {
			pg.keep(len(dead))
		} else {
			pg.set(len(dead))
		}
	}
	load := func() {
		m.run(func(ctx context.Context) func() {
			v, err := s.Sync(ctx)
			return func() { show(v, err, false) }
		})
	}
	poll := s.Poll()
	m.autoRefresh(func(ctx context.Context) func() {
		v, err := poll.Sync(ctx)
		return func() { show(v, err, true) }
	})

	backToList := func() {
		detailView.Hide()
		listView.Show()
	}
	openDetail = func(d diag.DeadLetterView) {
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
		requeue := m.button(txtDeadRequeue, widget.HighImportance, func() {
			m.run(func(ctx context.Context) func() {
				n, err := s.Requeue(ctx, d.ID)
				return func() {
					switch {
					case err != nil:
						result.SetText(txtErrorPrefix + err.Error())
					case n == 0:
						result.SetText(fmt.Sprintf(txtDeadGoneFmt, d.Seq, d.Seq))
					default:
						result.SetText(fmt.Sprintf(txtDeadRequeuedFmt, d.Seq, d.Seq))
					}
					backToList()
					load()
				}
			})
		})
		back := m.button(txtDeadBack, widget.MediumImportance, backToList)
		detailView.Objects = []fyne.CanvasObject{container.NewVBox(
			title, facts, section(txtDeadReason), reason, widget.NewLabel(txtDeadHint),
			container.NewGridWithColumns(2, big(back, 0), big(requeue, 0)),
		)}
		listView.Hide()
		detailView.Show()
		m.retheme()
	}

	act := func(label string, imp widget.Importance, do func(ctx context.Context) (string, error)) fyne.CanvasObject {
		return big(m.button(label, imp, func() {
			m.run(func(ctx context.Context) func() {
				text, err := do(ctx)
				return func() {
					if err != nil {
						result.SetText(txtErrorPrefix + err.Error())
					} else {
						result.SetText(text)
					}
					load()
				}
			})
		}), 0)
	}
	buttons := container.NewGridWithColumns(5,
		act(txtSyncNow, widget.HighImportance, func(ctx context.Context) (string, error) {
			r, err := s.ForceSync(ctx)
			return fmt.Sprintf(txtSyncDoneFmt, r.Sent, r.Acknowledged, r.Rejected, r.Dead, r.Sent, r.Acknowledged, r.Rejected, r.Dead), err
		}),
		act(txtSyncRequeue, widget.MediumImportance, func(ctx context.Context) (string, error) {
			n, err := s.RequeueAll(ctx)
			return fmt.Sprintf(txtSyncRequeuedFmt, n, n), err
		}),
		act(txtSyncExport, widget.MediumImportance, func(ctx context.Context) (string, error) {
			p, err := s.ExportDeadLetters(ctx, m.exportFolder())
			return txtSyncExported + p, err
		}),
		act(txtSyncCheck, widget.MediumImportance, func(ctx context.Context) (string, error) {
			r, err := s.CheckBackOffice(ctx)
			if err != nil || !r.Reachable {
				reason := r.Error
				if err != nil {
					reason = err.Error()
				}
				return txtReachFail + r.URL + " " + reason, nil
			}
			return fmt.Sprintf(txtReachOKFmt, r.Status, r.RTT.Round(time.Millisecond)) + "  " + r.URL, nil
		}),
		big(m.button(txtRefresh, widget.MediumImportance, load), 0),
	)
	load()
	listView.Objects = []fyne.CanvasObject{container.NewBorder(container.NewVBox(deadHead, list.box()), pg.bar(), nil, nil, layout.NewSpacer())}
	return container.NewBorder(container.NewVBox(state, buttons, result), nil, nil, nil,
		container.NewStack(listView, detailView))
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
