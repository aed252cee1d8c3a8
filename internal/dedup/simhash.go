package dedup

import (
	"hash/fnv"
	"math/bits"
)

// SimHash fingerprints text for near-duplicate detection (Charikar): texts
// that share most of their word 3-shingles get fingerprints a few bits
// apart. It works on the raw word sequence (stop words kept), so it tells a
// wire story reprinted verbatim from two articles on the same event.
func SimHash(words []string) uint64 {
	var acc [64]int
	add := func(s string) {
		h := fnv.New64a()
		h.Write([]byte(s))
		v := h.Sum64()
		for i := range acc {
			if v&(1<<uint(i)) != 0 {
				acc[i]++
			} else {
				acc[i]--
			}
		}
	}
	switch {
	case len(words) < 3:
		for _, w := range words {
			add(w)
		}
	default:
		for i := 0; i+3 <= len(words); i++ {
			add(words[i] + " " + words[i+1] + " " + words[i+2])
		}
	}
	var out uint64
	for i, n := range acc {
		if n > 0 {
			out |= 1 << uint(i)
		}
	}
	return out
}

// Hamming is the number of bits in which a and b differ.
func Hamming(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// simBands splits a fingerprint into 4 bands of 16 bits: two fingerprints
// within 3 bits of each other agree on at least one band (pigeonhole), so
// the bands index candidates for the syndication layer.
func simBands(h uint64) [4]uint32 {
	var out [4]uint32
	for i := range out {
		out[i] = uint32(i)<<16 | uint32(h>>(16*uint(i))&0xffff)
	}
	return out
}
