package uplink

import "time"

// pacer is a token bucket that limits the records per second sent from
// the backlog and sent again after a platform ack timeout. Live records
// do not pass through it.
type pacer struct {
	// rate is in records per second; 0 is unlimited.
	rate float64
	// batch is the fewest tokens worth a message: a backlog message waits
	// until it can carry batch records, so that pacing does not shrink
	// messages to a record or two.
	batch  float64
	burst  float64
	tokens float64
	last   time.Time
}

// pacerBurstTime is how much sending time the bucket can save up. At
// high rates it lets one wake-up send several messages.
const pacerBurstTime = 50 * time.Millisecond

// newPacer returns a full bucket for rate records per second, sending at
// most maxRecords per message.
func newPacer(rate, maxRecords int, now time.Time) *pacer {
	if rate <= 0 {
		return &pacer{}
	}
	batch := float64(max(1, min(maxRecords, rate)))
	burst := max(batch, float64(rate)*pacerBurstTime.Seconds())
	return &pacer{rate: float64(rate), batch: batch, burst: burst, tokens: burst, last: now}
}

func (p *pacer) refill(now time.Time) {
	if elapsed := now.Sub(p.last).Seconds(); elapsed > 0 {
		p.tokens = min(p.burst, p.tokens+elapsed*p.rate)
		p.last = now
	}
}

// allowance returns how many records may be sent now, at most limit, or
// 0 while the bucket holds less than a message's worth.
func (p *pacer) allowance(now time.Time, limit int) int {
	if p.rate == 0 {
		return limit
	}
	p.refill(now)
	if p.tokens < min(p.batch, float64(limit)) {
		return 0
	}
	return min(limit, int(p.tokens))
}

// take spends n tokens for n records sent.
func (p *pacer) take(n int) {
	if p.rate > 0 {
		p.tokens -= float64(n)
	}
}

// readyIn returns how long until the bucket holds a message's worth.
func (p *pacer) readyIn(now time.Time) time.Duration {
	if p.rate == 0 {
		return 0
	}
	p.refill(now)
	missing := p.batch - p.tokens
	if missing <= 0 {
		return 0
	}
	return time.Duration(missing / p.rate * float64(time.Second))
}
