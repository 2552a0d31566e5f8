// Package buffer is the gateway's durable log in Badger. Every appended
// record gets a gateway-wide sequence number (seq) that is gap-free,
// increasing and kept across restarts, and waits in its lane's upload
// queue until the uplink acknowledges it. The buffer stores opaque bytes:
// it handles lanes and sequence numbers, not payload formats.
//
// Keys:
//
//	'r' seq(8, big-endian)          -> lane(1) payload   the record
//	'q' lane(1) seq(8, big-endian)  -> empty             waiting for upload
package buffer
