package index

import (
	"encoding/binary"
	"fmt"

	"github.com/reprint-news/reprint/store"
)

// Later returns, in ascending order, the sequence numbers after seq of the
// stored articles that share at least M buckets with band keys keys: every
// article that could have had the article of keys as a candidate when it
// arrived (uncapped; used when an article is removed, to find who refers
// to it).
func (x *Buckets) Later(keys []uint32, seq uint64) ([]uint64, error) {
	if err := x.check(keys); err != nil {
		return nil, err
	}
	var members []uint64
	var lower []byte
	for band, key := range keys {
		prefix := bucketKey(nil, band, key)
		lower = binary.BigEndian.AppendUint64(append(lower[:0], prefix...), seq+1)
		err := x.s.Scan(lower, store.PrefixEnd(prefix), func(k, _ []byte) error {
			members = append(members, binary.BigEndian.Uint64(k[len(prefix):]))
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("index: bucket scan: %w", err)
		}
	}
	return x.sharingM(members), nil
}
