// Package radix sorts unsigned integers with radix sorts: several times
// faster than a comparison sort for the shingle sets and band keys
// reprint sorts by the million.
package radix

import (
	"math/bits"
	"slices"
	"unsafe"
)

// msdMax is the longest input Sort distributes by its top byte alone
// (bucketSort); longer ones take the LSD radix sort.
const msdMax = 2048

// Sort sorts v in place using buf (at least len(v) long) as scratch.
// Inputs of up to smallMax elements are sorted by insertion (SortSmall);
// up to msdMax, bucketSort; longer ones an LSD radix sort with 8-bit
// digits (4 passes for uint32, 8 for uint64; a pass is skipped when all
// elements share its digit).
func Sort[T uint32 | uint64](v, buf []T) {
	switch {
	case len(v) <= smallMax:
		insertion(v)
	case len(v) <= msdMax:
		bucketSort(v, buf)
	default:
		lsd(v, buf)
	}
}

// smallMax is the longest input SortSmall sorts by insertion: on random
// keys, insertion takes 0.55–0.7 of slices.Sort's time from 8 to 96
// elements (its branches are predictable; pdqsort's partitions are not),
// and the quadratic cost catches up beyond.
const smallMax = 64

// SortSmall sorts v in place: by insertion when it is short (up to
// smallMax elements: the sentences and bags of a text), with slices.Sort
// otherwise. It needs no scratch space.
func SortSmall[T uint32 | uint64](v []T) {
	if len(v) <= smallMax {
		insertion(v)
		return
	}
	slices.Sort(v)
}

// insertion sorts v in place by insertion.
func insertion[T uint32 | uint64](v []T) {
	for i := 1; i < len(v); i++ {
		x := v[i]
		j := i
		for j > 0 && v[j-1] > x {
			v[j] = v[j-1]
			j--
		}
		v[j] = x
	}
}

// bucketSort distributes v into buf by the top byte of the keys' range
// (the eight bits below the highest bit any key has), sorts each bucket
// (by insertion, or slices.Sort when it holds more than a few: keys not
// spread over that byte cost a comparison sort, no more) and copies the
// result back. Hashes, spread evenly, leave a few per bucket.
func bucketSort[T uint32 | uint64](v, buf []T) {
	var or T
	for _, x := range v {
		or |= x
	}
	shift := uint(max(0, bits.Len64(uint64(or))-8))
	var c [257]uint32
	for _, x := range v {
		c[x>>shift+1]++
	}
	for i := 1; i < len(c); i++ {
		c[i] += c[i-1]
	}
	pos := c
	buf = buf[:len(v)]
	for _, x := range v {
		b := x >> shift
		buf[pos[b]] = x
		pos[b]++
	}
	for b := range 256 {
		s := buf[c[b]:c[b+1]]
		if len(s) > 24 {
			slices.Sort(s)
			continue
		}
		insertion(s)
	}
	copy(v, buf)
}

// lsd is the LSD radix sort of Sort.
func lsd[T uint32 | uint64](v, buf []T) {
	var zero T
	lsdPasses(v, buf, 0, uint(8*unsafe.Sizeof(zero)))
}

// SortHigh32 sorts v by the high 32 bits of its elements alone, stably:
// elements with equal high halves keep their order. An input already in
// order of its low halves (key<<32 | index, made in index order) comes
// out fully sorted in half the passes of Sort. buf is scratch, at least
// len(v) long.
func SortHigh32(v, buf []uint64) {
	if len(v) < 2 {
		return
	}
	lsdPasses(v, buf, 32, 64)
}

// lsdPasses sorts v (not empty) stably by its bits from..to-1, a byte a
// pass from the lowest; a pass is skipped when all elements share its
// byte.
func lsdPasses[T uint32 | uint64](v, buf []T, from, to uint) {
	src, dst := v, buf[:len(v)]
	var count [256]int
	for shift := from; shift < to; shift += 8 {
		clear(count[:])
		for _, x := range src {
			count[(x>>shift)&0xff]++
		}
		if count[(src[0]>>shift)&0xff] == len(src) {
			continue // every element has the same digit: the pass would not move anything
		}
		sum := 0
		for i, c := range count {
			count[i] = sum
			sum += c
		}
		for _, x := range src {
			d := (x >> shift) & 0xff
			dst[count[d]] = x
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &v[0] {
		copy(v, src)
	}
}
