package uplink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
)

// Store is the part of the buffer that the uplink uses.
type Store interface {
	Pending(lane buffer.Lane, limit int, skip func(seq uint64) bool) ([]buffer.Record, error)
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
}

// State is the uplink's connection state, for status displays.
type State struct {
	Connected   bool
	Since       time.Time
	LastError   string
	Connects    int
	SentRecords uint64
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
}

type topics struct{ events, telemetry, status string }

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
	base := fmt.Sprintf("%s/%s/%s/", opts.MQTT.TopicPrefix, site.EnterpriseCode, site.GatewayID)
	return &Uplink{opts: opts, topics: topics{events: base + "events", telemetry: base + "telemetry", status: base + "status"},
		startSeq: opts.BacklogUpTo}
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
		u.setState(func(st *State) { st.Connected, st.LastError = false, errString(err) })
		u.opts.Logger.Warn("mqtt connection lost; in-flight records will be sent again", "err", err)
		u.notify(false)
		if !sleepJitter(ctx, backoff) {
			return nil
		}
	}
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

// session is one MQTT connection: a paho client that is never reused. With
// a clean session and auto-reconnect off, paho v1.5.1 completes every
// in-flight publish token with an error when the connection drops, so a
// token that completes without error proves a PUBACK on this connection.
type session struct {
	client mqtt.Client
	lost   chan error
	pump   *pumpState
	// historicalUpTo is the last seq stored while there was no
	// connection; records up to it are marked historical.
	historicalUpTo uint64
}

func (u *Uplink) connect(ctx context.Context) (*session, error) {
	s := &session{lost: make(chan error, 1)}
	m := u.opts.MQTT
	o := mqtt.NewClientOptions().
		AddBroker(m.URL).
		SetClientID(m.ClientID).
		SetUsername(m.Username).
		SetPassword(m.Password).
		SetCleanSession(true).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetKeepAlive(m.KeepAlive.D()).
		SetConnectTimeout(10*time.Second).
		SetWriteTimeout(10*time.Second).
		SetOrderMatters(false).
		SetBinaryWill(u.topics.status, u.opts.Encoder.Status("offline", time.Now()), 1, true).
		SetConnectionLostHandler(func(_ mqtt.Client, err error) {
			select {
			case s.lost <- err:
			default:
			}
		})
	s.client = mqtt.NewClient(o)
	tok := s.client.Connect()
	if err := waitToken(ctx, tok, 15*time.Second); err != nil {
		s.client.Disconnect(0)
		return nil, fmt.Errorf("connect %s: %w", m.URL, err)
	}
	birth := s.client.Publish(u.topics.status, 1, true, u.opts.Encoder.Status("online", time.Now()))
	if err := waitToken(ctx, birth, u.opts.AckTimeout); err != nil {
		s.client.Disconnect(0)
		return nil, fmt.Errorf("publish birth message: %w", err)
	}
	return s, nil
}

// close publishes a last status message when given one, then disconnects.
func (s *session) close(topic string, status []byte) {
	if topic != "" && s.client.IsConnectionOpen() {
		tok := s.client.Publish(topic, 1, true, status)
		tok.WaitTimeout(2 * time.Second)
	}
	s.client.Disconnect(250)
}

// waitToken waits for a paho token without trusting Wait, which can hang.
func waitToken(ctx context.Context, tok mqtt.Token, limit time.Duration) error {
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-tok.Done():
		return tok.Error()
	case <-t.C:
		return fmt.Errorf("no reply within %v", limit)
	case <-ctx.Done():
		return ctx.Err()
	}
}
