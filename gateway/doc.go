// Package gateway builds the running gateway from a config and owns the
// lifecycle of every goroutine. It starts board, buffer, alarm engine,
// store writer, pollers and uplink in that order and stops them in
// reverse, so the last samples and events reach the buffer and, while the
// broker is there, the platform.
package gateway
