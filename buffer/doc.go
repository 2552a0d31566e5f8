// Package buffer is the gateway's durable log. Every appended record gets
// a gateway-wide sequence number (seq) that is gap-free, increasing and
// kept across restarts, and waits in its lane's upload queue until the
// uplink acknowledges it. The buffer stores opaque bytes: it handles
// lanes and sequence numbers, not payload formats.
//
// A store that cannot be opened can be moved aside and replaced
// (replace.go). The fresh store continues above the seq floor kept beside
// the store (seqfloor.go), so the seqs jump there but are never reused.
// Records appended with a point are indexed by point and time for History
// (history.go), and records with a KeepFor outlive the usual age limit
// (retention.go).
//
// 64-bit builds store in Badger (store_badger.go) and 32-bit builds (386,
// arm, mips, mipsle) in bbolt (store_bbolt.go), because Badger v4.9.6
// loses data on 32-bit builds. Each engine file lists its keys. Neither
// engine reads a store that the other one wrote.
package buffer
