package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// configWatcher notices when the config file changes on disk. It watches the
// file's directory, not the file: editors and `gleaner sources add` replace the
// file by renaming a new one over it, which a watch on the old inode would never
// see. Only events about the file's own name count (the database usually lives
// in the same directory and is written all the time). Bursts of events (write,
// chmod, rename) are folded into one signal after a quiet period.
type configWatcher struct {
	w        *fsnotify.Watcher
	debounce time.Duration
	log      *slog.Logger

	mu    sync.Mutex
	names map[string]bool // base names that concern the config
}

// newConfigWatcher watches the directory of path, and that of its target when
// path is a symbolic link; and so for each of also that is not "" (the
// topic_file).
func newConfigWatcher(path string, debounce time.Duration, log *slog.Logger, also ...string) (*configWatcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch config: %w", err)
	}
	cw := &configWatcher{w: w, names: map[string]bool{}, debounce: debounce, log: log}
	// Kubernetes mounts a ConfigMap as symbolic links through "..data", which it
	// swaps atomically: the file's own name sees no event then.
	cw.names["..data"] = true
	if err := cw.add(append([]string{path}, also...)...); err != nil {
		w.Close()
		return nil, err
	}
	return cw, nil
}

// add watches more files (and the targets of those that are symbolic links), as
// newConfigWatcher does: a topic_file a reload named.
func (cw *configWatcher) add(files ...string) error {
	var paths []string
	for _, p := range files {
		if p == "" {
			continue
		}
		paths = append(paths, p)
		if target, err := filepath.EvalSymlinks(p); err == nil && target != p {
			paths = append(paths, target)
		}
	}
	dirs := map[string]bool{}
	cw.mu.Lock()
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			cw.mu.Unlock()
			return fmt.Errorf("watch config: %w", err)
		}
		cw.names[filepath.Base(abs)] = true
		dirs[filepath.Dir(abs)] = true
	}
	cw.mu.Unlock()
	for d := range dirs {
		if err := cw.w.Add(d); err != nil {
			return fmt.Errorf("watch config directory %s: %w", d, err)
		}
	}
	return nil
}

// concerns reports whether an event about file concerns the config.
func (cw *configWatcher) concerns(file string) bool {
	cw.mu.Lock()
	defer cw.mu.Unlock()
	return cw.names[filepath.Base(file)]
}

// run sends on changed after each burst of events about the config, until ctx
// ends. A send never blocks: a pending signal already covers the new change.
func (cw *configWatcher) run(ctx context.Context, changed chan<- struct{}) {
	defer cw.w.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case ev, ok := <-cw.w.Events:
			if !ok {
				return
			}
			if !cw.concerns(ev.Name) {
				continue
			}
			cw.log.Debug("config file event", "event", ev.Op.String(), "file", ev.Name)
			timer.Reset(cw.debounce)
		case err, ok := <-cw.w.Errors:
			if !ok {
				return
			}
			cw.log.Warn("watch config", "error", err)
		case <-timer.C:
			select {
			case changed <- struct{}{}:
			default:
			}
		}
	}
}
