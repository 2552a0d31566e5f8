package buffer

import (
	"slices"
	"testing"
)

func pendingSeqs(t *testing.T, recs []Record, err error) []uint64 {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	for _, r := range recs {
		seqs = append(seqs, r.Seq)
	}
	return seqs
}

func TestPendingFromSeeksPastOlderRecords(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	// Seqs 1-10 telemetry, 11-12 events, 13-20 telemetry.
	for _, e := range [][]Entry{entries(Telemetry, 10, "a"), entries(Events, 2, "e"), entries(Telemetry, 8, "b")} {
		if _, err := b.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Ack(Telemetry, []uint64{15}); err != nil {
		t.Fatal(err)
	}
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		lane  Lane
		from  uint64
		limit int
		skip  func(uint64) bool
		want  []uint64
	}{
		{"from the start", Telemetry, 0, 3, nil, []uint64{1, 2, 3}},
		{"from the middle", Telemetry, 8, 4, nil, []uint64{8, 9, 10, 13}},
		{"over an acked seq", Telemetry, 14, 10, nil, []uint64{14, 16, 17, 18, 19, 20}},
		{"with skip", Telemetry, 16, 10, func(s uint64) bool { return s%2 == 0 }, []uint64{17, 19}},
		{"past the last seq", Telemetry, 21, 10, nil, nil},
		{"other lane", Events, 5, 10, nil, []uint64{11, 12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := b.PendingFrom(tt.lane, tt.from, tt.limit, tt.skip)
			if got := pendingSeqs(t, recs, err); !slices.Equal(got, tt.want) {
				t.Errorf("PendingFrom(%s, %d, %d) = %v, want %v", tt.lane, tt.from, tt.limit, got, tt.want)
			}
		})
	}
}

// A read from a high seq must not hide the lower queued records from the
// next read from the start.
func TestPendingFromKeepsLowerRecordsReachable(t *testing.T) {
	b := openTest(t, t.TempDir())
	defer b.Close()
	if _, err := b.Append(entries(Telemetry, 10, "a")); err != nil {
		t.Fatal(err)
	}
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	recs, err := b.PendingFrom(Telemetry, 9, 10, nil)
	if got := pendingSeqs(t, recs, err); !slices.Equal(got, []uint64{9, 10}) {
		t.Fatalf("PendingFrom(9) = %v, want [9 10]", got)
	}
	recs, err = b.PendingFrom(Telemetry, 0, 2, nil)
	if got := pendingSeqs(t, recs, err); !slices.Equal(got, []uint64{1, 2}) {
		t.Errorf("PendingFrom(0) after a read from 9 = %v, want [1 2]", got)
	}
	recs, err = b.Pending(Telemetry, 2, nil)
	if got := pendingSeqs(t, recs, err); !slices.Equal(got, []uint64{1, 2}) {
		t.Errorf("Pending after a read from 9 = %v, want [1 2]", got)
	}
}
