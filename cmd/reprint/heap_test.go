package main

import "testing"

func TestGCPercentFor(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 100},
		{heapHeadroom, 100},
		{2 * heapHeadroom, 50},
		{4 * heapHeadroom, 25},
		{40 * heapHeadroom, minGCPercent},
	} {
		if got := gcPercentFor(c.live); got != c.want {
			t.Errorf("gcPercentFor(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}

func TestBatchGCPercent(t *testing.T) {
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, maxGCPercent},
		{batchHeadroom / 20, maxGCPercent},
		{batchHeadroom / 4, 400},
		{batchHeadroom / 2, 200},
		{batchHeadroom, 100},
		{8 * batchHeadroom, 100},
	} {
		if got := batchGCPercent(c.live); got != c.want {
			t.Errorf("batchGCPercent(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}

// TestBoundHeapLeavesTheOperatorsChoice: GOGC or GOMEMLIMIT in the
// environment turn the adjustment off.
func TestBoundHeapLeavesTheOperatorsChoice(t *testing.T) {
	for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(v, func(t *testing.T) {
			t.Setenv(v, "200")
			stop, on := boundHeap(gcPercentFor)
			defer stop()
			if on {
				t.Errorf("boundHeap adjusts the collector although %s is set", v)
			}
		})
	}
}
