package publish

import (
	"hash/maphash"
	"sync"

	"github.com/gleaner/gleaner/aggregate/sanitize"
)

// maxBodyBytes caps an entry's sanitised HTML body. Whole articles are tens of
// KB; a body the sanitiser made larger than this (a hostile one: the HTML
// parser reopens every open formatting element in each new paragraph, so 512
// KB of "<p><b><i><u><s>" comes out at 4 MB) is left out, and the entry shows
// its summary, as one without a body does. 100 entries stay under 13 MB.
const maxBodyBytes = 128 << 10

// bodyCache keeps the sanitised bodies of the entries rendered lately: every
// rendering (the default documents, each filtered variant, the status page, an
// export) shows the same bodies, which are sanitised once, not each time.
type bodyCache struct {
	mu    sync.Mutex
	seed  maphash.Seed
	m     map[bodyKey]string
	bytes int
	made  int // bodies sanitised, for tests
}

type bodyKey struct {
	sum     uint64 // of the HTML and the base URL
	n, base int    // their lengths
}

// maxCachedBodies bounds the cache: it starts afresh when either is passed,
// and a few bodies are sanitised again.
const (
	maxCachedBodies    = 4096
	maxCachedBodyBytes = 16 << 20
)

var bodies = &bodyCache{seed: maphash.MakeSeed(), m: map[bodyKey]string{}}

// body is sanitize.HTML(content, base), or "" when that is longer than
// maxBodyBytes.
func (c *bodyCache) body(content, base string) string {
	if content == "" {
		return ""
	}
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(content)
	h.WriteByte(0)
	h.WriteString(base)
	k := bodyKey{sum: h.Sum64(), n: len(content), base: len(base)}
	c.mu.Lock()
	out, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return out
	}
	out = sanitize.HTML(content, base)
	if len(out) > maxBodyBytes {
		out = ""
	}
	c.mu.Lock()
	c.made++
	if len(c.m) >= maxCachedBodies || c.bytes+len(out) > maxCachedBodyBytes {
		clear(c.m)
		c.bytes = 0
	}
	c.m[k] = out
	c.bytes += len(out)
	c.mu.Unlock()
	return out
}
