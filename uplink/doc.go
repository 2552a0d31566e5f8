// Package uplink sends stored records to the platform over MQTT with QoS 1
// (github.com/eclipse/paho.mqtt.golang v1.5.1 as transport). The durable
// outbox is the buffer: a record leaves its upload queue only when the
// broker's PUBACK arrives on the connection that sent it or, with
// AckByPlatform, when the platform acknowledges its seq on the ack topic.
// Everything unacknowledged when a connection drops is sent again on the
// next one. Live records go before the backlog, which a token bucket
// paces, and messages are split to a byte cap and optionally gzipped.
package uplink
