package engine

// A window (Config.Window) bounds the service's in-memory indexes to the
// latest articles: the LSH buckets hold the articles of the window (a
// page of numbers at a time leaves them), the search index is trimmed
// below the window every trimStep numbers, and both are asked only about
// the window's articles in between, so that answers do not depend on when
// memory was given back. Everything is a function of sequence numbers:
// every process, replay and snapshot evicts alike.

// windowFrom returns the first sequence number in the window of the
// article numbered seq (0: no window, or the window reaches back to the
// first article).
func (l *Live) windowFrom(seq uint64) uint64 {
	if w := l.cfg.Window; w > 0 && seq > w {
		return seq - w
	}
	return 0
}

// countID counts stored article id in the id table; a windowed engine
// keeps none (it would grow with the store): it asks the store about
// every new id, a read of a missing key that the store's Bloom filters
// answer.
func (l *Live) countID(id string) {
	if l.cfg.Window == 0 {
		l.ids[l.idHash(id)]++
	}
}

// trimStep is how far the window moves between two trims of the search
// index: an eighth of it, at least 8,192 numbers (a trim visits every
// word, some tens of milliseconds at a million).
func (l *Live) trimStep() uint64 { return max(l.cfg.Window/8, 1<<13) }

// slideWindow moves the window to that of the article numbered next: the
// bucket index evicts the pages below it, and the search index is
// trimmed to the last multiple of trimStep below it (under rmu, after an
// article entered the indexes).
func (l *Live) slideWindow(next uint64) {
	from := l.windowFrom(next)
	if from == 0 {
		return
	}
	l.bkt.Evict(from)
	l.searchFrom = from
	if t := from - from%l.trimStep(); t > l.trimmedTo {
		l.words.Trim(t)
		l.trimmedTo = t
	}
}
