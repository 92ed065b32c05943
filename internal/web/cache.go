package web

import (
	"sync"
	"time"
)

// hotTTL is how long the signing pages reuse the open campaigns and the
// departments they read on every request (about a tenth of the server's
// CPU under a signing rush). This instance's admin edits clear the caches
// at once; another instance sharing the database sees them within hotTTL.
const hotTTL = time.Second

// ttlCache keeps values for a short time. It uses the real clock, not
// Deps.Now: a test freezing Now must not freeze the cache.
type ttlCache[K comparable, V any] struct {
	ttl time.Duration

	mu  sync.Mutex
	m   map[K]ttlEntry[V]
	gen uint64 // bumped by clear, so a load that raced it is not stored
}

type ttlEntry[V any] struct {
	v       V
	expires time.Time
}

func newTTLCache[K comparable, V any](ttl time.Duration) *ttlCache[K, V] {
	return &ttlCache[K, V]{ttl: ttl, m: map[K]ttlEntry[V]{}}
}

// get returns the cached value of k, or loads and caches it. Values are
// shared between requests and must not be modified.
func (c *ttlCache[K, V]) get(k K, load func() (V, error)) (V, error) {
	now := time.Now()
	c.mu.Lock()
	e, ok := c.m[k]
	gen := c.gen
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.v, nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.m[k] = ttlEntry[V]{v: v, expires: now.Add(c.ttl)}
	}
	c.mu.Unlock()
	return v, nil
}

// clear forgets every value, after a write through this instance.
func (c *ttlCache[K, V]) clear() {
	c.mu.Lock()
	clear(c.m)
	c.gen++
	c.mu.Unlock()
}
