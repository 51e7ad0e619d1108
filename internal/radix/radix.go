// Package radix sorts unsigned integers with an LSD radix sort: several
// times faster than a comparison sort for the shingle sets and band keys
// reprint sorts by the million.
package radix

import (
	"slices"
	"unsafe"
)

// Sort sorts v in place using buf (at least len(v) long) as scratch, with
// 8-bit digits: 4 passes for uint32, 8 for uint64. Inputs shorter than 64
// elements use slices.Sort.
func Sort[T uint32 | uint64](v, buf []T) {
	if len(v) < 64 {
		slices.Sort(v)
		return
	}
	var zero T
	bits := uint(8 * unsafe.Sizeof(zero))
	src, dst := v, buf[:len(v)]
	var count [256]int
	for shift := uint(0); shift < bits; shift += 8 {
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
