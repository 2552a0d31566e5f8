// Package gpio is the board for GPIO profiles: it drives the gateway's
// relay outputs and reads its buttons and contacts through the Linux GPIO
// character device (uAPI v2, kernel 5.10 or later) with
// github.com/warthog618/go-gpiocdev.
//
// Outputs are requested de-energised in one request per chip, so they
// never pass through an energised state at start. Inputs are requested
// with edge events and kernel debounce. Files with the build tag hwtest
// test the package against gpio-sim inside a QEMU guest (see
// scripts/hwtest/run.sh).
package gpio
