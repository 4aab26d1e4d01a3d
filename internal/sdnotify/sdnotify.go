// Package sdnotify tells the service manager (systemd, Type=notify) what the
// daemon is doing: ready, reloading, stopping, a status line, and watchdog
// pings while healthy. Outside systemd NOTIFY_SOCKET is unset and every call
// does nothing.
package sdnotify

import (
	"context"
	"log/slog"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"
)

// Notifier sends notifications to the service manager.
type Notifier struct {
	log  *slog.Logger
	send func(state string) (bool, error)
}

// New returns a Notifier that sends with send, or with sd.SdNotify when send
// is nil; failures are logged to log.
func New(log *slog.Logger, send func(state string) (bool, error)) *Notifier {
	if send == nil {
		send = func(s string) (bool, error) { return sd.SdNotify(false, s) }
	}
	return &Notifier{log: log, send: send}
}

func (n *Notifier) notify(state string) {
	if _, err := n.send(state); err != nil {
		n.log.Warn("systemd notify", "state", state, "error", err)
	}
}

// Ready says startup or a reload is done, with a status line for systemctl status.
func (n *Notifier) Ready(status string) { n.notify(sd.SdNotifyReady + "\nSTATUS=" + status) }

// Reloading says a reload began. systemd 253 and later (Type=notify-reload, or
// ExecReload= waiting for the notification) want the monotonic time with it.
func (n *Notifier) Reloading() {
	n.notify(sd.SdNotifyReloading + "\n" + sd.SdNotifyMonotonicUsec())
}

// Stopping says the daemon is shutting down.
func (n *Notifier) Stopping() { n.notify(sd.SdNotifyStopping) }

// Status replaces the status line.
func (n *Notifier) Status(s string) { n.notify("STATUS=" + s) }

// Watchdog pings systemd's watchdog at half of WatchdogSec= while healthy
// answers nil; a daemon whose database stops answering is restarted. It returns
// when ctx ends, at once when no watchdog is configured.
func (n *Notifier) Watchdog(ctx context.Context, healthy func(context.Context) error) {
	interval, err := sd.SdWatchdogEnabled(false)
	if err != nil {
		n.log.Warn("systemd watchdog", "error", err)
		return
	}
	if interval <= 0 {
		return
	}
	t := time.NewTicker(interval / 2)
	defer t.Stop()
	for {
		hctx, cancel := context.WithTimeout(ctx, interval/4)
		err := healthy(hctx)
		cancel()
		if err == nil {
			n.notify(sd.SdNotifyWatchdog)
		} else if ctx.Err() == nil {
			n.log.Error("unhealthy: not pinging the systemd watchdog", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
