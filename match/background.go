package match

import (
	_ "embed"
	"encoding/binary"
	"sort"
	"sync"
)

// The background document frequencies.
//
// background_en.bin holds the document frequencies of English stems in
// the news articles of the ECB+ development corpus and the UCI News
// Aggregator headlines (../shared/data; see internal/fit, which writes
// it with `go run ./internal/fit background`). Stems seen in fewer than
// two documents are left out (they weigh as unseen, the most). Format,
// little-endian: uint32 N (documents), uint32 count, then count pairs of
// uint32 stem hash (text.HashWord of the stem, ascending) and uint32
// document frequency.

//go:embed background_en.bin
var backgroundEN []byte

type background struct {
	n uint32
	m map[uint32]uint32
}

var (
	bgOnce sync.Once
	bgEN   *background
)

// backgroundOf returns the background table of a language, or nil.
func backgroundOf(lang string) *background {
	if lang != "en" && lang != "und" {
		return nil
	}
	bgOnce.Do(func() { bgEN = parseBackground(backgroundEN) })
	return bgEN
}

// parseBackground decodes a background table; a malformed one decodes as
// empty.
func parseBackground(b []byte) *background {
	if len(b) < 8 {
		return &background{}
	}
	n, count := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:])
	if uint64(len(b)) != 8+8*uint64(count) {
		return &background{}
	}
	bg := &background{n: n, m: make(map[uint32]uint32, count)}
	for i := range int(count) {
		bg.m[binary.LittleEndian.Uint32(b[8+8*i:])] = binary.LittleEndian.Uint32(b[12+8*i:])
	}
	return bg
}

// df returns a stem's background document frequency.
func (bg *background) df(stem uint32) uint32 { return bg.m[stem] }

// EncodeBackground encodes document frequencies (stem → df) over n
// documents as a background table, leaving out stems seen fewer than
// minDF times.
func EncodeBackground(n int, df map[uint32]uint32, minDF uint32) []byte {
	stems := make([]uint32, 0, len(df))
	for s, c := range df {
		if c >= minDF {
			stems = append(stems, s)
		}
	}
	sort.Slice(stems, func(i, j int) bool { return stems[i] < stems[j] })
	b := binary.LittleEndian.AppendUint32(nil, uint32(n))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(stems)))
	for _, s := range stems {
		b = binary.LittleEndian.AppendUint32(b, s)
		b = binary.LittleEndian.AppendUint32(b, df[s])
	}
	return b
}
