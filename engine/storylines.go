package engine

import "github.com/reprint-news/reprint/cluster"

// storylines links the stories of the finished story clusterer into
// storylines: each story is one item — its centroid, its language and its
// first time — in the order the stories were opened. As in the story pass,
// the items are built and weighed on a second goroutine ahead of the
// clusterer (stories no longer change, and weighing depends only on the
// items before). It returns the storyline clusterer and the story ids of
// each storyline, in order.
func storylines(stories *cluster.Online, cfg cluster.OnlineConfig) (*cluster.Online, [][]int) {
	lines := cluster.NewOnline(cfg)
	batches := make(chan []*cluster.Weighted, 4)
	go func(wr *cluster.Weigher) {
		defer close(batches)
		for lo := 0; lo < stories.Len(); lo += featBatchSize {
			b := make([]*cluster.Weighted, 0, featBatchSize)
			for s := lo; s < min(lo+featBatchSize, stories.Len()); s++ {
				b = append(b, wr.Weigh(storyItem(stories, s)))
			}
			batches <- b
		}
	}(lines.NewWeigher())
	var lineStories [][]int
	s := 0
	for b := range batches {
		for _, w := range b {
			lines.Observe(w)
			l, _ := lines.Assign(w)
			if l < 0 {
				l = lines.New(w)
				lineStories = append(lineStories, nil)
			} else {
				lines.Add(l, w)
			}
			lineStories[l] = append(lineStories[l], s)
			s++
		}
	}
	return lines, lineStories
}

// storyItem returns story s of clusterer stories as an item of the
// storyline clusterer: its centroid, its first time and its language.
func storyItem(stories *cluster.Online, s int) *cluster.Item {
	first, _ := stories.Span(s)
	return &cluster.Item{Fields: stories.Centroid(s), Time: first, Lang: stories.Lang(s)}
}
