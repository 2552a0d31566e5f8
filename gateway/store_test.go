package gateway

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/record"
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

func TestStoredSamplesAndEventsIndexed(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	buf, err := buffer.Open(buffer.Options{Path: t.TempDir(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	entries := []buffer.Entry{
		sampleEntry(record.Sample{Point: "GT-101.conc", Time: at, Value: 12.5, Quality: record.Good}),
		sampleEntry(record.Sample{Point: "GT-102.conc", Time: at, Value: 3, Quality: record.Good}),
		eventEntry(record.Event{Kind: record.AlarmRaised, Point: "GT-101.conc", Time: at.Add(time.Second), Level: record.AL1}),
		eventEntry(record.Event{Kind: record.GatewayStarted, Time: at}),
	}
	if _, err := buf.Append(entries); err != nil {
		t.Fatal(err)
	}

	history := func(index string) []string {
		var kinds []string
		err := buf.History(index, at, at.Add(time.Minute), func(r buffer.Record) error {
			d, err := record.Decode(r.Payload)
			if err != nil {
				return err
			}
			if d.Sample != nil {
				kinds = append(kinds, "sample")
			} else {
				kinds = append(kinds, string(d.Event.Kind))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return kinds
	}
	if got := history("GT-101.conc"); len(got) != 1 || got[0] != "sample" {
		t.Errorf("history of GT-101.conc = %v, want [sample]", got)
	}
	if got := history(eventsIndex); len(got) != 2 || got[0] != string(record.GatewayStarted) || got[1] != string(record.AlarmRaised) {
		t.Errorf("event log = %v, want [gateway_started alarm_raised]", got)
	}
	if e := eventEntry(record.Event{Kind: record.LightningWarning, Time: at}); e.KeepFor != buffer.KeepLightning {
		t.Errorf("lightning warning kept %v, want %v", e.KeepFor, buffer.KeepLightning)
	}
	if e := eventEntry(record.Event{Kind: record.AlarmRaised, Time: at}); e.KeepFor != 0 {
		t.Errorf("alarm kept %v, want the usual retention", e.KeepFor)
	}
}

// TestBrokenStoreReportedAsEvent gives buffer.Open a directory whose store
// files are garbage, for Badger and bbolt alike, and checks that the fresh
// store starts with a store_replaced event naming the moved-aside store.
func TestBrokenStoreReportedAsEvent(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	path := filepath.Join(t.TempDir(), "buffer")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"MANIFEST", "buffer.db"} {
		if err := os.WriteFile(filepath.Join(path, name), bytes.Repeat([]byte("garbage!"), 1024), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	g := &Gateway{log: log}
	buf, err := buffer.Open(buffer.Options{Path: path, Logger: log, ReplaceBroken: g.storeReplaced})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()

	var events []record.Event
	err = buf.Scan(func(r buffer.Record) error {
		d, err := record.Decode(r.Payload)
		if err != nil {
			return err
		}
		if d.Event != nil {
			events = append(events, *d.Event)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := filepath.Glob(path + ".broken-*")
	if err != nil || len(moved) != 1 {
		t.Fatalf("moved-aside stores = %v, %v; want one", moved, err)
	}
	if len(events) != 1 || events[0].Kind != record.StoreReplaced {
		t.Fatalf("fresh store holds %+v, want one store_replaced event", events)
	}
	if !strings.Contains(events[0].Text, moved[0]) {
		t.Errorf("event text %q does not name the moved-aside store %s", events[0].Text, moved[0])
	}
	if pending, err := buf.Pending(buffer.Events, 10, nil); err != nil || len(pending) != 1 {
		t.Errorf("pending events = %d, %v; want the store_replaced event waiting for upload", len(pending), err)
	}
}
