package logbatch

import (
	"bytes"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is the log destination; Flush may write from the timer's
// goroutine.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.writes
}

func TestBatches(t *testing.T) {
	for _, tc := range []struct {
		name      string
		limit     int
		lines     int
		then      func(w *Writer)
		wantOut   int // lines written out before then
		wantWrite int // underlying writes before then
	}{
		{name: "held until flush", limit: 1 << 20, lines: 3, then: func(w *Writer) { _ = w.Flush() }, wantOut: 0, wantWrite: 0},
		{name: "held until close", limit: 1 << 20, lines: 3, then: func(w *Writer) { _ = w.Close() }, wantOut: 0, wantWrite: 0},
		// each line is 7 bytes: the fourth passes 25 and writes all four at once
		{name: "written when full", limit: 25, lines: 5, then: func(w *Writer) { _ = w.Flush() }, wantOut: 4, wantWrite: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out lockedBuffer
			w := New(&out, time.Hour, tc.limit)
			var want strings.Builder
			for i := range tc.lines {
				line := fmt.Sprintf("line %d\n", i)
				want.WriteString(line)
				if n, err := w.Write([]byte(line)); n != len(line) || err != nil {
					t.Fatalf("write: %d, %v", n, err)
				}
			}
			if got := strings.Count(out.String(), "\n"); got != tc.wantOut || out.count() != tc.wantWrite {
				t.Fatalf("before %s: %d lines in %d writes, want %d in %d", tc.name, got, out.count(), tc.wantOut, tc.wantWrite)
			}
			tc.then(w)
			if out.String() != want.String() {
				t.Fatalf("out %q, want %q", out.String(), want.String())
			}
		})
	}
}

// The interval writes a batch with nobody calling Flush.
func TestBatchWrittenWithinInterval(t *testing.T) {
	var out lockedBuffer
	w := New(&out, time.Millisecond, 1<<20)
	_, _ = w.Write([]byte("a\n"))
	_, _ = w.Write([]byte("b\n"))
	for deadline := time.Now().Add(10 * time.Second); out.String() != "a\nb\n"; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never written: %q", out.String())
		}
	}
	// and again for the next batch
	_, _ = w.Write([]byte("c\n"))
	for deadline := time.Now().Add(10 * time.Second); out.String() != "a\nb\nc\n"; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("second batch never written: %q", out.String())
		}
	}
}

func TestWritesAfterCloseGoThrough(t *testing.T) {
	var out lockedBuffer
	w := New(&out, time.Hour, 1<<20)
	_, _ = w.Write([]byte("before\n"))
	_ = w.Close()
	_, _ = w.Write([]byte("after\n"))
	if out.String() != "before\nafter\n" {
		t.Fatalf("out %q", out.String())
	}
}

// An error reaches the log at once, after the lines logged before it; an
// info line waits for its batch.
func TestFlushAbove(t *testing.T) {
	var out lockedBuffer
	w := New(&out, time.Hour, 1<<20)
	log := slog.New(FlushAbove(slog.LevelWarn, slog.NewTextHandler(w, nil), w)).With("app", "ikrar").WithGroup("g")
	log.Info("request", "n", 1)
	if out.String() != "" {
		t.Fatalf("info written at once: %q", out.String())
	}
	log.Error("request failed", "n", 2)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "msg=request app=ikrar g.n=1") || !strings.Contains(lines[1], `msg="request failed" app=ikrar g.n=2`) {
		t.Fatalf("after the error: %q", out.String())
	}
}

// Two loggers on one Writer, as serve has them: request lines batched,
// every other line written at once with the batched lines before it.
func TestAtOnceBesideBatched(t *testing.T) {
	var out lockedBuffer
	w := New(&out, time.Hour, 1<<20)
	h := slog.NewTextHandler(w, nil)
	requests := slog.New(FlushAbove(slog.LevelWarn, h, w))
	log := slog.New(AtOnce(h, w))
	requests.Info("request", "n", 1)
	if out.String() != "" {
		t.Fatalf("request line written at once: %q", out.String())
	}
	log.Info("certificate made", "n", 2)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "msg=request n=1") || !strings.Contains(lines[1], `msg="certificate made" n=2`) {
		t.Fatalf("after a line written at once: %q", out.String())
	}
}

