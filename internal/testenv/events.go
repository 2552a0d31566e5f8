package testenv

import (
	"io"
	"log/slog"
	"testing"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/record"
)

// StoredEvents opens the buffer at dir, which no process may hold, and
// returns the events stored there with a seq above after.
func StoredEvents(t *testing.T, dir string, after uint64) []record.Event {
	t.Helper()
	buf, err := buffer.Open(buffer.Options{Path: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	var out []record.Event
	err = buf.Scan(func(r buffer.Record) error {
		d, err := record.Decode(r.Payload)
		if err != nil {
			return err
		}
		if r.Seq > after && d.Event != nil {
			out = append(out, *d.Event)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
