// Package gpio is the place for the board profile that drives the
// gateway's outputs and reads its buttons through the Linux GPIO character
// device (github.com/warthog618/go-gpiocdev).
//
// For now it holds only hardware tests (build tag hwtest) of the kernel
// interface that profile needs. scripts/hwtest/run.sh runs them against
// gpio-sim inside a QEMU guest.
package gpio
