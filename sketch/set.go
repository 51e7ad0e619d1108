package sketch

import "slices"

// SetOf turns shingle hashes into the set used for exact verification:
// the low 32 bits of every shingle hash, sorted and without duplicates,
// written into dst (reused when large enough). buf is scratch space; both
// are returned for reuse.
//
// 32-bit elements halve memory and I/O; two different shingles of a pair
// of 500-shingle articles collide with probability ~6·10⁻⁵, which moves
// a Jaccard estimate by at most one element in a few hundred.
//
// Sorting is an LSD radix sort with 8-bit digits (4 passes): for the few
// hundred elements of an article it is ~5× faster than pdqsort.
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
	if n < 64 {
		slices.Sort(dst)
	} else {
		src, tmp := dst, buf
		var count [256]int
		for shift := uint(0); shift < 32; shift += 8 {
			clear(count[:])
			for _, x := range src {
				count[(x>>shift)&0xff]++
			}
			sum := 0
			for i, c := range count {
				count[i] = sum
				sum += c
			}
			for _, x := range src {
				d := (x >> shift) & 0xff
				tmp[count[d]] = x
				count[d]++
			}
			src, tmp = tmp, src
		}
		// After 4 passes the sorted data is back in dst.
	}
	return slices.Compact(dst), buf
}
