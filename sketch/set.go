package sketch

import (
	"slices"

	"github.com/reprint-news/reprint/internal/radix"
)

// SetOf turns shingle hashes into the set used for exact verification:
// the low 32 bits of every shingle hash, sorted and without duplicates,
// written into dst (reused when large enough). buf is scratch space; both
// are returned for reuse.
//
// 32-bit elements halve memory and I/O; two different shingles of a pair
// of 500-shingle articles collide with probability ~6·10⁻⁵, which moves
// a Jaccard estimate by at most one element in a few hundred.
//
// Sorting is an LSD radix sort with 8-bit digits (package radix): for the
// few hundred elements of an article it is ~5× faster than pdqsort.
func SetOf(dst, buf []uint32, shingles []uint64) (set, scratch []uint32) {
	n := len(shingles)
	if cap(dst) < n {
		dst = make([]uint32, n, n+n/4)
	}
	if cap(buf) < n {
		buf = make([]uint32, n, n+n/4)
	}
	dst, buf = dst[:n], buf[:n]
	for i, s := range shingles {
		dst[i] = uint32(s)
	}
	radix.Sort(dst, buf)
	return slices.Compact(dst), buf
}
