// Package record holds the value types that every layer of the gateway
// shares: a point's sample with its quality, an event, and a bulk part of
// a large object such as a video clip. It imports
// nothing of this module, so drivers, alarm logic, buffer and uplink can all
// depend on it without depending on each other.
package record
