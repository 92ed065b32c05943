//go:build linux

package web

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An upload net/http does not read to its end (a handler that refuses
// it by its length) is answered, and the connection is then half-closed
// before it is dropped (net/http's closeWriteAndWait, which looks for a
// CloseWrite method on the connection): the FIN tells the client the
// answer is whole before the drop half a second later resets the
// connection. answerConn hid the TCP connection's CloseWrite, so net/http
// sent no FIN.
func TestRefusedUploadHalfCloses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hl := halfCloseListener{Listener: ln, closed: make(chan struct{}, 1)}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		holdAnswer(r)
		http.Error(w, "terlalu besar", http.StatusRequestEntityTooLarge)
	})}
	withAnswerConns(srv)
	go func() { _ = srv.Serve(answerListener{hl}) }()
	t.Cleanup(func() { _ = srv.Close() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const size = 8 << 20
	go func() { // the client keeps sending; net/http reads no more of it
		_, _ = fmt.Fprintf(conn, "POST /impor HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", size)
		_, _ = conn.Write(make([]byte, size))
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "terlalu besar") {
		t.Fatalf("status %d, %q, %v", res.StatusCode, body, err)
	}
	select {
	case <-hl.closed:
	case <-time.After(10 * time.Second): // against a hang only
		t.Fatal("the connection was dropped without being half-closed first")
	}
}

// halfCloseListener's connections tell when they are half-closed.
type halfCloseListener struct {
	net.Listener
	closed chan struct{}
}

func (l halfCloseListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &halfCloseConn{TCPConn: c.(*net.TCPConn), closed: l.closed}, nil
}

type halfCloseConn struct {
	*net.TCPConn
	closed chan struct{}
}

func (c *halfCloseConn) CloseWrite() error {
	select {
	case c.closed <- struct{}{}:
	default:
	}
	return c.TCPConn.CloseWrite()
}

// failingListener makes its connections' writes block on a client that
// reads nothing (a small send buffer) and tells of their first failed
// write.
type failingListener struct {
	net.Listener
	failed chan struct{}
}

func (l failingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	_ = c.(*net.TCPConn).SetWriteBuffer(4096)
	return &failingConn{Conn: c, failed: l.failed}, nil
}

type failingConn struct {
	net.Conn
	failed chan struct{}
}

func (c *failingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if err != nil {
		select {
		case c.failed <- struct{}{}:
		default:
		}
	}
	return n, err
}

// An answer whose write fails (here its write deadline passes on a client
// that reads nothing) ends the connection, as net/http ends a connection
// it could not write to. A held answer's write happens after net/http has
// finished the response, so net/http took it as sent: it kept the
// connection and answered the next request on it, and a client that had
// sent two requests read the second answer inside the first's body.
func TestFailedAnswerEndsConnection(t *testing.T) {
	for _, held := range []bool{false, true} {
		t.Run(fmt.Sprintf("held=%v", held), func(t *testing.T) {
			page := strings.Repeat("x", maxHeldAnswer-1000)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			fl := failingListener{Listener: ln, failed: make(chan struct{}, 1)}
			srv := &http.Server{WriteTimeout: 300 * time.Millisecond, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if held {
					holdAnswer(r)
				}
				w.Header().Set("Content-Length", strconv.Itoa(len(page)))
				_, _ = io.WriteString(w, page)
			})}
			withAnswerConns(srv)
			go func() { _ = srv.Serve(answerListener{fl}) }()
			t.Cleanup(func() { _ = srv.Close() })

			d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
				return rc.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
			}}
			conn, err := d.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := io.WriteString(conn, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			select { // the client reads nothing until the server's write has failed
			case <-fl.failed:
			case <-time.After(30 * time.Second):
				t.Fatal("no write failed")
			}
			_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second)) // against a hang only
			got, err := io.ReadAll(conn)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the connection stayed open after its answer failed (%d bytes read)", len(got))
			}
			if n := bytes.Count(got, []byte("HTTP/1.1 ")); n != 1 || len(got) >= len(page) {
				t.Fatalf("read %d bytes with %d status lines; want part of the first answer only", len(got), n)
			}
		})
	}
}
