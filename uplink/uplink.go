package uplink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
)

// Store is the part of the buffer that the uplink uses.
type Store interface {
	// PendingFrom returns up to limit queued records of lane with a seq
	// of at least from, in seq order, leaving out those for which skip
	// returns true.
	PendingFrom(lane buffer.Lane, from uint64, limit int, skip func(seq uint64) bool) ([]buffer.Record, error)
	Ack(lane buffer.Lane, seqs []uint64) error
	Notify() <-chan struct{}
	Stats() buffer.Stats
}

// Options configure an Uplink.
type Options struct {
	MQTT    config.MQTT
	Encoder *Encoder
	Store   Store
	Logger  *slog.Logger
	// Window is the number of messages in flight at once.
	Window int
	// AckTimeout bounds the wait for one PUBACK. A broker that does not
	// reply in time gets a fresh connection.
	AckTimeout time.Duration
	// DrainTimeout is how long Run keeps sending the backlog after ctx
	// ends, while connected.
	DrainTimeout time.Duration
	// BacklogUpTo is the last seq stored before this process started:
	// those records are sent as historical.
	BacklogUpTo uint64
	// OnConnection, when set, is called from Run when the connection comes
	// up and when it is lost or the first attempts fail. It must not block.
	OnConnection func(connected bool)
	// Clock, when set, returns the time and whether the clock is
	// synchronised, for the heartbeat. Nil uses time.Now and counts the
	// clock as synchronised from NotBefore on.
	Clock func() (now time.Time, synced bool)
	// Devices, when set, returns the number of configured devices and how
	// many of them are in comm loss, for the heartbeat. It must not block.
	Devices func() (total, lost int)
	// Version is the gateway's version for the heartbeat; empty takes
	// BuildVersion.
	Version string
	// NotBefore is the earliest time the system clock can show. While the
	// clock is earlier, Run tries no TLS connection, because certificate
	// validity cannot be checked against a wrong clock. Zero takes
	// BuildReference.
	NotBefore time.Time
	// Delivery sets acknowledgement, backlog pacing, the byte cap per
	// message and compression.
	Delivery Delivery
}

// State is the uplink's connection state and counters, for status
// displays.
type State struct {
	Connected bool
	Since     time.Time
	LastError string
	Connects  int
	// SentRecords counts records that the broker acknowledged with a
	// PUBACK, a record sent twice counting twice.
	SentRecords uint64
	// Unacked is the number of records sent on the current connection
	// that are still in their upload queue.
	Unacked int
	// PlatformAcked counts records that a platform ack removed from the
	// upload queue.
	PlatformAcked uint64
	// Resent counts records sent again because no platform ack came
	// within the ack timeout.
	Resent uint64
	// UnknownAcked counts seqs in platform acks that no sent record was
	// waiting for; they are ignored.
	UnknownAcked uint64
	// InvalidAcks counts ack messages that were not valid, and
	// DroppedAcks valid ones dropped because the pump was behind. Their
	// records are sent again after the ack timeout.
	InvalidAcks, DroppedAcks uint64
	// Oversize counts records that alone exceeded the byte cap per
	// message and were sent in a message of their own.
	Oversize uint64
}

// Uplink owns the MQTT connection: Run connects, pumps and reconnects.
type Uplink struct {
	opts   Options
	topics topics
	mu     sync.Mutex
	state  State
	// startSeq is the last seq stored before this process started.
	startSeq uint64
	// hadOutage turns true at the first failed connect or lost connection.
	hadOutage bool
	// notified is the last state passed to OnConnection; notifiedOnce
	// records whether there was one.
	notified, notifiedOnce bool
	site                   config.Site
	// gzip compresses message bodies; only the goroutine of Run uses it.
	gzip *gzipper
	// ackLog, resendLog and oversizeLog limit the log lines about invalid
	// platform acks, resends after the ack timeout and oversize records.
	ackLog, resendLog, oversizeLog rateLimiter
}

type topics struct{ events, telemetry, bulk, status, heartbeat, ack string }

// forLane returns the topic of lane's records.
func (t topics) forLane(lane buffer.Lane) string {
	switch lane {
	case buffer.Events:
		return t.events
	case buffer.Bulk:
		return t.bulk
	}
	return t.telemetry
}

// New returns an uplink; Run starts it.
func New(opts Options, site config.Site) *Uplink {
	if opts.Window <= 0 {
		opts.Window = 8
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = 10 * time.Second
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 3 * time.Second
	}
	if opts.NotBefore.IsZero() {
		opts.NotBefore = BuildReference()
	}
	if opts.Version == "" {
		opts.Version = BuildVersion()
	}
	opts.Delivery = opts.Delivery.withDefaults()
	base := fmt.Sprintf("%s/%s/%s/", opts.MQTT.TopicPrefix, site.EnterpriseCode, site.GatewayID)
	u := &Uplink{opts: opts, site: site,
		topics: topics{events: base + "events", telemetry: base + "telemetry", bulk: base + "bulk", status: base + "status",
			heartbeat: base + "heartbeat", ack: base + "ack"},
		startSeq: opts.BacklogUpTo}
	if opts.Delivery.Compression == CompressGzip {
		u.gzip = newGzipper()
	}
	return u
}

