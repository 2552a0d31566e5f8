package main

import (
	"bytes"
	"testing"
)

// FuzzTCPRequest feeds arbitrary bytes from a master: reading frames and
// replying to them from a simulated device must not panic, and every reply
// must be a whole MBAP frame.
func FuzzTCPRequest(f *testing.F) {
	f.Add(appendMBAPFrame(nil, 1, 1, []byte{0x03, 0, 0, 0, 2}))
	f.Add(appendMBAPFrame(nil, 9, 4, []byte{0x10, 0, 0, 0, 1, 2, 0, 7}))
	f.Add([]byte{0, 1, 0, 0, 0, 1, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		dev := newMemoryDevice()
		for {
			req, err := readMBAPRequest(r)
			if err != nil {
				return
			}
			pdu := handlePDU(dev, req.function, req.data)
			frame := appendMBAPFrame(nil, req.transaction, req.unit, pdu)
			if len(frame) < 8 || len(frame) > 260 {
				t.Fatalf("reply frame of %d bytes", len(frame))
			}
		}
	})
}
