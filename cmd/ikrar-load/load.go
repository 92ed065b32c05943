package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// attempt is one simulated signer's visit: fetch the page, post the form.
type attempt struct {
	get, post time.Duration
	errKind   string // "" on success
	errDetail string
	code      string // certificate code from the receipt
}

// visitFunc signs as roster entry i. The buffer is the worker's own, reused
// between visits.
type visitFunc func(ctx context.Context, buf *bytes.Buffer, i int) attempt

type loadConfig struct {
	Concurrency int
	Warmup      time.Duration
	Duration    time.Duration // measured time after the warm-up; 0 with Requests
	Requests    int           // measured signatures; 0 with Duration
	Entries     int           // roster entries available (each used once)
	Progress    io.Writer     // a line every ProgressEvery; nil for none
	ProgressInt time.Duration
}

// loadResult holds what the measured window saw, plus every acknowledged
// signature of the whole run (warm-up and tail included) for the
// durability check.
type loadResult struct {
	Window     time.Duration
	OK         int
	Errors     map[string]int
	ErrExample map[string]string
	Get, Post  []time.Duration // measured successes only
	Cycle      []time.Duration
	Acked      map[int]string // entry index → certificate code
	Started    int            // entries used
	Exhausted  bool           // the roster ran out before the end
	WarmupOK   int
	TailOK     int
	Interrupt  bool
}

type workerLog struct {
	get, post, cycle []time.Duration
	errors           map[string]int
	examples         map[string]string
	acked            map[int]string
	ok, warmOK, tail int
	lastDone         time.Time
}

// fail counts an error of kind, keeping its first example.
func (l *workerLog) fail(kind, detail string) {
	l.errors[kind]++
	if _, ok := l.examples[kind]; !ok {
		l.examples[kind] = detail
	}
}

// runLoad runs cfg.Concurrency workers, each taking the next unused roster
// entry, so no entry is signed twice. A visit counts in the measured window
// when it completes after the warm-up and before the deadline (or within the
// first Requests measured completions); visits that finish later are still
// checked for durability but not counted.
func runLoad(ctx context.Context, cfg loadConfig, visit visitFunc) loadResult {
	start := time.Now()
	warmEnd := start.Add(cfg.Warmup)
	var deadline time.Time
	if cfg.Duration > 0 {
		deadline = warmEnd.Add(cfg.Duration)
	}
	var next, measured, okAll, errAll atomic.Int64
	var exhausted atomic.Bool
	logs := make([]*workerLog, cfg.Concurrency)
	var wg sync.WaitGroup
	for w := range cfg.Concurrency {
		l := &workerLog{errors: map[string]int{}, examples: map[string]string{}, acked: map[int]string{}}
		logs[w] = l
		wg.Go(func() {
			buf := new(bytes.Buffer)
			for ctx.Err() == nil {
				if !deadline.IsZero() && !time.Now().Before(deadline) {
					return
				}
				if cfg.Requests > 0 && measured.Load() >= int64(cfg.Requests) {
					return
				}
				i := int(next.Add(1) - 1)
				if i >= cfg.Entries {
					exhausted.Store(true)
					return
				}
				t0 := time.Now()
				a := visit(ctx, buf, i)
				done := time.Now()
				if a.errKind == "" {
					l.acked[i] = a.code
					okAll.Add(1)
				} else {
					errAll.Add(1)
				}
				switch {
				case done.Before(warmEnd):
					if a.errKind == "" {
						l.warmOK++
					} else {
						// Not in the window's figures, but an error all the same.
						l.fail("warm-up: "+a.errKind, a.errDetail)
					}
					continue
				case !deadline.IsZero() && done.After(deadline):
					l.tail++
					if a.errKind != "" {
						l.fail("after the window: "+a.errKind, a.errDetail)
					}
					continue
				case cfg.Requests > 0 && measured.Add(1) > int64(cfg.Requests):
					l.tail++
					if a.errKind != "" {
						l.fail("after the window: "+a.errKind, a.errDetail)
					}
					continue
				}
				l.lastDone = done
				if a.errKind != "" {
					l.fail(a.errKind, a.errDetail)
					continue
				}
				l.ok++
				l.get = append(l.get, a.get)
				l.post = append(l.post, a.post)
				l.cycle = append(l.cycle, done.Sub(t0))
			}
		})
	}
	stopProgress := make(chan struct{})
	var progress sync.WaitGroup
	if cfg.Progress != nil && cfg.ProgressInt > 0 {
		progress.Go(func() {
			tick := time.NewTicker(cfg.ProgressInt)
			defer tick.Stop()
			var lastOK int64
			for {
				select {
				case <-stopProgress:
					return
				case now := <-tick.C:
					ok := okAll.Load()
					phase := "measuring"
					if now.Before(warmEnd) {
						phase = "warm-up"
					}
					fmt.Fprintf(cfg.Progress, "  %6.1fs %-9s %8.0f signatures/s  %d ok  %d errors\n",
						now.Sub(start).Seconds(), phase, float64(ok-lastOK)/cfg.ProgressInt.Seconds(), ok, errAll.Load())
					lastOK = ok
				}
			}
		})
	}
	wg.Wait()
	close(stopProgress)
	progress.Wait()

	res := loadResult{Errors: map[string]int{}, ErrExample: map[string]string{}, Acked: map[int]string{},
		Exhausted: exhausted.Load(), Interrupt: ctx.Err() != nil}
	res.Started = min(int(next.Load()), cfg.Entries)
	var last time.Time
	for _, l := range logs {
		res.OK += l.ok
		res.WarmupOK += l.warmOK
		res.TailOK += l.tail
		res.Get = append(res.Get, l.get...)
		res.Post = append(res.Post, l.post...)
		res.Cycle = append(res.Cycle, l.cycle...)
		for k, n := range l.errors {
			res.Errors[k] += n
			if _, ok := res.ErrExample[k]; !ok {
				res.ErrExample[k] = l.examples[k]
			}
		}
		for i, c := range l.acked {
			res.Acked[i] = c
		}
		if l.lastDone.After(last) {
			last = l.lastDone
		}
	}
	if last.After(warmEnd) {
		res.Window = last.Sub(warmEnd)
	}
	if !deadline.IsZero() && !res.Exhausted && !res.Interrupt {
		res.Window = cfg.Duration
	}
	return res
}

