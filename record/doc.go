// Package record holds the value types that every layer of the gateway
// shares: a point's sample with its quality, and an event. It imports
// nothing of this module, so drivers, alarm logic, buffer and uplink can all
// depend on it without depending on each other.
package record
