package serial

import (
	"fmt"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// RS485 is the RS-485 mode of a UART driver (Linux serial_rs485): the driver
// switches the transceiver's direction by RTS. Drivers without the mode
// reject it; the port then works as a plain UART.
type RS485 struct {
	// RTSOnSend sets RTS high while sending (logic level); most boards
	// wire it so. When false, RTS goes low while sending.
	RTSOnSend bool
	// DelayBeforeSend and DelayAfterSend keep the transmitter on around a
	// frame, rounded to milliseconds as the kernel takes them.
	DelayBeforeSend time.Duration
	DelayAfterSend  time.Duration
}

// The ioctl numbers and flags of include/uapi/asm-generic/ioctls.h and
// include/uapi/linux/serial.h; golang.org/x/sys v0.50.0 does not define
// them. They are the same on arm, arm64, 386 and amd64.
const (
	ioctlSetRS485    = 0x542F // TIOCSRS485
	rs485Enabled     = 1 << 0 // SER_RS485_ENABLED
	rs485RTSOnSend   = 1 << 1 // SER_RS485_RTS_ON_SEND
	rs485RTSAfterSnd = 1 << 2 // SER_RS485_RTS_AFTER_SEND
)

// serialRS485 is the kernel's struct serial_rs485 (32 bytes).
type serialRS485 struct {
	flags       uint32
	delayBefore uint32 // milliseconds
	delayAfter  uint32 // milliseconds
	padding     [5]uint32
}

func setRS485(fd int, c RS485) error {
	s := serialRS485{
		flags:       rs485Enabled,
		delayBefore: uint32(c.DelayBeforeSend / time.Millisecond),
		delayAfter:  uint32(c.DelayAfterSend / time.Millisecond),
	}
	if c.RTSOnSend {
		s.flags |= rs485RTSOnSend
	} else {
		s.flags |= rs485RTSAfterSnd
	}
	_, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), ioctlSetRS485, uintptr(unsafe.Pointer(&s)))
	if errno != 0 {
		return fmt.Errorf("TIOCSRS485: %w", errno)
	}
	return nil
}
