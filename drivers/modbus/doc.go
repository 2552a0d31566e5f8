// Package modbus reads field devices over Modbus RTU and Modbus TCP: it
// plans the fewest reads for a device's points, owns each bus from one
// goroutine, decodes registers into engineering values with a quality, and
// tracks each device's communication state. It has no notion of alarms or
// MQTT: results leave through a Sink.
package modbus
