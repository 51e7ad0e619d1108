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

// TestBoundHeapLeavesTheOperatorsChoice: GOGC or GOMEMLIMIT in the
// environment turn the adjustment off.
func TestBoundHeapLeavesTheOperatorsChoice(t *testing.T) {
	for _, v := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(v, func(t *testing.T) {
			t.Setenv(v, "200")
			stop, on := boundHeap()
			defer stop()
			if on {
				t.Errorf("boundHeap adjusts the collector although %s is set", v)
			}
		})
	}
}
