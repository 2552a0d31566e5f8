package main

import "sort"

// seqRange is a closed range of seqs, from first to last inclusive.
type seqRange struct {
	First int64 `json:"from"`
	Last  int64 `json:"to"`
}

// seqSet is the set of seqs received from one gateway, stored as sorted,
// disjoint, non-adjacent ranges. A gateway that delivers every record keeps
// one range however many records it sends, and each gap adds one range.
type seqSet struct {
	ranges []seqRange
	count  int64
}

// add inserts seq and returns false when it was already in the set.
// seq must be 1 or more.
func (s *seqSet) add(seq int64) bool {
	// i is the first range that ends at or after seq.
	i := sort.Search(len(s.ranges), func(i int) bool { return s.ranges[i].Last >= seq })
	if i < len(s.ranges) && s.ranges[i].First <= seq {
		return false
	}
	s.count++

	// left.Last < seq, so left.Last+1 cannot overflow, and right.First > seq >= 1.
	joinsLeft := i > 0 && s.ranges[i-1].Last+1 == seq
	joinsRight := i < len(s.ranges) && s.ranges[i].First-1 == seq

	switch {
	case joinsLeft && joinsRight:
		s.ranges[i-1].Last = s.ranges[i].Last
		s.ranges = append(s.ranges[:i], s.ranges[i+1:]...)
	case joinsLeft:
		s.ranges[i-1].Last = seq
	case joinsRight:
		s.ranges[i].First = seq
	default:
		s.ranges = append(s.ranges, seqRange{})
		copy(s.ranges[i+1:], s.ranges[i:])
		s.ranges[i] = seqRange{First: seq, Last: seq}
	}
	return true
}

func (s *seqSet) contains(seq int64) bool {
	i := sort.Search(len(s.ranges), func(i int) bool { return s.ranges[i].Last >= seq })
	return i < len(s.ranges) && s.ranges[i].First <= seq
}

// max returns the highest seq received, or 0 when the set is empty.
func (s *seqSet) max() int64 {
	if len(s.ranges) == 0 {
		return 0
	}
	return s.ranges[len(s.ranges)-1].Last
}

// missingCount returns how many seqs between 1 and max have not arrived.
func (s *seqSet) missingCount() int64 {
	return s.max() - s.count
}

// missingRanges returns up to limit ranges of seqs between 1 and max that
// have not arrived, lowest first, and whether more ranges were left out.
func (s *seqSet) missingRanges(limit int) ([]seqRange, bool) {
	missing := []seqRange{}
	var previousLast int64
	for _, r := range s.ranges {
		if r.First > previousLast+1 {
			if len(missing) == limit {
				return missing, true
			}
			missing = append(missing, seqRange{First: previousLast + 1, Last: r.First - 1})
		}
		previousLast = r.Last
	}
	return missing, false
}

// gatewayStats contains the counts for one gateway id. Records are counted
// once per seq: a duplicate only raises duplicates.
type gatewayStats struct {
	gatewayID      string
	enterpriseCode string
	seqs           seqSet

	messages   int64 // every message on the gateway's topics, valid or not
	invalid    int64
	samples    int64
	events     int64
	alarms     int64 // alarm_raised events
	trips      int64
	commLosses int64 // comm_lost events
	faults     int64 // fault_raised events
	historical int64
	duplicates int64
	// compressed counts valid messages that came with a gzip body.
	compressed int64
	bulk       bulkStats

	// texts is the last text received per point, as JSON text, so a
	// text point is printed only when it changes.
	texts map[string]string

	heartbeats    int64
	lastHeartbeat *heartbeat // nil before the first heartbeat

	status      string // "online", "offline" or "" before the first status message
	statusTS    string
	lastInvalid string // English text of the latest validation error
}

// addRecord counts rec and returns false when its seq had already arrived.
func (g *gatewayStats) addRecord(rec record) bool {
	if !g.seqs.add(rec.seq) {
		g.duplicates++
		return false
	}
	if rec.historical {
		g.historical++
	}
	switch rec.kind {
	case "sample":
		g.samples++
		return true
	case "bulk":
		g.bulk.count(rec.bulk)
		return true
	}

	g.events++
	switch rec.event {
	case "alarm_raised":
		g.alarms++
	case "trip":
		g.trips++
	case "comm_lost":
		g.commLosses++
	case "fault_raised":
		g.faults++
	}
	return true
}

// textChanged reports whether rec is a text sample whose value differs
// from the last text received for its point, and remembers the value.
func (g *gatewayStats) textChanged(rec record) bool {
	if rec.kind != "sample" || !rec.isText {
		return false
	}
	if last, seen := g.texts[rec.pointID]; seen && last == rec.value {
		return false
	}
	if g.texts == nil {
		g.texts = map[string]string{}
	}
	g.texts[rec.pointID] = rec.value
	return true
}
