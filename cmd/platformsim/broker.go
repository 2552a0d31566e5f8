package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"syscall"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// mqttProtocolLevel is the CONNECT protocol level of MQTT 3.1.1.
const mqttProtocolLevel = 4

// broker is the in-process MQTT broker and its subscriptions.
type broker struct {
	server *mqtt.Server
	addr   string
}

// listenError means the broker could not open its TCP port.
type listenError struct {
	addr string
	err  error
}

func (e *listenError) Error() string {
	return fmt.Sprintf("listen on %s: %v", e.addr, e.err)
}

func (e *listenError) Unwrap() error {
	return e.err
}

// startBroker listens on addr, subscribes recv to the uplink topics under
// prefix and starts serving clients. Every client is accepted without
// authentication. logOutput receives the broker's own error log.
func startBroker(addr, prefix string, recv *receiver, text *localizer, print func(string), logOutput io.Writer) (*broker, error) {
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &listenError{addr: addr, err: err}
	}

	// mochi-mqtt v2.7.9 logs each connection that ends with an error at Warn
	// level, in English. The connection hook prints those events for the
	// user, so the broker log keeps only its errors.
	logger := slog.New(slog.NewTextHandler(logOutput, &slog.HandlerOptions{Level: slog.LevelError}))
	server := mqtt.New(&mqtt.Options{InlineClient: true, Logger: logger})

	if err := addHooks(server, prefix, text, print); err != nil {
		listener.Close()
		return nil, err
	}
	if err := server.AddListener(listeners.NewNet("uplink", listener)); err != nil {
		listener.Close()
		return nil, fmt.Errorf("add listener: %w", err)
	}

	for i, kind := range []string{topicEvents, topicTelemetry, topicBulk, topicStatus, topicHeartbeat} {
		filter := prefix + "/+/+/" + kind
		handler := func(_ *mqtt.Client, _ packets.Subscription, pk packets.Packet) {
			recv.handle(pk.TopicName, mqttMeta{qos: pk.FixedHeader.Qos, retain: pk.FixedHeader.Retain}, pk.Payload)
		}
		if err := server.Subscribe(filter, i+1, handler); err != nil {
			server.Close()
			return nil, fmt.Errorf("subscribe %s: %w", filter, err)
		}
	}

	if err := server.Serve(); err != nil {
		server.Close()
		return nil, fmt.Errorf("start broker: %w", err)
	}
	return &broker{server: server, addr: listener.Addr().String()}, nil
}

func addHooks(server *mqtt.Server, prefix string, text *localizer, print func(string)) error {
	if err := server.AddHook(new(allowAllHook), nil); err != nil {
		return fmt.Errorf("add allow-all hook: %w", err)
	}
	hook := &connectionHook{prefix: prefix, text: text, print: print}
	if err := server.AddHook(hook, nil); err != nil {
		return fmt.Errorf("add connection hook: %w", err)
	}
	return nil
}

// close disconnects every client and closes the listener. It returns after
// the connection goroutines have ended, so no message is handled after it.
func (b *broker) close() {
	// Server.Close always returns nil in mochi-mqtt v2.7.9.
	_ = b.server.Close()
}

// allowAllHook accepts every client and every topic. mochi-mqtt rejects all
// clients when no hook authenticates them. Its own hooks/auth.AllowHook does
// the same, but importing that package would add gopkg.in/yaml.v3 to
// the module.
type allowAllHook struct {
	mqtt.HookBase
}

func (h *allowAllHook) ID() string {
	return "platformsim-allow-all"
}

func (h *allowAllHook) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}

func (h *allowAllHook) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool {
	return true
}

func (h *allowAllHook) OnACLCheck(*mqtt.Client, string, bool) bool {
	return true
}

// connectionHook prints client connects and disconnects, and warns when a
// CONNECT breaks the uplink protocol's rules for a gateway connection.
type connectionHook struct {
	mqtt.HookBase
	prefix string
	text   *localizer
	print  func(string)
}

func (h *connectionHook) ID() string {
	return "platformsim-connections"
}

func (h *connectionHook) Provides(b byte) bool {
	return b == mqtt.OnConnect || b == mqtt.OnDisconnect
}

func (h *connectionHook) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	h.print(h.text.text("[platform] client %s connected from %s", cl.ID, cl.Net.Remote))

	if pk.ProtocolVersion != mqttProtocolLevel {
		h.print(h.text.text("[platform] warning: client %s uses MQTT protocol level %s, the uplink protocol requires MQTT 3.1.1 (level 4)",
			cl.ID, strconv.Itoa(int(pk.ProtocolVersion))))
	}
	if !pk.Connect.Clean {
		h.print(h.text.text("[platform] warning: client %s connected without clean session, the uplink protocol requires clean session true", cl.ID))
	}
	h.checkWill(cl.ID, pk.Connect)
	return nil
}

func (h *connectionHook) checkWill(clientID string, connect packets.ConnectParams) {
	if !connect.WillFlag {
		h.print(h.text.text("[platform] warning: client %s set no will, the uplink protocol requires a retained offline status as will", clientID))
		return
	}
	if t, ok := parseTopic(h.prefix, connect.WillTopic); !ok || t.kind != topicStatus {
		h.print(h.text.text("[platform] warning: client %s has will topic %s, which is not a status topic under %s",
			clientID, connect.WillTopic, h.prefix))
	}
	if !connect.WillRetain || connect.WillQos != 1 {
		h.print(h.text.text("[platform] warning: client %s has a will with retain %s and QoS %s, the uplink protocol requires retain true and QoS 1",
			clientID, strconv.FormatBool(connect.WillRetain), strconv.Itoa(int(connect.WillQos))))
	}
}

func (h *connectionHook) OnDisconnect(cl *mqtt.Client, err error, _ bool) {
	// A closed socket is how a client's own clean close reaches the hook,
	// so it is no error to show an installer.
	if err == nil || errors.Is(err, packets.CodeDisconnect) || errors.Is(err, net.ErrClosed) {
		h.print(h.text.text("[platform] client %s disconnected", cl.ID))
		return
	}
	h.print(h.text.text("[platform] client %s disconnected: %s", cl.ID, err.Error()))
}

// listenHint returns the localized cause and what to do for a listen error.
func listenHint(l *localizer, err error) string {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return l.text("the port is already in use, maybe by another broker. Pick another port with --port, e.g. --port 1884")
	case errors.Is(err, syscall.EACCES):
		return l.text("permission denied: ports below 1024 need root. Pick another port with --port, e.g. --port 1884")
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return l.text("this machine has no such address. Check the host in --listen")
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return l.text("check the host in --listen")
	}
	return l.text("pick another port with --port, e.g. --port 1884")
}
