package gateway

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
)

func TestStoreFlushWaitsForBatchInProgress(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	buf, err := buffer.Open(buffer.Options{Path: t.TempDir(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	s := newStorer(buf, log)
	var wg sync.WaitGroup
	wg.Go(func() { s.run(context.Background()) })
	for range 2000 {
		s.enqueue(buffer.Entry{Lane: buffer.Events, Payload: []byte("e")})
	}
	if !s.flush(10 * time.Second) {
		t.Fatal("flush timed out")
	}
	if got := buf.Stats().LastSeq; got != 2000 {
		t.Errorf("after flush the buffer holds %d records, want 2000", got)
	}
	close(s.queue)
	wg.Wait()
}
