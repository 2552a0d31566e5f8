package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/locale"
	"github.com/plantgw/plantgw/record"
)

func TestLatchResetEvents(t *testing.T) {
	cfg, err := config.Parse("test.yaml", fmt.Appendf(nil, gatewayYAML, 1502, 1883, "buf"), nil)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 4, 2, 3, 4, 0, time.UTC)
	latches := alarm.Latches{
		// GT-1.conc is a gas point: it has al1 and al2 but no hh.
		Alarms: map[string][]record.Level{"GT-1.conc": {record.AL2, record.HH}, "GT-9.conc": {record.AL1}},
		Trips:  []string{"esd", "removed-interlock"},
	}

	events, notInConfig := latchResetEvents(cfg, latches, at, true)

	want := []record.Event{
		{Kind: record.AlarmReset, Time: at, ClockSynced: true, Point: "GT-1.conc", Level: record.AL2, Source: record.SourceLocalUI},
		{Kind: record.TripReset, Time: at, ClockSynced: true, Output: "esd-1", Interlock: "esd", Level: record.AL2, Source: record.SourceLocalUI},
	}
	if len(events) != len(want) {
		t.Fatalf("events = %+v, want %d events", events, len(want))
	}
	for i := range want {
		got := events[i]
		if !strings.Contains(got.Text, "--clear-latches") {
			t.Errorf("event %d text %q does not name --clear-latches", i, got.Text)
		}
		got.Text = ""
		if got != want[i] {
			t.Errorf("event %d = %+v, want %+v", i, got, want[i])
		}
	}
	if wantNames := []string{"GT-1.conc hh", "GT-9.conc al1", "removed-interlock"}; !slices.Equal(notInConfig, wantNames) {
		t.Errorf("not in config = %q, want %q", notInConfig, wantNames)
	}
}

func TestClearLatchesReportLanguages(t *testing.T) {
	at := time.Date(2026, 12, 4, 2, 3, 4, 0, time.UTC)
	cleared := ClearedLatches{
		Latches: alarm.Latches{Alarms: map[string][]record.Level{"GT-1.conc": {record.AL2}}, Trips: []string{"esd"}},
		Events: []record.Event{
			{Kind: record.AlarmReset, Time: at, Point: "GT-1.conc", Level: record.AL2},
			{Kind: record.TripReset, Time: at, Output: "esd-1,fire-panel", Interlock: "esd", Level: record.AL2},
		},
	}
	tests := []struct {
		lang string
		want []string
	}{
		{"zh-CN", []string{"已清除锁存报警 GT-1.conc 二级报警", "已清除联锁动作状态: 联锁 esd (输出 esd-1,fire-panel)",
			"已清除 1 个锁存报警和 1 个联锁动作状态; 2 条复位事件已存入缓存 buf, 下次上传时发送到平台", "报警条件仍然存在的, 会再次锁存"}},
		{"en", []string{"cleared latched alarm GT-1.conc level 2 alarm", "cleared tripped interlock esd (outputs esd-1,fire-panel)",
			"cleared 1 latched alarms and 1 tripped interlocks; 2 reset events stored in buffer buf", "an alarm whose condition is still met latches again"}},
	}
	for _, tt := range tests {
		text := strings.Join(cleared.Report(locale.Printer(tt.lang), "buf"), "\n")
		for _, want := range tt.want {
			if !strings.Contains(text, want) {
				t.Errorf("%s report lacks %q:\n%s", tt.lang, want, text)
			}
		}
	}

	empty := strings.Join(ClearedLatches{}.Report(locale.Printer("zh-CN"), "buf"), "\n")
	if !strings.Contains(empty, "缓存 buf 中没有锁存的报警或联锁") {
		t.Errorf("report of nothing cleared = %q", empty)
	}
}

