package uplink

import (
	"context"
	"fmt"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

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
	// heartbeat ticks the session's heartbeats; lastHeartbeat is the
	// token of the last one published.
	heartbeat     *time.Ticker
	lastHeartbeat mqtt.Token
	// acks carries parsed platform acks from paho's goroutines to the
	// pump; nil unless the uplink acknowledges by platform.
	acks chan []seqRange
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
	secure := usesTLS(m.URL)
	if secure {
		tc, err := tlsConfig(m.TLS)
		if err != nil {
			return nil, err
		}
		if m.TLS.InsecureSkipVerify {
			u.opts.Logger.Warn("TLS server verification is off (uplink.mqtt.tls.insecure_skip_verify): any server can pose as the broker; use it for commissioning only",
				"url", m.URL)
		}
		o.SetTLSConfig(tc)
	}
	s.client = mqtt.NewClient(o)
	tok := s.client.Connect()
	if err := waitToken(ctx, tok, 15*time.Second); err != nil {
		s.client.Disconnect(0)
		if hint := connectHint(err, m.TLS, secure); hint != "" {
			return nil, fmt.Errorf("connect %s: %w; %s", m.URL, err, hint)
		}
		return nil, fmt.Errorf("connect %s: %w", m.URL, err)
	}

	if u.opts.Delivery.Ack == AckByPlatform {
		if err := u.subscribeAcks(ctx, s); err != nil {
			s.client.Disconnect(0)
			return nil, err
		}
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
	if s.heartbeat != nil {
		s.heartbeat.Stop()
	}
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
