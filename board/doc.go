// Package board maps the gateway's logical outputs (horn, beacon, ESD
// relays, fire-panel contact) to hardware through a board profile. It
// drives outputs as commanded and never decides when to trip. Every output
// is de-energised to trip: a dead process, a lost supply or a halted board
// leaves the plant in its safe state.
package board
