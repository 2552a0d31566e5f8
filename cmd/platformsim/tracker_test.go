package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func addAll(t *testing.T, s *seqSet, seqs ...int64) {
	t.Helper()
	for _, seq := range seqs {
		if !s.add(seq) {
			t.Fatalf("add(%d) = false, want true for a new seq", seq)
		}
	}
}

func TestSeqSetOutOfOrder(t *testing.T) {
	var s seqSet
	// Events go ahead of telemetry, so 3 and 5 arrive before 1, 2 and 4.
	addAll(t, &s, 3, 5, 1, 4, 2)

	if got := len(s.ranges); got != 1 {
		t.Errorf("ranges = %v, want one range", s.ranges)
	}
	if got := s.max(); got != 5 {
		t.Errorf("max = %d, want 5", got)
	}
	if got := s.missingCount(); got != 0 {
		t.Errorf("missingCount = %d, want 0", got)
	}
}

func TestSeqSetDuplicates(t *testing.T) {
	var s seqSet
	addAll(t, &s, 1, 2, 7)

	for _, seq := range []int64{1, 2, 7} {
		if s.add(seq) {
			t.Errorf("add(%d) = true for a seq already received", seq)
		}
	}
	if s.count != 3 {
		t.Errorf("count = %d, want 3", s.count)
	}
	if !s.contains(7) || s.contains(6) {
		t.Errorf("contains(7) = %v, contains(6) = %v, want true, false", s.contains(7), s.contains(6))
	}
}

func TestSeqSetGapsCloseLater(t *testing.T) {
	var s seqSet
	addAll(t, &s, 1, 2, 6, 10)

	if got := s.missingCount(); got != 6 {
		t.Errorf("missingCount = %d, want 6 (3-5 and 7-9)", got)
	}
	missing, truncated := s.missingRanges(maxMissingRanges)
	wantMissing := []seqRange{{3, 5}, {7, 9}}
	if !slices.Equal(missing, wantMissing) || truncated {
		t.Errorf("missingRanges = %v, %v, want %v, false", missing, truncated, wantMissing)
	}

	addAll(t, &s, 4, 3, 5, 8, 9, 7)
	if got := s.missingCount(); got != 0 {
		t.Errorf("missingCount after the gaps closed = %d, want 0", got)
	}
	if got := len(s.ranges); got != 1 {
		t.Errorf("ranges after the gaps closed = %v, want one range", s.ranges)
	}
	missing, _ = s.missingRanges(maxMissingRanges)
	if len(missing) != 0 {
		t.Errorf("missingRanges after the gaps closed = %v, want none", missing)
	}
}

func TestSeqSetGapBeforeFirstSeq(t *testing.T) {
	var s seqSet
	addAll(t, &s, 4)

	missing, _ := s.missingRanges(maxMissingRanges)
	if !slices.Equal(missing, []seqRange{{1, 3}}) {
		t.Errorf("missingRanges = %v, want [{1 3}]", missing)
	}
	if got := s.missingCount(); got != 3 {
		t.Errorf("missingCount = %d, want 3", got)
	}
}

func TestSeqSetEmpty(t *testing.T) {
	var s seqSet
	if s.max() != 0 || s.missingCount() != 0 {
		t.Errorf("empty set max = %d, missingCount = %d, want 0, 0", s.max(), s.missingCount())
	}
	missing, truncated := s.missingRanges(maxMissingRanges)
	if len(missing) != 0 || truncated {
		t.Errorf("empty set missingRanges = %v, %v, want none", missing, truncated)
	}
}

func TestSeqSetLargeShuffledRange(t *testing.T) {
	const n = 200_000
	seqs := make([]int64, n)
	for i := range seqs {
		seqs[i] = int64(i + 1)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(seqs), func(i, j int) { seqs[i], seqs[j] = seqs[j], seqs[i] })

	var s seqSet
	for _, seq := range seqs {
		s.add(seq)
	}
	if s.count != n || s.max() != n || len(s.ranges) != 1 {
		t.Errorf("count = %d, max = %d, ranges = %d, want %d, %d, 1", s.count, s.max(), len(s.ranges), n, n)
	}
}

