package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/reprint-news/reprint/article"
	"github.com/reprint-news/reprint/store"
)

// Delete removes stored article id from every index, in one synced batch:
//
//   - its record and sequence key, and (in memory, once the batch is
//     stored) its place in the LSH bucket and search indexes;
//
//   - its duplicate group: a member leaves it; a representative hands the
//     group to its earliest remaining member; a group left with one
//     article is dissolved;
//
//   - the relations to it in the records of later articles (found through
//     its buckets: any article that related to it shared them);
//
//   - its story and storyline: their counts and outlets; a story left
//     empty is removed with its storyline link, and so is a storyline left
//     without stories.
//
//   - its text reuse relations: its back-references and its entries in
//     the records of the articles it related to.
//
// The batch also logs the deletion (deletionKey), so that the other
// processes sharing the state take the article out of their memory when
// they catch up (takeDeletions).
//
// What it leaves: the in-memory clusterers, boilerplate statistics and
// text reuse document frequencies keep the article's share of document
// frequencies and centroids until the engine restarts (they hold sums, not articles); the replay at the
// next start no longer sees it. So the batch also counts the deletion
// (c/deleted), which makes every snapshot written before it invalid, and
// the engine writes no snapshot until its memory is rebuilt. Stories
// already decided are not re-decided. Delete returns store.ErrNotFound
// for an unknown id.
func (l *Live) Delete(id string) error {
	done, err := l.beginWrite()
	if err != nil {
		return err
	}
	defer done()
	l.mu.Lock()
	defer l.mu.Unlock()
	a, err := l.get(id)
	if err != nil {
		return err
	}
	if err := l.st.Writable(); err != nil {
		return err
	}
	// The deletions of other processes first: this one is numbered after
	// them.
	deleted, err := l.takeDeletions()
	if err != nil {
		return err
	}
	words := prepare(article.Article{Title: a.Title, Text: a.Text}, false).words
	// Delete rewrites story and storyline records itself.
	l.storyRecs.reset()
	l.lineRecs.reset()
	b := l.st.NewBatch()
	defer b.Discard()
	// Rewritten records, by id: an article may be touched twice (a group
	// member that also relates to it).
	dirty := map[string]*LiveArticle{}
	load := func(id string) (*LiveArticle, error) {
		if r, ok := dirty[id]; ok {
			return r, nil
		}
		r, err := l.get(id)
		if err == nil {
			dirty[id] = r
		}
		return r, err
	}

	b.Delete([]byte(livePrefixArticle + a.ID))
	b.Delete(seqKey(livePrefixSeq, a.Seq))
	if a.Keys != nil {
		for _, seq := range l.bkt.LaterKeys(a.Seq, a.Keys) {
			later, err := l.bySeq(seq)
			if errors.Is(err, store.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			r, err := load(later.ID)
			if err != nil {
				return err
			}
			r.Relations = slices.DeleteFunc(r.Relations, func(x LiveRelation) bool { return x.ID == a.ID })
		}
	}
	if err := l.deleteReuse(b, a, load); err != nil {
		return err
	}
	if err := l.leaveGroup(b, a, load); err != nil {
		return err
	}
	if err := l.leaveStory(b, a); err != nil {
		return err
	}
	delete(dirty, a.ID)
	for _, r := range dirty {
		if err := putJSON(b, seqKey(livePrefixSeq, r.Seq), r); err != nil {
			return err
		}
	}
	b.Set([]byte(liveKeyDeleted), binary.BigEndian.AppendUint64(nil, deleted+1))
	b.Set(deletionKey(deleted+1), encodeDeletion(a.Seq, a.ID, words))
	if err := b.Commit(); err != nil {
		return err
	}
	l.forget(a.Seq, a.ID, words)
	l.taken = deleted + 1
	return nil
}

// The deletion log: key x/ followed by a deletion's number (the deletion
// count c/deleted it made, 8 bytes big-endian), holding what the other
// processes sharing the state need to take the article out of their
// memory (takeDeletions): its sequence number, id and search words.
const livePrefixDeletion = "x/"

func deletionKey(n uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(livePrefixDeletion), n)
}

func encodeDeletion(seq uint64, id string, words []uint32) []byte {
	b := appendString(binary.AppendUvarint(nil, seq), id)
	b = binary.AppendUvarint(b, uint64(len(words)))
	for _, w := range words {
		b = binary.AppendUvarint(b, uint64(w))
	}
	return b
}

func decodeDeletion(b []byte) (seq uint64, id string, words []uint32, err error) {
	d := decoder{b: b}
	seq, id = d.uvarint(), d.str()
	n := d.uvarint()
	for range min(n, uint64(len(d.b))) {
		words = append(words, uint32(d.uvarint()))
	}
	if d.err != nil || uint64(len(words)) != n || len(d.b) != 0 {
		return 0, "", nil, errors.New("deletion log: corrupt record")
	}
	return seq, id, words, nil
}

