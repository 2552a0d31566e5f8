// Package serial opens RS-485 and RS-232 ports for the Modbus RTU master.
//
// It talks to the kernel's tty layer directly through golang.org/x/sys/unix
// and hands the descriptor to the Go runtime's poller. That gives read
// deadlines with no fixed steps and a Close that ends a pending Read. It
// also works with descriptor numbers of 1024 and up, where the
// select(2)-based libraries fail (Badger holds one descriptor per table),
// and leaves the descriptor at hand for the TIOCSRS485 ioctl. docs/dependencies.md records why no
// third-party serial library is used.
package serial
