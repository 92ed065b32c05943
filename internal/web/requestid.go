package web

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"sync/atomic"
)

// requestIDs names requests for the log and error pages: a random prefix
// per process, so two instances' ids do not collide, and a counter. An id
// only has to be unique, not secret; echo's default draws 32 random
// characters from crypto/rand per request (~0.6 % of server CPU per
// signing visit under load, perf).
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return &requestIDs{prefix: hex.EncodeToString(b[:]) + "-"}
}

func (r *requestIDs) next() string {
	var buf [40]byte
	b := append(buf[:0], r.prefix...)
	return string(strconv.AppendUint(b, r.n.Add(1), 36))
}
