// Command uartpeer is the host end of the guest's test UART. QEMU connects
// the emulated 16550 to a TCP socket on 127.0.0.1; uartpeer connects to it
// and replies to every byte b it receives with b^0xFF. The guest test checks
// the reply, so a byte counts as passed through the host only when it comes
// back inverted, never by a local echo in the guest.
//
// It prints one line when it connects and a byte count when QEMU closes the
// socket.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

func main() {
	addr := flag.String("addr", "", "QEMU's UART socket, host:port on a loopback address")
	wait := flag.Duration("wait", 30*time.Second, "how long to retry the connection while QEMU starts")
	flag.Parse()
	if *addr == "" {
		fmt.Fprintln(os.Stderr, "uartpeer: missing -addr")
		os.Exit(2)
	}
	if err := serve(*addr, *wait); err != nil {
		fmt.Fprintf(os.Stderr, "uartpeer: %v\n", err)
		os.Exit(1)
	}
}

// serve connects to addr, retrying until wait has passed, and replies
// until the connection closes.
func serve(addr string, wait time.Duration) error {
	conn, err := dial(addr, wait)
	if err != nil {
		return err
	}
	defer conn.Close()
	fmt.Fprintf(os.Stderr, "uartpeer: connected to %s\n", addr)

	buf := make([]byte, 256)
	total := 0
	for {
		n, err := conn.Read(buf)
		for i := range buf[:n] {
			buf[i] ^= 0xFF
		}
		if n > 0 {
			if _, werr := conn.Write(buf[:n]); werr != nil {
				return fmt.Errorf("write to %s after %d bytes: %w", addr, total, werr)
			}
			total += n
		}
		if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
			fmt.Fprintf(os.Stderr, "uartpeer: QEMU closed the UART socket; received and replied to %d bytes\n", total)
			return nil
		}
		if err != nil {
			return fmt.Errorf("read from %s after %d bytes: %w", addr, total, err)
		}
	}
}

// dial connects to addr, retrying every 50 ms because QEMU opens its
// listening socket only after it has started.
func dial(addr string, wait time.Duration) (net.Conn, error) {
	deadline := time.Now().Add(wait)
	for {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			return conn, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("connect to %s: %w (QEMU did not listen within %v)", addr, err, wait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
