package board

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSimStartsTrippedAndWritesStatus(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outputs.json")
	b := NewSim([]string{"horn", "esd-1"}, path, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for n, active := range b.State() {
		if !active {
			t.Errorf("%s starts energised; want de-energised (active)", n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()

	if err := b.Set("esd-1", false); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		var doc statusDoc
		data, err := os.ReadFile(path)
		if err == nil && json.Unmarshal(data, &doc) == nil && doc.Outputs["esd-1"] != nil && doc.Outputs["esd-1"].Energised {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status file never showed esd-1 energised: %s", data)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := b.Halt(); err != nil {
		t.Fatal(err)
	}
	if !b.State()["esd-1"] {
		t.Error("esd-1 energised after Halt")
	}
}

func TestSimUnknownOutput(t *testing.T) {
	b := NewSim([]string{"horn"}, "", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := b.Set("siren", true); err == nil {
		t.Error("Set of an unknown output succeeded")
	}
}
