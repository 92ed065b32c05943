package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
)

// A SQLite import stages its rows in a file next to the database
// (".roster-stage-*.db", see StageRoster). Close removes it, but an import
// killed mid-way (kill -9, power loss) leaves it behind, and nothing else
// would ever remove it: a million-row stage is ~150 MB.
//
// What proves a stage file stale is its lock: the import holds an
// exclusive flock(2) on it from the moment it is created until it is
// removed, and the kernel drops that lock when the process ends, however
// it ends. Open removes every stage file whose lock it can take; a file
// in use by a running import (in this process or another) stays.
// A pid file would not do: pids are reused, and a container restart gives
// the next process the dead one's pid.

const stageFilePattern = ".roster-stage-*.db"

// createStageFile makes a new stage file in dir and returns it locked;
// closing the returned file releases the lock.
func createStageFile(dir string) (path string, lock *os.File, err error) {
	for range 3 {
		f, err := os.CreateTemp(dir, stageFilePattern)
		if err != nil {
			return "", nil, err
		}
		if err := lockFile(f); err != nil {
			f.Close()
			os.Remove(f.Name())
			return "", nil, fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		// Between CreateTemp and the lock, another process starting up
		// may have taken the file for stale and removed it: then the
		// path is gone (or is someone else's), and this one tries again.
		if same, err := samePath(f); err == nil && same {
			return f.Name(), f, nil
		}
		f.Close()
	}
	return "", nil, errors.New("stage file removed as soon as it was made, three times")
}

// samePath reports whether f's path still names f itself.
func samePath(f *os.File) (bool, error) {
	a, err := f.Stat()
	if err != nil {
		return false, err
	}
	b, err := os.Stat(f.Name())
	if err != nil {
		return false, err
	}
	return os.SameFile(a, b), nil
}

// removeStaleStages removes the stage files in dir (and the journal
// SQLite may have left beside one) that no running import holds.
func removeStaleStages(dir string, log *slog.Logger) {
	names, err := filepath.Glob(filepath.Join(dir, stageFilePattern))
	if err != nil {
		return // the pattern is constant and valid
	}
	for _, name := range names {
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			continue // gone meanwhile, or not ours to touch
		}
		if tryLockFile(f) {
			err := errors.Join(removeIfExists(name+"-journal"), removeIfExists(name))
			if err != nil {
				log.Warn("stale roster staging file not removed", "file", name, "err", err)
			} else {
				log.Info("stale roster staging file removed (an import was interrupted)", "file", name)
			}
		}
		f.Close()
	}
}

func removeIfExists(name string) error {
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
