package uplink

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/record"
)

// DefaultHeartbeat is the heartbeat period when the MQTT config sets none.
const DefaultHeartbeat = 60 * time.Second

// heartbeatJSON is the periodic gateway health message. Its fields are
// defined in docs/uplink-protocol.md.
type heartbeatJSON struct {
	V              int          `json:"v"`
	Format         string       `json:"format"`
	GatewayID      string       `json:"gateway_id"`
	EnterpriseCode string       `json:"enterprise_code"`
	TS             string       `json:"ts"`
	ClockSynced    bool         `json:"clock_synced"`
	UptimeS        int64        `json:"uptime_s"`
	Version        string       `json:"version,omitempty"`
	LastSeq        uint64       `json:"last_seq"`
	Backlog        backlogJSON  `json:"backlog"`
	Devices        *devicesJSON `json:"devices,omitempty"`
}

// backlogJSON is the number of records waiting for upload in each lane.
type backlogJSON struct {
	Events    int `json:"events"`
	Telemetry int `json:"telemetry"`
	Bulk      int `json:"bulk"`
}

type devicesJSON struct {
	Total int `json:"total"`
	Lost  int `json:"lost"`
}

// heartbeat builds the heartbeat message from the uplink's sources.
func (u *Uplink) heartbeat() []byte {
	now, synced := u.clock()
	st := u.opts.Store.Stats()
	msg := heartbeatJSON{V: 1, Format: Format, GatewayID: u.site.GatewayID, EnterpriseCode: u.site.EnterpriseCode,
		TS: u.opts.Encoder.timestamp(now), ClockSynced: synced, UptimeS: int64(time.Since(processStart) / time.Second),
		Version: u.opts.Version, LastSeq: st.LastSeq,
		Backlog: backlogJSON{Events: st.Pending[buffer.Events], Telemetry: st.Pending[buffer.Telemetry], Bulk: st.Pending[buffer.Bulk]}}
	if u.opts.Devices != nil {
		total, lost := u.opts.Devices()
		msg.Devices = &devicesJSON{Total: total, Lost: lost}
	}
	data, _ := json.Marshal(msg)
	return data
}

// clock returns the time and whether the clock is synchronised, from
// Options.Clock when set.
func (u *Uplink) clock() (time.Time, bool) {
	if u.opts.Clock != nil {
		return u.opts.Clock()
	}
	now := time.Now()
	return now, !now.Before(u.opts.NotBefore)
}

// sendHeartbeat publishes a heartbeat with QoS 1, not retained: a retained
// heartbeat would show a dead gateway's last backlog as current. A failed
// publish is only logged, because the pump notices a broken connection
// by its own PUBACK timeout.
func (u *Uplink) sendHeartbeat(s *session) {
	if s.lastHeartbeat != nil {
		select {
		case <-s.lastHeartbeat.Done():
			if err := s.lastHeartbeat.Error(); err != nil {
				u.opts.Logger.Warn("heartbeat publish failed", "err", err)
			}
		default:
			u.opts.Logger.Warn("previous heartbeat not acknowledged by the broker", "period", u.heartbeatPeriod())
		}
	}
	s.lastHeartbeat = s.client.Publish(u.topics.heartbeat, 1, false, u.heartbeat())
}

func (u *Uplink) heartbeatPeriod() time.Duration {
	if d := u.opts.MQTT.Heartbeat.D(); d > 0 {
		return d
	}
	return DefaultHeartbeat
}

// startHeartbeat sends the first heartbeat at once, so the platform
// receives the backlog size before the pump sends the backlog, and starts
// the session's heartbeat ticker.
func (u *Uplink) startHeartbeat(s *session) {
	u.sendHeartbeat(s)
	s.heartbeat = time.NewTicker(u.heartbeatPeriod())
}

// heartbeatTick returns the session's heartbeat channel, or nil (never
// ready) before the heartbeat starts.
func (s *session) heartbeatTick() <-chan time.Time {
	if s.heartbeat == nil {
		return nil
	}
	return s.heartbeat.C
}

// CommSummary counts the configured devices and those in comm loss, from
// the comm_lost and comm_restored events the gateway records. Its Summary
// method fits Options.Devices. All methods are safe for concurrent use and
// do nothing on a nil *CommSummary.
type CommSummary struct {
	mu    sync.Mutex
	total int
	lost  map[string]bool
}

// NewCommSummary returns a summary of total devices, none of them lost.
// NOTE: comm loss is not kept across a restart: a device lost before it
// counts as connected until the pollers report it lost again.
func NewCommSummary(total int) *CommSummary {
	return &CommSummary{total: total, lost: map[string]bool{}}
}

// Observe updates the lost devices from a comm_lost or comm_restored
// event and ignores any other event.
func (c *CommSummary) Observe(e record.Event) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e.Kind {
	case record.CommLost:
		c.lost[e.Device] = true
	case record.CommRestored:
		delete(c.lost, e.Device)
	}
}

// Summary returns the number of configured devices and how many of them
// are in comm loss.
func (c *CommSummary) Summary() (total, lost int) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total, len(c.lost)
}