// takeDeletions takes the articles that other processes sharing the
// state deleted out of the memory (the caller holds mu): from the bucket
// and search indexes, the id table and the count, as Delete takes its
// own. It returns the store's deletion count (c/deleted). A deletion whose
// log entry is not visible yet (a lease-less reader, while its batch is
// being applied) is taken the next time. Like Delete, it leaves the
// clusterers' sums, and the memory no longer matches a snapshot.
func (l *Live) takeDeletions() (uint64, error) {
	deleted, err := l.deletedCount()
	if err != nil {
		return 0, err
	}
	for ; l.taken < deleted; l.taken++ {
		v, err := l.st.Get(deletionKey(l.taken + 1))
		if errors.Is(err, store.ErrNotFound) {
			break
		} else if err != nil {
			return 0, err
		}
		seq, id, words, err := decodeDeletion(v)
		if err != nil {
			return 0, fmt.Errorf("deletion %d: %w", l.taken+1, err)
		}
		l.forget(seq, id, words)
	}
	return deleted, nil
}

// forget takes deleted article seq (id, search words) out of the memory,
// if it was taken in (the caller holds mu).
func (l *Live) forget(seq uint64, id string, words []uint32) {
	l.diverged = true // no snapshot until a rebuild (live_snapshot.go)
	inBuckets := l.bkt.Remove(seq)
	l.rmu.Lock()
	inSearch := l.words.Remove(seq, words) > 0
	l.rmu.Unlock()
	// In neither index: deleted before this process took it in, unless
	// it is older than the window (taken in, and evicted since).
	if !inBuckets && !inSearch && seq >= l.windowFrom(l.next) {
		return
	}
	l.recent.reset() // groups may have new representatives
	if h := l.idHash(id); l.ids[h] > 1 {
		l.ids[h]--
	} else {
		delete(l.ids, h)
	}
	l.publishIndexBytes()
	l.count.Add(^uint64(0))
}

// leaveGroup takes a out of its duplicate group (see Delete).
func (l *Live) leaveGroup(b store.Batch, a *LiveArticle, load func(string) (*LiveArticle, error)) error {
	if a.Group == "" {
		return nil
	}
	rep, err := load(a.Group)
	if err != nil {
		return fmt.Errorf("group %q: %w", a.Group, err)
	}
	// The members after the representative, in arrival order.
	var members []*LiveArticle
	prefix := seqKey(livePrefixMember, rep.Seq)
	err = l.st.Scan(prefix, store.PrefixEnd(prefix), func(k, _ []byte) error {
		seq := binary.BigEndian.Uint64(k[len(prefix):])
		b.Delete(k)
		if seq == a.Seq {
			return nil
		}
		m, err := l.bySeq(seq)
		if err != nil {
			return err
		}
		m, err = load(m.ID)
		if err != nil {
			return err
		}
		members = append(members, m)
		return nil
	})
	if err != nil {
		return err
	}
	if rep.ID != a.ID {
		members = append([]*LiveArticle{rep}, members...)
	}
	// The earliest remaining article represents the group; alone, it is
	// in no group.
	newRep := ""
	if len(members) > 1 {
		newRep = members[0].ID
		for _, m := range members[1:] {
			b.Set(seqKey(livePrefixMember, members[0].Seq, m.Seq), nil)
		}
	}
	for _, m := range members {
		m.Group = newRep
	}
	return nil
}

// leaveStory takes a out of its story and storyline records (see Delete).
func (l *Live) leaveStory(b store.Batch, a *LiveArticle) error {
	num, ok := parseNum(a.Story, 's')
	if !ok {
		return nil
	}
	sr, err := l.story(num)
	if err != nil {
		return fmt.Errorf("story of %q: %w", a.ID, err)
	}
	b.Delete(seqKey(livePrefixStoryMember, num, a.Seq))
	b.Delete(storySizeKey(sr.Articles, num))
	sr.Articles--
	copied, rewrote := reuseCounts(a)
	sr.Copies, sr.Rewrites = max(0, sr.Copies-copied), max(0, sr.Rewrites-rewrote)
	sr.Sources = addSource(sr.Sources, a.Source, -1)
	lnum, _ := parseNum(sr.Storyline, 'l')
	lr, err := l.storyline(lnum)
	if err != nil {
		return fmt.Errorf("storyline of story %s: %w", sr.ID, err)
	}
	lr.Articles--
	if sr.Articles > 0 {
		b.Set(storySizeKey(sr.Articles, num), nil)
		if err := putJSON(b, []byte(livePrefixStory+key64(num)), sr); err != nil {
			return err
		}
	} else {
		b.Delete([]byte(livePrefixStory + key64(num)))
		b.Delete(storyTimeKey(sr.Updated, num))
		b.Delete(seqKey(livePrefixLineMember, lnum, num))
		lr.Stories--
	}
	if lr.Stories > 0 {
		return putJSON(b, []byte(livePrefixStoryline+key64(lnum)), lr)
	}
	b.Delete([]byte(livePrefixStoryline + key64(lnum)))
	return nil
}
