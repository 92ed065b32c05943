//go:build unix

package store

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on f, waiting for none: f is new.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// tryLockFile takes an exclusive flock on f if nobody holds one. The lock
// lasts until f is closed.
func tryLockFile(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
