package web

import (
	"strings"
	"sync"
	"testing"
)

func TestRequestIDsUnique(t *testing.T) {
	a, b := newRequestIDs(), newRequestIDs()
	if a.prefix == b.prefix {
		t.Fatalf("two processes' ids share the prefix %q", a.prefix)
	}
	const workers, each = 8, 2000
	ids := make([][]string, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				ids[w] = append(ids[w], a.next())
			}
		}()
	}
	wg.Wait()
	seen := map[string]bool{b.next(): true}
	for _, list := range ids {
		for _, id := range list {
			if seen[id] {
				t.Fatalf("id %q given twice", id)
			}
			if !strings.HasPrefix(id, a.prefix) || len(id) <= len(a.prefix) {
				t.Fatalf("id %q lacks the prefix %q or a number", id, a.prefix)
			}
			seen[id] = true
		}
	}
}