func TestSeqSetHugeSeqs(t *testing.T) {
	var s seqSet
	addAll(t, &s, 1, math.MaxInt64, math.MaxInt64-1)

	if got := s.max(); got != math.MaxInt64 {
		t.Errorf("max = %d, want MaxInt64", got)
	}
	if got, want := s.missingCount(), int64(math.MaxInt64-3); got != want {
		t.Errorf("missingCount = %d, want %d", got, want)
	}
	missing, _ := s.missingRanges(maxMissingRanges)
	if !slices.Equal(missing, []seqRange{{2, math.MaxInt64 - 2}}) {
		t.Errorf("missingRanges = %v, want [{2 MaxInt64-2}]", missing)
	}
	if len(s.ranges) != 2 {
		t.Errorf("ranges = %v, want 2 ranges", s.ranges)
	}
}

func TestSeqSetMissingRangesCapped(t *testing.T) {
	var s seqSet
	// Every even seq from 2 to 400 leaves 200 single-seq gaps.
	for seq := int64(2); seq <= 400; seq += 2 {
		s.add(seq)
	}

	missing, truncated := s.missingRanges(maxMissingRanges)
	if len(missing) != maxMissingRanges || !truncated {
		t.Errorf("missingRanges = %d ranges, truncated %v, want %d, true", len(missing), truncated, maxMissingRanges)
	}
	if got := s.missingCount(); got != 200 {
		t.Errorf("missingCount = %d, want 200", got)
	}

	exact, truncated := s.missingRanges(200)
	if len(exact) != 200 || truncated {
		t.Errorf("missingRanges(200) = %d ranges, truncated %v, want 200, false", len(exact), truncated)
	}
}

// TestSeqSetMatchesMap compares the interval set with a plain map on random
// input with many gaps and duplicates.
func TestSeqSetMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var s seqSet
	seen := map[int64]bool{}
	for range 20_000 {
		seq := rng.Int64N(5_000) + 1
		added := s.add(seq)
		if added == seen[seq] {
			t.Fatalf("add(%d) = %v, but seen before = %v", seq, added, seen[seq])
		}
		seen[seq] = true
	}

	var maxSeq int64
	for seq := range seen {
		maxSeq = max(maxSeq, seq)
	}
	if s.max() != maxSeq || s.count != int64(len(seen)) {
		t.Errorf("max = %d, count = %d, want %d, %d", s.max(), s.count, maxSeq, len(seen))
	}
	for i := 1; i < len(s.ranges); i++ {
		if s.ranges[i].First <= s.ranges[i-1].Last+1 {
			t.Fatalf("ranges %v and %v overlap or touch", s.ranges[i-1], s.ranges[i])
		}
	}
}

func TestGatewayStatsCounts(t *testing.T) {
	g := &gatewayStats{gatewayID: testGateway}
	records := []record{
		{seq: 1, kind: "sample"},
		{seq: 2, kind: "event", event: "alarm_raised"},
		{seq: 3, kind: "event", event: "trip"},
		{seq: 4, kind: "event", event: "comm_lost", historical: true},
		{seq: 5, kind: "event", event: "fault_raised"},
		{seq: 2, kind: "event", event: "alarm_raised"}, // duplicate: counted once
		{seq: 8, kind: "sample", historical: true},
	}
	for _, rec := range records {
		g.addRecord(rec)
	}

	report := newGatewayReport(g)
	checkCounts(t, []countCheck{
		{"records", report.Records, 6},
		{"samples", report.Samples, 2},
		{"events", report.Events, 4},
		{"alarms", report.Alarms, 1},
		{"trips", report.Trips, 1},
		{"comm_losses", report.CommLosses, 1},
		{"faults", report.Faults, 1},
		{"historical", report.Historical, 2},
		{"duplicates", report.Duplicates, 1},
		{"gaps", report.Gaps, 2},
		{"max_seq", report.MaxSeq, 8},
	})
	if report.Status != "unknown" {
		t.Errorf("status = %q, want unknown before any status message", report.Status)
	}
	if !slices.Equal(report.Missing, []seqRange{{6, 7}}) {
		t.Errorf("missing = %v, want [{6 7}]", report.Missing)
	}
}

// countCheck is one count of a gatewayReport and its expected value.
type countCheck struct {
	name      string
	got, want int64
}

func checkCounts(t *testing.T, checks []countCheck) {
	t.Helper()
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
}
