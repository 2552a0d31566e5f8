// Package testenv starts the real components that integration tests run
// against: a mosquitto broker on a free loopback port, and an independent
// MQTT subscriber that records every platform-json-v1 record it receives.
package testenv
