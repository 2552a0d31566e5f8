package main

// crc16Modbus returns the CRC-16/MODBUS of data: reflected polynomial 0xA001,
// initial value 0xFFFF. On the wire the low byte is sent first.
func crc16Modbus(data []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, b := range data {
		crc = crc16Update(crc, b)
	}
	return crc
}

// crc16Update adds one byte to a running CRC-16/MODBUS.
func crc16Update(crc uint16, b byte) uint16 {
	crc ^= uint16(b)
	for range 8 {
		if crc&1 != 0 {
			crc = crc>>1 ^ 0xA001
		} else {
			crc >>= 1
		}
	}
	return crc
}

// appendCRC appends the CRC of frame, low byte first.
func appendCRC(frame []byte) []byte {
	crc := crc16Modbus(frame)
	return append(frame, byte(crc), byte(crc>>8))
}

// hasValidCRC reports whether the last two bytes of frame are the CRC of the
// bytes before them.
func hasValidCRC(frame []byte) bool {
	if len(frame) < 3 {
		return false
	}
	n := len(frame) - 2
	crc := crc16Modbus(frame[:n])
	return frame[n] == byte(crc) && frame[n+1] == byte(crc>>8)
}