// latency summarises a latency sample in milliseconds.
type latency struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

func summarize(d []time.Duration) latency {
	if len(d) == 0 {
		return latency{}
	}
	s := slices.Clone(d)
	slices.Sort(s)
	ms := func(x time.Duration) float64 { return math.Round(float64(x)/1e4) / 100 }
	return latency{N: len(s), P50: ms(percentile(s, 0.50)), P95: ms(percentile(s, 0.95)), P99: ms(percentile(s, 0.99)), Max: ms(s[len(s)-1])}
}

// percentile is the nearest-rank percentile of a sorted sample.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func (r loadResult) errorCount() int {
	n := 0
	for _, c := range r.Errors {
		n += c
	}
	return n
}

func (r loadResult) rate() float64 {
	if r.Window <= 0 {
		return 0
	}
	return float64(r.OK) / r.Window.Seconds()
}

// summary is the machine-readable line printed last.
type summary struct {
	Mode        string         `json:"mode"`
	Concurrency int            `json:"concurrency"`
	GOMAXPROCS  int            `json:"gomaxprocs"`
	WindowS     float64        `json:"window_s"`
	OK          int            `json:"ok"`
	Rate        float64        `json:"signatures_per_s"`
	Errors      int            `json:"errors"`
	ErrorKinds  map[string]int `json:"error_kinds,omitempty"`
	Post        latency        `json:"post"`
	Get         latency        `json:"get"`
	Cycle       latency        `json:"cycle"`
	Acked       int            `json:"acked"`
	Verified    *verification  `json:"verified,omitempty"`
}

func printReport(w io.Writer, mode string, cfg loadConfig, r loadResult, v *verification) summary {
	s := summary{Mode: mode, Concurrency: cfg.Concurrency, GOMAXPROCS: runtime.GOMAXPROCS(0), WindowS: round2(r.Window.Seconds()),
		OK: r.OK, Rate: round2(r.rate()), Errors: r.errorCount(), Post: summarize(r.Post), Get: summarize(r.Get),
		Cycle: summarize(r.Cycle), Acked: len(r.Acked), Verified: v}
	if len(r.Errors) > 0 {
		s.ErrorKinds = r.Errors
	}
	fmt.Fprintf(w, "\n%s: %d concurrent signers, warm-up %s, measured %.2f s\n", mode, cfg.Concurrency, cfg.Warmup, r.Window.Seconds())
	fmt.Fprintf(w, "  throughput   %d signatures in the window = %.1f signatures/s\n", r.OK, r.rate())
	fmt.Fprintf(w, "  POST latency %s\n", fmtLatency(s.Post))
	fmt.Fprintf(w, "  GET latency  %s\n", fmtLatency(s.Get))
	fmt.Fprintf(w, "  GET+POST     %s\n", fmtLatency(s.Cycle))
	fmt.Fprintf(w, "  errors       %d\n", s.Errors)
	kinds := make([]string, 0, len(r.Errors))
	for k := range r.Errors {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "    %-28s %d  (e.g. %s)\n", k, r.Errors[k], oneLine(r.ErrExample[k]))
	}
	fmt.Fprintf(w, "  acknowledged %d signatures in the whole run (%d warm-up, %d measured, %d after the window)\n",
		len(r.Acked), r.WarmupOK, r.OK, r.TailOK)
	if r.Exhausted {
		fmt.Fprintf(w, "  note: the roster ran out after %d entries; use a larger roster or --skip for a fresh range\n", r.Started)
	}
	if v != nil {
		fmt.Fprintf(w, "  on disk      %s\n", v)
	}
	return s
}

func printResultLine(w io.Writer, s any) {
	b, _ := json.Marshal(s)
	fmt.Fprintf(w, "RESULT %s\n", b)
}

func fmtLatency(l latency) string {
	if l.N == 0 {
		return "-"
	}
	return fmt.Sprintf("p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  max %.2f ms  (n=%d)", l.P50, l.P95, l.P99, l.Max, l.N)
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}
