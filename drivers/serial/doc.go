// Package serial opens RS-485 and RS-232 ports for the Modbus RTU master.
//
// It talks to the kernel's tty layer directly through golang.org/x/sys/unix
// and hands the descriptor to the Go runtime's poller. That gives read
// deadlines with no fixed steps, a Close that ends a pending Read, no limit
// on descriptor numbers (the select(2)-based libraries fail once a
// descriptor reaches 1024, and Badger holds one per table), and direct
// access for the TIOCSRS485 ioctl. docs/dependencies.md records why no
// third-party serial library is used.
package serial
