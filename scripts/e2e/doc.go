// Package e2e runs the main job end to end: plantsim over a real pty
// (Modbus RTU) and TCP, gatewayd with the demo config, a real mosquitto
// and an independent subscriber standing in for the platform.
package e2e
