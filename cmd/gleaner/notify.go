package main

import (
	"context"
	"log/slog"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"
)

// notifier tells the service manager (systemd, Type=notify) what the daemon is
// doing. Outside systemd NOTIFY_SOCKET is unset and every call does nothing.
type notifier struct {
	log  *slog.Logger
	send func(state string) (bool, error) // sd.SdNotify; replaced in tests
}

func newNotifier(log *slog.Logger) *notifier {
	return &notifier{log: log, send: func(s string) (bool, error) { return sd.SdNotify(false, s) }}
}

func (n *notifier) notify(state string) {
	if _, err := n.send(state); err != nil {
		n.log.Warn("systemd notify", "state", state, "error", err)
	}
}

// ready says startup or a reload is done, with a status line for systemctl status.
func (n *notifier) ready(status string) { n.notify(sd.SdNotifyReady + "\nSTATUS=" + status) }

// reloading says a reload began. systemd 253 and later (Type=notify-reload, or
// ExecReload= waiting for the notification) want the monotonic time with it.
func (n *notifier) reloading() {
	n.notify(sd.SdNotifyReloading + "\n" + sd.SdNotifyMonotonicUsec())
}

func (n *notifier) stopping() { n.notify(sd.SdNotifyStopping) }

func (n *notifier) status(s string) { n.notify("STATUS=" + s) }

// watchdog pings systemd's watchdog at half of WatchdogSec= while healthy
// answers nil; a daemon whose database stops answering is restarted. It returns
// when ctx ends, at once when no watchdog is configured.
func (n *notifier) watchdog(ctx context.Context, healthy func(context.Context) error) {
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
