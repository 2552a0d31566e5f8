package wire

// maxADU is the longest RTU frame: address, PDU of up to 253 bytes, CRC.
const maxADU = 256

// match is the outcome of looking for a reply in the bytes received.
type match struct {
	// start and end delimit the reply frame in the buffer; end is 0 when
	// no complete reply was found.
	start, end int
	// waiting is true when a frame that may be the reply has started but
	// is not complete yet.
	waiting bool
	// damaged counts candidate frames with the right unit, function and
	// length whose CRC failed; damagedBytes is their total length.
	damaged, damagedBytes int
}

// findReply looks for the reply to req in buf. RTU marks frame ends only
// by silence, which a Linux tty does not report reliably, so it checks
// every offset for the unit, the function (or its exception), the length
// that implies and the CRC. Bytes before the reply are noise or stray
// data; a candidate with a bad CRC is counted as damaged and skipped.
func findReply(req Request, buf []byte) match {
	var m match
	for off := 0; off < len(buf); off++ {
		total, known := frameLen(req, buf[off:])
		if total == 0 {
			continue
		}
		if !known || off+total > len(buf) {
			m.waiting = true
			continue
		}
		frame := buf[off : off+total]
		if crc16(frame) == 0 {
			// The CRC over a frame including its own CRC is zero.
			m.start, m.end = off, off+total
			return m
		}
		m.damaged++
		m.damagedBytes += total
	}
	return m
}

// frameLen returns the length of the reply frame to req that starts at
// b[0], and whether enough bytes are present to know it. It returns 0 when
// b cannot start such a frame.
func frameLen(req Request, b []byte) (int, bool) {
	if b[0] != req.Unit {
		return 0, true
	}
	if len(b) < 2 {
		return 1, false
	}
	switch b[1] {
	case req.Function | 0x80:
		return 5, true
	case req.Function:
		n := req.replyDataLen(b[2:])
		if n < 0 {
			return 2, false
		}
		if 2+n+2 > maxADU {
			return 0, true
		}
		return 2 + n + 2, true
	}
	return 0, true
}
