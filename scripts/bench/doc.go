// Package bench contains end-to-end benchmarks: plantsim, gatewayd with the
// demo config and a real mosquitto, run as separate processes on this
// machine.
package bench
