package store_test

import (
	"testing"

	"github.com/reprint-news/reprint/store"
	"github.com/reprint-news/reprint/store/kvtest"
)

func TestKVConformance(t *testing.T) {
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	kvtest.Run(t, st)
}
