package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// bin is the ikrar binary built once for the whole run by TestMain, and
// moduleRoot the folder holding go.mod. TestMain sets them before any test
// runs and nothing writes them afterwards.
var bin, moduleRoot string

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	root, err := findModuleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "ikrar-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "ikrar")
	args := []string{"build", "-o", out}
	// IKRAR_E2E_RACE=1 builds the server with the race detector too: slower,
	// but it lets the load tests find data races inside the product.
	if os.Getenv("IKRAR_E2E_RACE") == "1" {
		args = append(args, "-race")
	}
	args = append(args, "./cmd/ikrar")
	build := exec.Command("go", args...)
	build.Dir = root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: go build ./cmd/ikrar failed:", err)
		return 1
	}
	bin, moduleRoot = out, root
	return m.Run()
}

func findModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// cliResult is what one ikrar command printed and how it exited.
type cliResult struct {
	Stdout, Stderr string
	Code           int
}

func (r cliResult) String() string {
	return fmt.Sprintf("exit %d\nstdout: %s\nstderr: %s", r.Code, r.Stdout, r.Stderr)
}

// runCLI runs one ikrar command to completion. A command that cannot be
// started, or runs past a minute, fails the test: a hung CLI is a bug too.
func runCLI(t *testing.T, args ...string) cliResult {
	t.Helper()
	return runCLIWithStdin(t, "", args...)
}

// runCLIWithStdin is runCLI with stdin as the command's standard input
// (a password for --password-stdin).
func runCLIWithStdin(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && ctx.Err() == nil:
		res.Code = exit.ExitCode()
	default:
		t.Fatalf("ikrar %s: %v\n%s", strings.Join(args, " "), err, res)
	}
	return res
}

// mustCLI runs a command that has to succeed.
func mustCLI(t *testing.T, args ...string) cliResult {
	t.Helper()
	res := runCLI(t, args...)
	if res.Code != 0 {
		t.Fatalf("ikrar %s: %s", strings.Join(args, " "), res)
	}
	return res
}

// cleanEnv drops IKRAR_* variables of the developer's shell so that only
// the flags a test passes configure the binary. The servers of these tests
// listen on 127.0.0.1, so commands may write links to it.
func cleanEnv() []string {
	env := []string{"IKRAR_ALLOW_LOCALHOST=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "IKRAR_") {
			env = append(env, kv)
		}
	}
	return env
}

// server is one running `ikrar serve` process.
type server struct {
	t       *testing.T
	cmd     *exec.Cmd
	Base    string   // http://127.0.0.1:PORT
	Data    string   // data folder
	Banner  []string // stdout lines printed before "listening"
	stderr  *lockedBuffer
	exited  chan struct{}
	waitErr error
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail keeps failure messages readable when a server logged a lot.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// startServer runs `ikrar serve` on a free 127.0.0.1 port over dataDir and
// waits until it says it is listening. A port taken between choosing and
// binding makes it try another one.
func startServer(t *testing.T, dataDir string, extra ...string) *server {
	t.Helper()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := tryStartServer(t, dataDir, extra)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("start ikrar serve: %v", lastErr)
	return nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func tryStartServer(t *testing.T, dataDir string, extra []string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := append([]string{"serve", "--addr", addr, "--data", dataDir}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = cleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("stdout pipe: %w", err)
	}
	s := &server{t: t, cmd: cmd, Base: "http://" + addr, Data: dataDir, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	var mu sync.Mutex
	var lines []string
	go func() {
		// Wait only after stdout is drained, as os/exec requires for pipes.
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			mu.Lock()
			lines = append(lines, sc.Text())
			mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, stdout)
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() { s.kill() })

	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		for i, line := range lines {
			if strings.HasPrefix(line, "ikrar listening on ") {
				s.Banner = append([]string(nil), lines[:i]...)
				mu.Unlock()
				if err := s.waitHealthy(10 * time.Second); err != nil {
					s.kill()
					return nil, err
				}
				return s, nil
			}
		}
		mu.Unlock()
		select {
		case <-s.exited:
			return nil, fmt.Errorf("ikrar serve exited before listening (%v): %s", s.waitErr, tail(s.stderr.String(), 2000))
		case <-time.After(20 * time.Millisecond):
		}
	}
	s.kill()
	return nil, fmt.Errorf("ikrar serve did not listen within 30s: %s", tail(s.stderr.String(), 2000))
}

// waitHealthy polls /healthz until it answers "ok".
func (s *server) waitHealthy(within time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second}
	end := time.Now().Add(within)
	var last string
	for time.Now().Before(end) {
		resp, err := client.Get(s.Base + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && strings.TrimSpace(string(body)) == "ok" {
				return nil
			}
			last = fmt.Sprintf("status %d body %q", resp.StatusCode, body)
		} else {
			last = err.Error()
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("/healthz not ok within %v: %s", within, last)
}

// state describes the process for failure messages: a server that stopped
// on its own (or was stopped by someone else) explains a lot.
func (s *server) state() string {
	select {
	case <-s.exited:
		return fmt.Sprintf("server exited by itself (%v); its log ends: %s", s.waitErr, tail(s.stderr.String(), 2000))
	default:
		return "server still running; its log ends: " + tail(s.stderr.String(), 2000)
	}
}

// kill sends SIGKILL (no chance to flush or close anything) and waits.
func (s *server) kill() {
	select {
	case <-s.exited:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.exited
	s.checkLog()
}

// checkLog fails the test when the server's log shows a panic or, for a
// binary built with IKRAR_E2E_RACE=1, a data race: both can hide behind a
// journey that otherwise completes.
func (s *server) checkLog() {
	log := s.stderr.String()
	for _, sign := range []string{"WARNING: DATA RACE", "panic:", "PANIC RECOVER"} {
		if i := strings.Index(log, sign); i >= 0 {
			s.t.Errorf("ikrar serve logged %q:\n%s", sign, log[i:min(len(log), i+4000)])
		}
	}
}

// stop asks for a graceful shutdown and requires a clean exit.
func (s *server) stop() {
	s.t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		s.t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		s.kill()
		s.t.Fatalf("ikrar serve did not stop within 30s of SIGTERM: %s", tail(s.stderr.String(), 2000))
	}
	s.checkLog()
	if s.waitErr != nil {
		s.t.Fatalf("ikrar serve exited with %v after SIGTERM: %s", s.waitErr, tail(s.stderr.String(), 2000))
	}
}
