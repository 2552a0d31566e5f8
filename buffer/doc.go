// Package buffer is the gateway's durable log. Every appended record gets
// a gateway-wide sequence number (seq) that is gap-free, increasing and
// kept across restarts, and waits in its lane's upload queue until the
// uplink acknowledges it. The buffer stores opaque bytes: it handles
// lanes and sequence numbers, not payload formats.
//
// 64-bit builds store in Badger (store_badger.go) and 32-bit builds (386,
// arm, mips, mipsle) in bbolt (store_bbolt.go), because Badger v4.9.6
// loses data on 32-bit builds. Each engine file lists its keys. Neither
// engine reads a store that the other one wrote.
package buffer
