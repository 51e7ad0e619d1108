package article

import (
	"math/rand/v2"
	"testing"
)

// TestPlainRun compares the eight-bytes-at-a-time scan of a JSON string's
// plain bytes with the byte-by-byte one, on random strings rich in the
// bytes it must stop at (quote, backslash, control characters) and in
// their neighbours (bytes just above them, non-ASCII bytes).
func TestPlainRun(t *testing.T) {
	alphabet := []byte{'"', '\\', 0, 0x1f, 0x20, 0x21, 0x22 ^ 0x80, 0x5c ^ 0x80, 0x7f, 0x80, 0x9f, 0xff, 'a', 'z', '#', '[', ']'}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 20000; n++ {
		b := make([]byte, rng.IntN(40))
		plain := rng.IntN(4) == 0 // mostly plain bytes, a stop now and then
		for i := range b {
			if plain || rng.IntN(6) > 0 {
				b[i] = 0x20 + byte(rng.IntN(0xe0))
				for !strPlain[b[i]] {
					b[i]++
				}
			} else {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
		}
		for from := 0; from <= len(b); from++ {
			want := from
			for want < len(b) && strPlain[b[want]] {
				want++
			}
			if got := plainRun(b, from); got != want {
				t.Fatalf("plainRun(%q, %d) = %d, want %d", b, from, got, want)
			}
		}
	}
}
