package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return answerListener{ln}, nil
}

// One write per answer. net/http sends a response through a 4 KB buffer
// per connection, so the signing page (3.9 KB) with its headers (0.7 KB)
// left the process as two writes: two syscalls and, on loopback, two
// passes through the receiver's TCP path, about a sixth of a signing
// visit's server CPU together with the other writes. A handler that has
// its whole answer in memory (renderer.write) calls holdAnswer: the
// connection then keeps what net/http writes until the answer is complete
// and sends it as one write. "Complete" is the first of:
//   - net/http setting the write deadline again, which it does right after
//     it has flushed a finished response (server.go, conn.serve) and which
//     a handler's own deadline change also is: held bytes are sent under
//     the old deadline, before the new one applies;
//   - the connection's state changing (http.Server.ConnState: idle after
//     the response, or closed), the documented signal, as a backstop;
//   - Close;
//   - more than maxHeldAnswer bytes (then it is sent at once, as before).
//
// Nothing else is delayed: without holdAnswer every write passes straight
// through, so streamed answers (ZIP exports, flushed progress) are sent
// when net/http sends them. A write error surfaces at the release rather
// than at the write, after net/http has finished the response, so the
// release closes the connection itself (as net/http closes one it could
// not write to).

// maxHeldAnswer bounds what one connection holds: pages rendered in
// memory are smaller; a larger answer goes out as net/http writes it.
const maxHeldAnswer = 64 << 10

type answerListener struct{ net.Listener }

func (l answerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &answerConn{Conn: c}, nil
}

// answerConn is a connection that can hold one answer's writes.
type answerConn struct {
	net.Conn
	// mu guards holding and held, never a write to the network: net/http
	// writes from the connection's goroutine, and a Close from another
	// (Shutdown) must not wait behind a write blocked on a slow client.
	mu      sync.Mutex
	holding bool
	held    *[]byte // from heldBufs while holding
}

// heldBufs are the buffers of answers being held: only a connection in
// the middle of an answer has one.
var heldBufs = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

func (c *answerConn) hold() {
	c.mu.Lock()
	c.holding = true
	c.mu.Unlock()
}

func (c *answerConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if !c.holding {
		c.mu.Unlock()
		return c.Conn.Write(p)
	}
	if c.held == nil {
		c.held = heldBufs.Get().(*[]byte)
	}
	if len(*c.held)+len(p) <= maxHeldAnswer {
		*c.held = append(*c.held, p...)
		c.mu.Unlock()
		return len(p), nil
	}
	c.mu.Unlock()
	if err := c.release(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// release sends what is held, in one write, and stops holding.
func (c *answerConn) release() error {
	c.mu.Lock()
	b := c.held
	c.holding, c.held = false, nil
	c.mu.Unlock()
	if b == nil {
		return nil
	}
	var err error
	if len(*b) > 0 {
		if _, err = c.Conn.Write(*b); err != nil {
			// net/http took every write of this answer as done and would
			// keep the connection, answering the next request after a
			// truncated answer (or leaving the client waiting for the rest).
			// It closes a connection it could not write to; so does this.
			_ = c.Conn.Close()
		}
	}
	*b = (*b)[:0]
	heldBufs.Put(b)
	return err
}

func (c *answerConn) SetWriteDeadline(t time.Time) error {
	if err := c.release(); err != nil {
		return err
	}
	return c.Conn.SetWriteDeadline(t)
}

func (c *answerConn) SetDeadline(t time.Time) error {
	if err := c.release(); err != nil {
		return err
	}
	return c.Conn.SetDeadline(t)
}

// CloseWrite half-closes the connection beneath, after what is held.
// net/http does it (when the connection has the method) before dropping a
// connection whose request body it left unread, such as an upload refused
// by its length: the FIN tells the client the answer is whole before the
// drop resets the connection.
func (c *answerConn) CloseWrite() error {
	if err := c.release(); err != nil {
		return err
	}
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *answerConn) Close() error {
	_ = c.release() // the peer may be gone; closing matters more
	return c.Conn.Close()
}

// answerConnKey finds a request's connection (http.Server.ConnContext).
type answerConnKey struct{}

// withAnswerConns makes srv hand each request its answerConn and release
// a held answer whenever a connection's state changes.
func withAnswerConns(srv *http.Server) {
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if ac, ok := c.(*answerConn); ok {
			return context.WithValue(ctx, answerConnKey{}, ac)
		}
		return ctx
	}
	srv.ConnState = func(c net.Conn, _ http.ConnState) {
		if ac, ok := c.(*answerConn); ok {
			_ = ac.release()
		}
	}
}

// holdAnswer asks r's connection to send the answer about to be written
// in one piece (see answerConn); a request that did not come through
// answerListener (tests, TLS) is answered as net/http writes it.
func holdAnswer(r *http.Request) {
	if ac, ok := r.Context().Value(answerConnKey{}).(*answerConn); ok {
		ac.hold()
	}
}
