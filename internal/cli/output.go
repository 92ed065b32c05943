package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/ikrar/ikrar/internal/config"
	"github.com/ikrar/ikrar/internal/i18n"
	"github.com/ikrar/ikrar/internal/store"
)

// stdoutName is the --out value that means standard output.
const stdoutName = "-"

// writeOutput writes an export to path:
//   - "-": standard output (the summary line then goes to stderr, see
//     statusWriter);
//   - a path that exists and is not a regular file (a device such as
//     /dev/stdout, a pipe, a symlink): opened and written to, never
//     replaced, since renaming over it would swap the device or link for a
//     plain file;
//   - otherwise a temporary file renamed into place, so a failed export
//     never leaves a half-written file under the final name.
func writeOutput(env Env, path string, write func(w io.Writer) error) error {
	if path == stdoutName {
		bw := bufio.NewWriterSize(env.Stdout, 1<<20)
		if err := write(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("write standard output: %w", err)
		}
		return nil
	}
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return i18n.New("cli_out_is_folder", path)
		}
		return writeInPlace(path, write)
	}
	return writeFileAtomic(path, write)
}

func writeInPlace(path string, write func(w io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// writeFileAtomic writes through a temporary file and renames it, so a
// failed export never leaves a half-written file under the final name.
func writeFileAtomic(path string, write func(w io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".ikrar-export-*")
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename to %s: %w", path, err)
	}
	return nil
}

// statusWriter is where an export's summary line goes: stderr when the
// export itself is on stdout, so the two never mix.
func statusWriter(env Env, out string) io.Writer {
	if out == stdoutName {
		return env.Stderr
	}
	return env.Stdout
}

// outLabel names an output in audit events and messages.
func outLabel(out string) string {
	if out == stdoutName {
		return "stdout"
	}
	return filepath.Base(out)
}

// openForLinks opens the existing database for a command that writes
// links or certificates, with the public address settled
// (usePublicBaseURL). The caller closes the store.
func openForLinks(ctx context.Context, cfg *config.Config, log *slog.Logger) (*store.Store, error) {
	st, err := openExisting(ctx, *cfg, log)
	if err != nil {
		return nil, err
	}
	if err := usePublicBaseURL(ctx, cfg, st); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}

// usePublicBaseURL settles the address a command writes into links and
// certificates: --base-url (or IKRAR_BASE_URL) when given, otherwise the
// one `ikrar serve` recorded in the database, so an admin sets it once.
// A localhost address is refused unless --allow-localhost: a QR code to
// localhost works for nobody, and certificates keep it forever.
func usePublicBaseURL(ctx context.Context, cfg *config.Config, st *store.Store) error {
	if !cfg.BaseURLGiven {
		recorded, err := st.Setting(ctx, store.SettingBaseURL)
		switch {
		case err == nil:
			cfg.BaseURL = recorded
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	if config.IsLocalURL(cfg.BaseURL) && !cfg.AllowLocalhost {
		return i18n.New("cli_base_url_local", cfg.BaseURL)
	}
	return nil
}
