package logpipe

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
)

// A reader that never reads must not block the writer: writes beyond the
// queue are dropped and counted.
func TestWriteNeverBlocks(t *testing.T) {
	r, blocked := io.Pipe()
	defer r.Close()
	w := New(blocked, 4)
	done := make(chan struct{})
	go func() {
		for range 100 {
			w.Write([]byte("alarm line\n"))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Write blocked on a reader that does not read")
	}
	if d := w.Dropped(); d < 90 {
		t.Errorf("dropped %d of 100 writes to a stuck reader, want at least 90", d)
	}
}

func TestCloseFlushesInOrder(t *testing.T) {
	var out testenv.SyncBuffer
	w := New(&out, 16)
	for _, s := range []string{"one\n", "two\n", "three\n"} {
		w.Write([]byte(s))
	}
	if !w.Close(time.Second) {
		t.Fatal("Close did not flush within 1 s")
	}
	if got := out.String(); got != "one\ntwo\nthree\n" {
		t.Errorf("output %q", got)
	}
}

func TestDropsAreReported(t *testing.T) {
	r, pw := io.Pipe()
	w := New(pw, 1)
	for range 10 {
		w.Write([]byte("x\n"))
	}
	var got bytes.Buffer
	copied := make(chan struct{})
	go func() { io.Copy(&got, r); close(copied) }()
	w.Write([]byte("after\n"))
	w.Close(time.Second)
	pw.Close()
	<-copied
	if !strings.Contains(got.String(), "log lines dropped") {
		t.Errorf("output %q does not report the drops", got.String())
	}
}
