package main

// parseResult is the outcome of parseRTURequest for the start of a buffer.
type parseResult int

const (
	parseNeedMore parseResult = iota // a request may start here, but bytes are missing
	parseFrame                       // a complete request with a valid CRC
	parseBadCRC                      // a complete request of a known function, but the CRC is wrong
	parseGarbage                     // the first byte cannot start a request
)

// maxRTUFrame is the largest Modbus RTU frame: address, 253-byte PDU, CRC.
const maxRTUFrame = 256

// minRTUFrame is address, function code and CRC.
const minRTUFrame = 4

// rtuRequest is one request frame taken apart.
type rtuRequest struct {
	unit     byte
	function byte
	data     []byte // the PDU after the function code, without the CRC
}

// parseRTURequest looks for a request frame at the start of buf and
// returns it with its size in bytes. The caller drops one byte on
// parseBadCRC and parseGarbage and waits for more bytes on parseNeedMore.
//
// The frame length follows from the function code: 8 bytes for functions
// 01 to 06, 9 plus the byte count for 15 and 16. A frame of any other
// function 0x01..0x7F ends at the first length whose last two bytes are a
// valid CRC, so that it gets an exception 01 reply instead of being dropped.
func parseRTURequest(buf []byte) (rtuRequest, int, parseResult) {
	if len(buf) < 2 {
		return rtuRequest{}, 0, parseNeedMore
	}
	function := buf[1]
	if function == 0 || function >= 0x80 {
		return rtuRequest{}, 0, parseGarbage
	}

	if !isKnownFunction(function) {
		return parseUnknownFunction(buf)
	}
	return parseKnownFunction(buf)
}

// isKnownFunction reports whether the frame length of function follows
// from its code and byte count.
func isKnownFunction(function byte) bool {
	switch function {
	case fcReadCoils, fcReadDiscreteInputs, fcReadHoldingRegisters, fcReadInputRegisters,
		fcWriteSingleCoil, fcWriteSingleRegister, fcWriteMultipleCoils, fcWriteMultipleRegisters:
		return true
	}
	return false
}

func parseKnownFunction(buf []byte) (rtuRequest, int, parseResult) {
	size := 8
	if buf[1] == fcWriteMultipleCoils || buf[1] == fcWriteMultipleRegisters {
		if len(buf) < 7 {
			return rtuRequest{}, 0, parseNeedMore
		}
		size = 9 + int(buf[6])
		if size > maxRTUFrame {
			return rtuRequest{}, 0, parseGarbage
		}
	}

	if len(buf) < size {
		return rtuRequest{}, 0, parseNeedMore
	}
	if !hasValidCRC(buf[:size]) {
		return rtuRequest{}, 0, parseBadCRC
	}
	return newRTURequest(buf[:size]), size, parseFrame
}

// parseUnknownFunction ends the frame at the first length whose last two
// bytes are the CRC of the bytes before them. While no length matches, it
// waits for more bytes. The exception is a complete frame of a known
// function later in buf: then the first byte is garbage. This way a request
// behind a stray byte gets its reply without waiting for the line to go idle.
func parseUnknownFunction(buf []byte) (rtuRequest, int, parseResult) {
	limit := min(len(buf), maxRTUFrame)
	crc := uint16(0xFFFF)
	for size := 3; size <= limit; size++ {
		// crc covers buf[:size-2] here, so buf[size-2:size] would be its CRC.
		crc = crc16Update(crc, buf[size-3])
		if size >= minRTUFrame && buf[size-2] == byte(crc) && buf[size-1] == byte(crc>>8) {
			return newRTURequest(buf[:size]), size, parseFrame
		}
	}
	if len(buf) >= maxRTUFrame {
		return rtuRequest{}, 0, parseGarbage
	}
	for start := 1; start+1 < len(buf); start++ {
		if !isKnownFunction(buf[start+1]) {
			continue
		}
		if _, _, result := parseKnownFunction(buf[start:]); result == parseFrame {
			return rtuRequest{}, 0, parseGarbage
		}
	}
	return rtuRequest{}, 0, parseNeedMore
}

// newRTURequest splits a frame with a valid CRC. The data slice is a copy,
// so the caller may reuse the buffer.
func newRTURequest(frame []byte) rtuRequest {
	return rtuRequest{
		unit:     frame[0],
		function: frame[1],
		data:     append([]byte(nil), frame[2:len(frame)-2]...),
	}
}

// isWriteFunction reports whether function writes data, which is what a
// broadcast (unit 0) may carry.
func isWriteFunction(function byte) bool {
	switch function {
	case fcWriteSingleCoil, fcWriteSingleRegister, fcWriteMultipleCoils, fcWriteMultipleRegisters:
		return true
	}
	return false
}
