package text

// wordSet is a fixed set of words (stop words, month names) that answers
// membership several times faster than a map of strings: an open-addressed
// table, kept at most an eighth full so that a word not in it (most words
// of a text) mostly meets an empty slot at once, hashed by FNV-1a.
type wordSet struct {
	slots []string // "" is an empty slot
	mask  uint32
}

// newWordSet returns the set of words ("" is never a member).
func newWordSet(words []string) *wordSet {
	size := 16
	for size < 8*len(words) {
		size *= 2
	}
	s := &wordSet{slots: make([]string, size), mask: uint32(size - 1)}
	for _, w := range words {
		if w == "" || s.has(w) {
			continue
		}
		i := wordSetHash(w) & s.mask
		for s.slots[i] != "" {
			i = (i + 1) & s.mask
		}
		s.slots[i] = w
	}
	return s
}

// has reports whether w is in the set.
func (s *wordSet) has(w string) bool {
	if w == "" {
		return false
	}
	for i := wordSetHash(w) & s.mask; ; i = (i + 1) & s.mask {
		switch x := s.slots[i]; x {
		case "":
			return false
		case w:
			return true
		}
	}
}

// words returns the set's words, in no particular order.
func (s *wordSet) words() []string {
	var out []string
	for _, w := range s.slots {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

func wordSetHash(w string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint32(w[i])) * 16777619
	}
	return h ^ h>>15
}
