// Package uplink sends stored records to the platform over MQTT with QoS 1
// (github.com/eclipse/paho.mqtt.golang v1.5.1 as transport). The durable
// outbox is the buffer: a record leaves its upload queue only when the
// broker's PUBACK arrives on the connection that sent it, and everything
// in flight when a connection drops is sent again on the next one.
package uplink
