package web

import (
	"container/list"
	"sync"
)

// lru is a map with a byte budget: putting past the budget drops the
// least recently used entries. It is safe for concurrent use.
type lru[V any] struct {
	mu      sync.Mutex
	budget  int
	used    int
	size    func(key string, v V) int
	order   *list.List // of *lruEntry[V], most recent first
	entries map[string]*list.Element
}

type lruEntry[V any] struct {
	key string
	val V
}

func newLRU[V any](budget int, size func(string, V) int) *lru[V] {
	return &lru[V]{budget: budget, size: size, order: list.New(), entries: map[string]*list.Element{}}
}

// get returns the value under key, marking it recently used.
func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry[V]).val, true
}

// put stores v under key (nothing if v alone is over the budget).
func (c *lru[V]) put(key string, v V) {
	size := c.size(key, v)
	if size > c.budget {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.removeElement(el)
	}
	c.entries[key] = c.order.PushFront(&lruEntry[V]{key, v})
	c.used += size
	for c.used > c.budget {
		c.removeElement(c.order.Back())
	}
}

// remove drops key.
func (c *lru[V]) remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.removeElement(el)
	}
}

func (c *lru[V]) removeElement(el *list.Element) {
	e := el.Value.(*lruEntry[V])
	c.order.Remove(el)
	delete(c.entries, e.key)
	c.used -= c.size(e.key, e.val)
}
