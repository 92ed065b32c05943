package store

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestOpenRemovesStaleStageFiles: a stage file left by an import that died
// (no lock held) is removed, with its journal, when the data folder is
// next opened; the stage file of an import still running is not, and that
// import still applies; files that only look alike stay.
func TestOpenRemovesStaleStageFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("stale stage files are found by flock(2)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	dsn := filepath.Join(dir, "ikrar.db")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	first, err := Open(ctx, Options{DSN: dsn, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()

	// What a killed import leaves: the stage file, maybe its journal.
	stale := filepath.Join(dir, ".roster-stage-4242.db")
	for _, name := range []string{stale, stale + "-journal", filepath.Join(dir, "roster-stage-keep.db"), filepath.Join(dir, ".roster-stage-x.txt")} {
		if err := os.WriteFile(name, []byte("left over"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// An import in progress in this data folder.
	live, err := first.StageRoster(ctx, ImportOptions{NewToken: func() string { return "tok-live-000000000000000000" }, NewAccessCode: func() string { return "ABCDEFGH" }})
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Add(ctx, ImportRow{Line: 2, NIP: "198001012005011001", Name: "A", Position: "Staf", Department: "Bidang", Kind: "PNS"}); err != nil {
		t.Fatal(err)
	}
	if live.file == "" {
		t.Fatal("fixture: the SQLite stage has no file")
	}

	second, err := Open(ctx, Options{DSN: dsn, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	second.Close()

	for name, want := range map[string]bool{
		stale: false, stale + "-journal": false, live.file: true,
		filepath.Join(dir, "roster-stage-keep.db"): true, filepath.Join(dir, ".roster-stage-x.txt"): true,
	} {
		if _, err := os.Stat(name); (err == nil) != want {
			t.Errorf("%s: exists = %v, want %v", filepath.Base(name), err == nil, want)
		}
	}
	if _, err := live.Apply(ctx, "test", "r.csv", ImportOptions{}); err != nil {
		t.Fatalf("the running import failed after another start: %v", err)
	}
	file := live.file
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("stage file %s still there after Close: %v", filepath.Base(file), err)
	}
}
