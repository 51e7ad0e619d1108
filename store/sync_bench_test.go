package store

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSyncedWrite is one article's write as reprint serve makes it:
// a batch of about 6 KB committed without a sync, then Sync. On a new
// store the log grows with every sync; primed (PrimeLog) it overwrites a
// reused file's blocks. Run with a fixed count below a memtable's worth
// (-benchtime 2000x) so that the unprimed case stays in its first log.
func BenchmarkSyncedWrite(b *testing.B) {
	for _, primed := range []bool{false, true} {
		b.Run(fmt.Sprintf("primed=%v", primed), func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if primed {
				if err := s.PrimeLog(); err != nil {
					b.Fatal(err)
				}
			}
			val := make([]byte, 6000) // the log is not compressed: one value serves every write
			for j := range val {
				val[j] = byte(rand.Uint32())
			}
			b.ResetTimer()
			for i := range b.N {
				bt := s.NewBatch()
				bt.Set(fmt.Appendf(nil, "a/%09d", i), val)
				if err := bt.CommitNoSync(); err != nil {
					b.Fatal(err)
				}
				bt.Discard()
				if err := s.Sync(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