// State returns a snapshot of the connection state.
func (u *Uplink) State() State {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.state
}

func (u *Uplink) setState(f func(*State)) {
	u.mu.Lock()
	f(&u.state)
	u.mu.Unlock()
}

// Run connects and sends until ctx ends, reconnecting with back-off. After
// ctx ends it keeps sending for up to DrainTimeout while the connection
// holds, then publishes its offline status and disconnects.
func (u *Uplink) Run(ctx context.Context) error {
	backoff := time.Second
	failures := 0
	for {
		if !u.waitForPlausibleClock(ctx) {
			return nil
		}
		s, err := u.connect(ctx)
		if err != nil {
			failures++
			u.hadOutage = true
			u.setState(func(st *State) { st.Connected, st.LastError = false, err.Error() })
			if failures == 1 {
				u.notify(false)
			}
			if failures == 1 || failures%10 == 0 {
				u.opts.Logger.Warn("mqtt connect failed", "url", u.opts.MQTT.URL, "attempt", failures, "err", err)
			}
			if !sleepJitter(ctx, backoff) {
				return nil
			}
			backoff = min(2*backoff, 30*time.Second)
			continue
		}
		failures, backoff = 0, time.Second
		s.historicalUpTo = u.historicalUpTo()
		u.opts.Logger.Info("mqtt connected", "url", u.opts.MQTT.URL)
		u.notify(true)
		u.setState(func(st *State) { st.Connected, st.Since, st.LastError = true, time.Now(), ""; st.Connects++ })
		u.startHeartbeat(s)

		err = u.pump(ctx, s)
		if ctx.Err() != nil {
			u.drain(s)
			s.close(u.topics.status, u.opts.Encoder.Status("offline", time.Now()))
			u.setState(func(st *State) { st.Connected = false })
			u.opts.Logger.Info("mqtt disconnected for shutdown")
			return nil
		}
		s.close("", nil)
		u.hadOutage = true
		u.setState(func(st *State) { st.Connected, st.LastError, st.Unacked = false, errString(err), 0 })
		u.opts.Logger.Warn("mqtt connection lost; unacknowledged records will be sent again", "err", err)
		u.notify(false)
		if !sleepJitter(ctx, backoff) {
			return nil
		}
	}
}

// clockRecheck is how often Run looks at the clock while it waits for a
// plausible time before a TLS connection.
const clockRecheck = 5 * time.Second

// waitForPlausibleClock blocks while the URL needs TLS and the system
// clock is before NotBefore. It logs once per wait, and returns false when
// ctx ends first.
func (u *Uplink) waitForPlausibleClock(ctx context.Context) bool {
	if !usesTLS(u.opts.MQTT.URL) || !time.Now().Before(u.opts.NotBefore) {
		return true
	}
	u.opts.Logger.Warn("system clock is before the build's reference date, so TLS certificates cannot be checked; no TLS connection is tried until the clock is set (by NTP or by hand)",
		"clock", time.Now().UTC().Format(time.RFC3339), "reference", u.opts.NotBefore.UTC().Format(time.RFC3339), "recheck", clockRecheck)
	u.hadOutage = true
	u.setState(func(st *State) {
		st.Connected, st.LastError = false, "system clock before "+u.opts.NotBefore.UTC().Format(time.DateOnly)
	})
	u.notify(false)
	for time.Now().Before(u.opts.NotBefore) {
		if !sleepJitter(ctx, clockRecheck) {
			return false
		}
	}
	u.opts.Logger.Info("system clock is now past the build's reference date; connecting with TLS", "clock", time.Now().UTC().Format(time.RFC3339))
	return true
}

// notify calls OnConnection when the state differs from the last call.
func (u *Uplink) notify(connected bool) {
	if u.opts.OnConnection == nil || (u.notifiedOnce && u.notified == connected) {
		return
	}
	u.notified, u.notifiedOnce = connected, true
	u.opts.OnConnection(connected)
}

// historicalUpTo returns the last seq that a new connection sends as
// backlog: everything stored while there was no connection. Before any
// outage in this process, that is only what was stored before it started.
func (u *Uplink) historicalUpTo() uint64 {
	if !u.hadOutage {
		return u.startSeq
	}
	return u.opts.Store.Stats().LastSeq
}

// drain sends the backlog after shutdown was requested, for up to
// DrainTimeout, so records stored in the last moments still reach the
// platform when the broker is there.
func (u *Uplink) drain(s *session) {
	ctx, cancel := context.WithTimeout(context.Background(), u.opts.DrainTimeout)
	defer cancel()
	err := u.pumpUntilEmpty(ctx, s)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		u.opts.Logger.Warn("backlog not drained before stop; it stays stored", "err", err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		u.opts.Logger.Warn("backlog not drained within the drain timeout; it stays stored", "timeout", u.opts.DrainTimeout)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// sleepJitter waits d ±20 % or until ctx ends; it reports whether the
// full wait happened.
func sleepJitter(ctx context.Context, d time.Duration) bool {
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
