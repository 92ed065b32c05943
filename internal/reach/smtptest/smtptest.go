// Package smtptest runs a real SMTP server process for tests: Debian's
// python3-aiosmtpd with a handler (smtpsink.py) that writes each accepted
// message to a folder and refuses addresses containing "tolak". Tests read
// what was delivered with Messages.
package smtptest

import (
	_ "embed"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

//go:embed smtpsink.py
var sink []byte

// Python is the interpreter with aiosmtpd (Debian's, not a pyenv one).
const Python = "/usr/bin/python3"

// Server is one running SMTP server.
type Server struct {
	t    testing.TB
	Addr string // 127.0.0.1:PORT
	Dir  string // where messages land

	mu  sync.Mutex
	cmd *exec.Cmd
	mod string
}

// URL is the IKRAR_SMTP_URL reaching this server (it speaks no TLS).
func (s *Server) URL() string { return "smtp://" + s.Addr + "?tls=none" }

// Start runs a server on a free port until the test ends. Without
// python3-aiosmtpd the test is skipped, or fails under CI.
func Start(t testing.TB) *Server {
	t.Helper()
	if err := exec.Command(Python, "-c", "import aiosmtpd").Run(); err != nil {
		msg := "python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd), so this test cannot run a real SMTP server"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	mod := t.TempDir()
	if err := os.WriteFile(filepath.Join(mod, "smtpsink.py"), sink, 0o600); err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, Dir: t.TempDir(), mod: mod}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = l.Addr().String()
	l.Close()
	s.Up()
	t.Cleanup(s.Down)
	return s
}

// Up starts the server process (again) on its address and waits until it
// accepts connections.
func (s *Server) Up() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	cmd := exec.Command(Python, "-m", "aiosmtpd", "-n", "-l", s.Addr, "-c", "smtpsink.Sink", s.Dir)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+s.mod, "PYTHONDONTWRITEBYTECODE=1")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start aiosmtpd: %v", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			s.t.Fatalf("aiosmtpd did not listen on %s: %s", s.Addr, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.cmd = cmd
}

// Down stops the server process: the mail server is "down".
func (s *Server) Down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// Message is one delivered message, decoded.
type Message struct {
	File      string
	To        string
	From      string
	Subject   string
	MessageID string
	Text      string // the text/plain part
	HTML      string // the text/html part
}

// Messages reads every delivered message, oldest first.
func (s *Server) Messages() []Message {
	s.t.Helper()
	files, err := filepath.Glob(filepath.Join(s.Dir, "*.eml"))
	if err != nil {
		s.t.Fatal(err)
	}
	sort.Strings(files)
	out := make([]Message, 0, len(files))
	for _, f := range files {
		m, err := parse(f)
		if err != nil {
			s.t.Fatalf("%s: %v", f, err)
		}
		out = append(out, m)
	}
	return out
}

// WaitFor waits until at least n messages have arrived.
func (s *Server) WaitFor(n int, within time.Duration) []Message {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for {
		ms := s.Messages()
		if len(ms) >= n || time.Now().After(deadline) {
			return ms
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func parse(path string) (Message, error) {
	f, err := os.Open(path)
	if err != nil {
		return Message{}, err
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		return Message{}, err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Message{}, err
	}
	m := Message{File: path, To: msg.Header.Get("To"), From: msg.Header.Get("From"), Subject: subject, MessageID: msg.Header.Get("Message-ID")}
	if a, err := mail.ParseAddress(m.To); err == nil {
		m.To = a.Address
	}
	err = walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &m)
	return m, err
}

func walk(ctype, cte string, body io.Reader, m *Message) error {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, m); err != nil {
				return err
			}
		}
	}
	b, err := io.ReadAll(decode(cte, body))
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
	return nil
}
