package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBackupWhileSigning takes `ikrar backup` while signers are busy. The
// copy must be one consistent snapshot: it opens, its audit chain verifies
// on its own, and it holds every signature acknowledged before the backup
// started and no more than the live database holds afterwards.
func TestBackupWhileSigning(t *testing.T) {
	const signers = 32
	f := newSigningFixture(t, 3000, 20241127)
	client := newClient(signers)
	led := newLedger()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		drive(ctx, client, f.Srv.Base, f.People, signers, led)
		close(done)
	}()
	if !waitFor(30*time.Second, func() bool { return led.ackCount.Load() >= 20 }) {
		cancel()
		<-done
		_, failures, _ := led.snapshot()
		t.Fatalf("signers got no receipts within 30s: %v\n%s", failures[:min(len(failures), 5)], f.Srv.state())
	}
	ackedBefore, _, _ := led.snapshot()
	backup := filepath.Join(t.TempDir(), "backup.db")
	res := mustCLI(t, "backup", "--db-only", "--data", f.Data, "--out", backup)
	if !strings.Contains(res.Stdout, backup) {
		t.Errorf("backup output does not name the file: %s", res)
	}
	loadStillRunning := ctx.Err() == nil
	<-done
	_, failures, netErrs := led.snapshot()
	for _, msg := range failures[:min(len(failures), 10)] {
		t.Errorf("signing during backup: %s", msg)
	}
	if netErrs > 0 {
		t.Errorf("%d signing requests failed at the network level while the server was up", netErrs)
	}
	if !loadStillRunning {
		t.Logf("the backup took longer than the 2s load; it still overlapped the signing")
	}

	live := openReadOnly(t, f.DB)
	final := len(signaturesOnDisk(t, live))
	bk := openReadOnly(t, backup)
	inBackup := signaturesOnDisk(t, bk)
	checkAcknowledged(t, inBackup, ackedBefore)
	checkSignaturesAudited(t, bk)
	if n := len(inBackup); n < len(ackedBefore) || n > final {
		t.Errorf("backup holds %d signatures; want between %d (acknowledged before it started) and %d (live, after)", n, len(ackedBefore), final)
	}
	bk.Close()
	t.Logf("%d acknowledged before the backup, %d in the backup, %d live at the end", len(ackedBefore), len(inBackup), final)

	// The backup stands alone: verified with no data folder of its own.
	auditOK(t, "--data", t.TempDir(), "--db", backup)
	f.Srv.stop()
	auditOK(t, "--data", f.Data)
}
