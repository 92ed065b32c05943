//go:build linux

package web

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
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
