package engine

// A window (Config.Window) bounds the service's in-memory indexes to the
// latest articles: the LSH buckets hold the articles of the window (a
// page of numbers at a time leaves them), the search index holds them in
// generations of searchStep numbers and drops a generation once it lies
// below the window, and both are asked only about the window's articles
// in between, so that answers do not depend on when memory was given
// back. Everything is a function of sequence numbers:
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

// knownAbsent reports whether the id table says that no stored article
// has id, without a read (never with a window: it keeps no table).
func (l *Live) knownAbsent(id string) bool {
	return l.cfg.Window == 0 && l.ids[l.idHash(id)] == 0
}

// searchStep is the numbers of a generation of the search index with a
// window (0: one generation): an eighth of the window, at least 8,192, so
// that the index holds at most an eighth more than the window.
func (l *Live) searchStep() uint64 {
	if l.cfg.Window == 0 {
		return 0
	}
	return max(l.cfg.Window/8, 1<<13)
}

// slideWindow moves the window to that of the article numbered next: the
// bucket index evicts the pages below it, and the search index drops the
// generations below it (under rmu, after an article entered the indexes).
func (l *Live) slideWindow(next uint64) {
	from := l.windowFrom(next)
	if from == 0 {
		return
	}
	l.bkt.Evict(from)
	l.words.Drop(from)
	l.searchFrom = from
}
