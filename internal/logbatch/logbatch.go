// Package logbatch writes log lines in batches. A busy server logs a line
// per request; written one by one, each line was a write syscall of its
// own, about 3 % of a signing visit's server CPU (docs/PERFORMANCE.md).
// A Writer gathers lines and writes them together a short moment later, or
// at once when enough have gathered; FlushAbove makes a record at a
// chosen level (errors) reach the log at once, with everything before it.
package logbatch

import (
	"context"
	"io"
	"log/slog"
	"math"
	"sync"
	"time"
)

// Writer buffers what is written to it and writes it to the underlying
// writer within one interval, when the buffer passes its size, on Flush
// and on Close. Writes after Close go straight through, in order. The
// underlying writer is written by one goroutine at a time.
type Writer struct {
	out   io.Writer
	every time.Duration
	limit int

	mu     sync.Mutex // buf, spare, closed
	buf    []byte
	spare  []byte // the buffer being written by Flush, reused for the next batch
	closed bool
	timer  *time.Timer

	flushMu sync.Mutex // one Flush writes at a time, so batches keep their order
}

// New returns a Writer to out that writes each batch within every, or
// when it holds limit bytes.
func New(out io.Writer, every time.Duration, limit int) *Writer {
	w := &Writer{out: out, every: every, limit: limit}
	w.timer = time.AfterFunc(time.Hour, func() { _ = w.Flush() })
	w.timer.Stop()
	return w
}

// Write keeps p for the next batch. Callers write whole lines (slog's
// handlers write one record per call), so a batch never splits a line.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		// Straight through, but in turn: after a batch still being
		// written, after the lines buffered before Close (whose own flush
		// may not have taken them yet), and never beside another write.
		w.flushMu.Lock()
		defer w.flushMu.Unlock()
		if err := w.flush(); err != nil {
			return 0, err
		}
		return w.out.Write(p)
	}
	if len(w.buf) == 0 {
		w.timer.Reset(w.every)
	}
	w.buf = append(w.buf, p...)
	full := len(w.buf) >= w.limit
	w.mu.Unlock()
	if full {
		if err := w.Flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes what is buffered now.
func (w *Writer) Flush() error {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	return w.flush()
}

// flush writes what is buffered; the caller holds flushMu.
func (w *Writer) flush() error {
	w.mu.Lock()
	b := w.buf
	w.buf, w.spare = w.spare[:0], nil
	w.mu.Unlock()
	if len(b) == 0 {
		w.mu.Lock()
		w.spare = b
		w.mu.Unlock()
		return nil
	}
	// Written outside mu: a slow log destination holds up the next
	// batch's writers only when their batch is full, as before.
	_, err := w.out.Write(b)
	w.mu.Lock()
	if cap(b) <= 4*w.limit { // let a rare huge batch go
		w.spare = b[:0]
	}
	w.mu.Unlock()
	return err
}

// Close writes what is buffered and lets later writes through unbuffered.
func (w *Writer) Close() error {
	w.mu.Lock()
	w.closed = true
	w.timer.Stop()
	w.mu.Unlock()
	return w.Flush()
}

// FlushAbove returns h, which writes through w, flushing w after each
// record at level min or above: an error reaches the log at once.
func FlushAbove(min slog.Level, h slog.Handler, w *Writer) slog.Handler {
	return flushing{Handler: h, min: min, w: w}
}

// AtOnce returns h, which writes through w, flushing w after every record:
// a line that records what the service did reaches the log at once, after
// the batched lines before it, and so survives a crash of the process.
func AtOnce(h slog.Handler, w *Writer) slog.Handler {
	return FlushAbove(slog.Level(math.MinInt), h, w)
}

type flushing struct {
	slog.Handler
	min slog.Level
	w   *Writer
}

func (f flushing) Handle(ctx context.Context, r slog.Record) error {
	err := f.Handler.Handle(ctx, r)
	if r.Level >= f.min {
		if ferr := f.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (f flushing) WithAttrs(as []slog.Attr) slog.Handler {
	return flushing{Handler: f.Handler.WithAttrs(as), min: f.min, w: f.w}
}

func (f flushing) WithGroup(name string) slog.Handler {
	return flushing{Handler: f.Handler.WithGroup(name), min: f.min, w: f.w}
}