// Many goroutines logging while batches are written: every line once,
// whole, each goroutine's lines in its order.
func TestConcurrentWriters(t *testing.T) {
	var out lockedBuffer
	w := New(&out, 50*time.Microsecond, 512)
	const writers, each = 8, 500
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, _ = fmt.Fprintf(w, "g%d line %04d\n", g, i)
				if i%97 == 0 {
					_ = w.Flush()
				}
			}
		}()
	}
	wg.Wait()
	_ = w.Close()
	next := make([]int, writers)
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		var g, i int
		if _, err := fmt.Sscanf(l, "g%d line %d", &g, &i); err != nil || g < 0 || g >= writers {
			t.Fatalf("broken line %q", l)
		}
		if i != next[g] {
			t.Fatalf("goroutine %d: line %d after %d", g, i, next[g]-1)
		}
		next[g]++
	}
	for g, n := range next {
		if n != each {
			t.Fatalf("goroutine %d: %d lines, want %d", g, n, each)
		}
	}
}

// gatedWriter holds its first write until gate is closed (entered says
// it has begun) and keeps what it was given in the order writes end.
// It has no lock of its own around the bytes, as a plain file or buffer:
// the Writer must never write to it from two goroutines at once (-race).
type gatedWriter struct {
	mu      sync.Mutex
	started bool
	entered chan struct{}
	gate    chan struct{}
	b       bytes.Buffer
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	first := !g.started
	g.started = true
	g.mu.Unlock()
	if first {
		close(g.entered)
		<-g.gate
	}
	return g.b.Write(p)
}

// A line written after Close comes after every line written before it,
// and never beside another write: here Close waits behind a batch being
// written, with a line buffered before Close; a line written then went
// straight to the destination, ahead of that line and while the batch
// was still being written.
func TestCloseKeepsOrder(t *testing.T) {
	out := &gatedWriter{entered: make(chan struct{}), gate: make(chan struct{})}
	w := New(out, time.Hour, 1<<20)
	_, _ = w.Write([]byte("1\n"))
	flushed := make(chan error)
	go func() { flushed <- w.Flush() }()
	<-out.entered // "1" is being written, slowly
	_, _ = w.Write([]byte("2\n"))
	closed := make(chan error)
	go func() { closed <- w.Close() }()
	for { // Close has begun
		w.mu.Lock()
		c := w.closed
		w.mu.Unlock()
		if c {
			break
		}
		runtime.Gosched()
	}
	wrote := make(chan error)
	go func() {
		_, err := w.Write([]byte("3\n"))
		wrote <- err
	}()
	// A correct Writer holds "3" until "1" and "2" are out; give a wrong
	// one a moment to send it early (a slow machine can only hide the
	// fault, never fail a correct Writer).
	select {
	case <-wrote:
		wrote = nil
	case <-time.After(100 * time.Millisecond):
	}
	close(out.gate)
	for _, c := range []chan error{flushed, closed, wrote} {
		if c != nil {
			if err := <-c; err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := out.b.String(); got != "1\n2\n3\n" {
		t.Fatalf("written %q, want %q", got, "1\n2\n3\n")
	}
}

// Loggers still running while the server closes its log: every line
// once, whole, and no two writes to the destination at once (-race).
func TestWritesDuringClose(t *testing.T) {
	for range 20 {
		var out bytes.Buffer // no lock: the Writer must serialise
		w := New(&out, 10*time.Microsecond, 256)
		const writers, each = 4, 100
		var wg sync.WaitGroup
		for g := range writers {
			wg.Go(func() {
				for i := range each {
					_, _ = fmt.Fprintf(w, "g%d line %04d\n", g, i)
				}
			})
		}
		_ = w.Close()
		wg.Wait()
		if n := strings.Count(out.String(), "\n"); n != writers*each {
			t.Fatalf("%d lines, want %d", n, writers*each)
		}
	}
}
