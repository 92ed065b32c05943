package web

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// countingListener counts the writes its connections make, beneath
// answerConn.
type countingListener struct {
	net.Listener
	mu     sync.Mutex
	writes int
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, l: l}, nil
}

func (l *countingListener) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.writes
}

type countingConn struct {
	net.Conn
	l *countingListener
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.l.mu.Lock()
	c.l.writes++
	c.l.mu.Unlock()
	return c.Conn.Write(p)
}

// serveAnswers runs h behind answerListener the way Server.Run does and
// returns its address and the write counter.
func serveAnswers(t *testing.T, h http.HandlerFunc) (string, *countingListener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln}
	srv := &http.Server{Handler: h, WriteTimeout: 10 * time.Second}
	withAnswerConns(srv)
	go func() { _ = srv.Serve(answerListener{cl}) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String(), cl
}

// get sends one request on conn and reads its answer.
func get(t *testing.T, conn net.Conn, r *bufio.Reader, path string) (*http.Response, []byte) {
	t.Helper()
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// A held answer leaves in one write however many pieces net/http cuts it
// into (a 4 KB buffer per connection); answers that are not held, and
// those too large to hold, are written as net/http writes them.
func TestAnswerInOneWrite(t *testing.T) {
	page := strings.Repeat("<p>ikrar</p>\n", 700) // 9.1 KB: three 4 KB pieces
	huge := strings.Repeat("x", maxHeldAnswer+10_000)
	addr, cl := serveAnswers(t, func(w http.ResponseWriter, r *http.Request) {
		body := page
		if r.URL.Path == "/huge" {
			body = huge
		}
		if r.URL.Path != "/plain" {
			holdAnswer(r)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = io.WriteString(w, body)
	})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	for _, tc := range []struct {
		path      string
		want      string
		oneWrite  bool
		keepAlive bool
	}{
		{"/held", page, true, true},
		{"/held-again", page, true, true}, // the same connection, its next answer
		{"/plain", page, false, true},
		{"/huge", huge, false, true},
		{"/held-after", page, true, true},
	} {
		before := cl.count()
		res, body := get(t, conn, r, tc.path)
		if string(body) != tc.want || res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d, %d bytes, want %d", tc.path, res.StatusCode, len(body), len(tc.want))
		}
		writes := cl.count() - before
		if tc.oneWrite && writes != 1 {
			t.Errorf("%s: %d writes, want 1", tc.path, writes)
		}
		if !tc.oneWrite && writes < 2 {
			t.Errorf("%s: %d writes, want net/http's own pieces", tc.path, writes)
		}
	}
}

// Without holdAnswer nothing waits: a flushed piece of a streamed answer
// reaches the client while the handler still runs.
func TestStreamedAnswerNotHeld(t *testing.T) {
	sent := make(chan struct{})
	addr, _ := serveAnswers(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "first\n")
		w.(http.Flusher).Flush()
		select {
		case <-sent: // the client has read "first"
		case <-time.After(5 * time.Second):
		}
		_, _ = io.WriteString(w, "second\n")
	})
	res, err := http.Get("http://" + addr + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	br := bufio.NewReader(res.Body)
	line, err := br.ReadString('\n')
	if err != nil || line != "first\n" {
		t.Fatalf("first piece: %q, %v", line, err)
	}
	close(sent)
	rest, _ := io.ReadAll(br)
	if string(rest) != "second\n" {
		t.Fatalf("rest %q", rest)
	}
}

// An answer held on a connection that closes after it (Connection: close)
// is sent before the close.
func TestHeldAnswerSentBeforeClose(t *testing.T) {
	page := bytes.Repeat([]byte("é"), 5000)
	addr, cl := serveAnswers(t, func(w http.ResponseWriter, r *http.Request) {
		holdAnswer(r)
		w.Header().Set("Connection", "close")
		_, _ = w.Write(page)
	})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	res, body := get(t, conn, bufio.NewReader(conn), "/")
	if !bytes.Equal(body, page) || !res.Close {
		t.Fatalf("%d bytes, close %v", len(body), res.Close)
	}
	if n := cl.count(); n != 1 {
		t.Errorf("%d writes, want 1", n)
	}
}

// Close does not wait behind a write blocked on a client that reads
// nothing: the write fails and the connection closes.
func TestCloseNotHeldUpByBlockedWrite(t *testing.T) {
	for _, held := range []bool{false, true} {
		server, client := net.Pipe() // a write blocks until the other end reads
		defer client.Close()
		c := &answerConn{Conn: server}
		if held {
			c.hold()
			_, _ = c.Write([]byte("held answer"))
		}
		wrote := make(chan error, 1)
		go func() {
			if held {
				wrote <- c.release() // the held answer's one write
				return
			}
			_, err := c.Write([]byte("answer nobody reads"))
			wrote <- err
		}()
		closed := make(chan error, 1)
		go func() {
			time.Sleep(10 * time.Millisecond) // most likely once the write blocks; either order must end
			closed <- c.Close()
		}()
		for _, ch := range []chan error{closed, wrote} {
			select {
			case <-ch:
			case <-time.After(10 * time.Second):
				t.Fatalf("held %v: Close or the blocked write never returned", held)
			}
		}
	}
}
