// Package wire is the gateway's Modbus master on the wire: request and
// reply PDUs, RTU framing over a serial port and MBAP framing over TCP.
//
// Both transports match every reply to its request. RTU has no
// transaction id, so the RTU transport drains the line before each request,
// listens one more timeout after a timeout for the late reply, and finds
// frames by unit, function, length and CRC, skipping noise in between. TCP
// checks the transaction id and drops stale replies without dropping the
// connection, so one silent unit behind a TCP-to-RTU gateway does not
// disturb the others. Each transport counts what it skipped in Stats.
package wire
