package diag

import (
	"context"
	"log/slog"
	"time"
	"unicode/utf8"

	"hallkiosk/backoffice/api"
)

// Auditor records technician actions. *offline.Store satisfies it: the
// record is committed with an outbox entry and reaches the back office with
// the next sync, so who did what on a kiosk is known off the kiosk too.
type Auditor interface {
	RecordTechnicianAction(ctx context.Context, a api.TechnicianAction) error
}

// Audited action names (api.TechnicianAction.Action). The back office keeps
// them as they are; the details never carry personal data.
const (
	ActionEnter          = "diag_enter"
	ActionWrongPIN       = "diag_wrong_pin"
	ActionLockout        = "diag_lockout"
	ActionPINChange      = "diag_pin_change"
	ActionExit           = "diag_exit"
	ActionIdleExit       = "diag_idle_exit"
	ActionExitProgram    = "diag_exit_program"
	ActionTestPrint      = "diag_test_print"
	ActionTestCard       = "diag_test_card"
	ActionTestScan       = "diag_test_scan"
	ActionPaperReset     = "diag_paper_reset"
	ActionDeviceChange   = "diag_device_change"
	ActionSettingsChange = "diag_settings_change"
	ActionRequeue        = "requeue_dead_letters" // recorded by offline.Store.Requeue itself
	ActionExportDead     = "diag_export_dead_letters"
	ActionExportBundle   = "diag_export_bundle"
	ActionForceSync      = "diag_force_sync"
)

// audit is the package's way of recording: an audit that fails (a broken
// database) must not stop the technician from repairing the kiosk or
// exporting diagnostics, so the failure is logged and the action goes on.
type audit struct {
	a   Auditor
	log *slog.Logger
	now func() time.Time
}

func (au audit) record(ctx context.Context, action, detail string) {
	if au.a == nil {
		return
	}
	detail = clip(detail, 500)
	err := au.a.RecordTechnicianAction(context.WithoutCancel(ctx), api.TechnicianAction{Action: action, Detail: detail, At: au.now()})
	if err != nil {
		au.log.Warn("technician action not recorded", "action", action, "err", err)
	}
}

// clip shortens s to at most n bytes without cutting a character in two.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