// syncWriter is a bytes.Buffer that the console may write while the test
// reads it.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// savedLatches returns the latches document in the buffer at dir, or nil.
func savedLatches(t *testing.T, dir string) []byte {
	t.Helper()
	buf, err := buffer.Open(buffer.Options{Path: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	data, err := buf.GetMeta(latchesKey)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func lastSeq(t *testing.T, dir string) uint64 {
	t.Helper()
	buf, err := buffer.Open(buffer.Options{Path: dir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	return buf.Stats().LastSeq
}

func TestClearLatchesOnDiskThenFreshStart(t *testing.T) {
	slave, port := startGasSlave(t)
	bufDir := filepath.Join(t.TempDir(), "buf")
	cfg, err := config.Parse("test.yaml", fmt.Appendf(nil, gatewayYAML, port, testenv.FreePort(t), bufDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := func(b *board.Sim, console io.Writer) (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		wg.Go(func() {
			_ = Run(ctx, cfg, Options{Logger: log, Board: b, DrainTimeout: 100 * time.Millisecond, Console: console, Printer: locale.Printer("en")})
		})
		return func() { cancel(); wg.Wait() }
	}
	newBoard := func() *board.Sim { return board.NewSim([]string{"horn", "beacon", "esd-1"}, "", log) }

	// The gateway's own latch keeper saves the trip.
	first := newBoard()
	stop := start(first, io.Discard)
	testenv.WaitFor(t, 5*time.Second, "first scan releases esd-1", func() bool { return !first.State()["esd-1"] })
	slave.tenths.Store(450)
	testenv.WaitFor(t, 5*time.Second, "trip at 45 %LEL", func() bool { return first.State()["esd-1"] })
	stop()
	var saved alarm.Latches
	if err := json.Unmarshal(savedLatches(t, bufDir), &saved); err != nil {
		t.Fatalf("saved latches: %v", err)
	}
	if alarms, trips := saved.Count(); alarms != 2 || trips != 1 {
		t.Fatalf("saved latches = %+v, want al1 and al2 of GT-1.conc and trip esd", saved)
	}
	seqBefore := lastSeq(t, bufDir)

	cleared, err := ClearLatches(cfg, log)
	if err != nil {
		t.Fatalf("ClearLatches: %v", err)
	}
	if len(cleared.Events) != 3 || len(cleared.NotInConfig) != 0 || cleared.Unreadable {
		t.Errorf("cleared = %+v, want 3 events", cleared)
	}
	if data := savedLatches(t, bufDir); data != nil {
		t.Errorf("latches still saved after ClearLatches: %s", data)
	}
	stored := testenv.StoredEvents(t, bufDir, seqBefore)
	var kinds []string
	for _, e := range stored {
		kinds = append(kinds, fmt.Sprintf("%s %s%s %s %s", e.Kind, e.Point, e.Interlock, e.Level, e.Source))
		if e.Time.IsZero() {
			t.Errorf("stored %s event has no time", e.Kind)
		}
	}
	wantKinds := []string{"alarm_reset GT-1.conc al1 local_ui", "alarm_reset GT-1.conc al2 local_ui", "trip_reset esd al2 local_ui"}
	if !slices.Equal(kinds, wantKinds) {
		t.Errorf("events stored after seq %d = %q, want %q", seqBefore, kinds, wantKinds)
	}
	if got := lastSeq(t, bufDir); got != seqBefore+3 {
		t.Errorf("last seq after clearing = %d, want %d: the sequence must continue", got, seqBefore+3)
	}

	again, err := ClearLatches(cfg, log)
	if err != nil || len(again.Events) != 0 {
		t.Errorf("second ClearLatches = %+v, %v; want nothing cleared", again, err)
	}

	// The gas is still at 45 %LEL: the fresh engine raises and latches the
	// alarms and trips the interlock again on its first scan.
	console := &syncWriter{}
	second := newBoard()
	stop = start(second, console)
	testenv.WaitFor(t, 5*time.Second, "the trip on the first scan after the restart", func() bool {
		return strings.Contains(console.String(), "TRIP      interlock esd")
	})
	stop()
	out := console.String()
	if !strings.Contains(out, "0 latched alarms and 0 trips kept from before the start") || strings.Contains(out, "KEPT") {
		t.Errorf("console after clearing does not start without latches:\n%s", out)
	}
	if !second.State()["esd-1"] {
		t.Error("esd-1 energised after stop")
	}
	if err := json.Unmarshal(savedLatches(t, bufDir), &saved); err != nil {
		t.Fatalf("saved latches after the restart: %v", err)
	}
	if _, trips := saved.Count(); trips != 1 {
		t.Errorf("latches saved after the restart = %+v, want the trip latched again", saved)
	}

	// Cleared again with the gas back to normal, esd-1 is released on the
	// first scan.
	if _, err := ClearLatches(cfg, log); err != nil {
		t.Fatal(err)
	}
	slave.tenths.Store(10)
	third := newBoard()
	stop = start(third, io.Discard)
	testenv.WaitFor(t, 5*time.Second, "esd-1 released on the first scan", func() bool { return !third.State()["esd-1"] })
	stop()
}

func TestClearLatchesMissingBufferNotCreated(t *testing.T) {
	bufDir := filepath.Join(t.TempDir(), "missing")
	cfg, err := config.Parse("test.yaml", fmt.Appendf(nil, gatewayYAML, 1502, 1883, bufDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ClearLatches(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ClearLatches on a missing buffer: %v, want os.ErrNotExist", err)
	}
	if _, err := os.Stat(bufDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ClearLatches created %s (stat: %v)", bufDir, err)
	}
}

func TestClearLatchesUnreadableDocument(t *testing.T) {
	bufDir := filepath.Join(t.TempDir(), "buf")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	buf, err := buffer.Open(buffer.Options{Path: bufDir, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := buf.PutMeta(latchesKey, []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if err := buf.Close(); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("test.yaml", fmt.Appendf(nil, gatewayYAML, 1502, 1883, bufDir), nil)
	if err != nil {
		t.Fatal(err)
	}

	cleared, err := ClearLatches(cfg, log)
	if err != nil || !cleared.Unreadable || len(cleared.Events) != 0 {
		t.Errorf("ClearLatches = %+v, %v; want unreadable and no events", cleared, err)
	}
	if data := savedLatches(t, bufDir); data != nil {
		t.Errorf("unreadable latches still saved: %s", data)
	}
}
