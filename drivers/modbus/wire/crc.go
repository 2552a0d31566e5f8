package wire

// crcTable holds the CRC-16/MODBUS remainder of every byte value
// (polynomial 0x8005 reflected, 0xA001).
var crcTable = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i)
		for range 8 {
			if c&1 == 1 {
				c = c>>1 ^ 0xA001
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}()

// crc16 returns the CRC-16/MODBUS of b (initial value 0xFFFF).
func crc16(b []byte) uint16 {
	c := uint16(0xFFFF)
	for _, x := range b {
		c = c>>8 ^ crcTable[byte(c)^x]
	}
	return c
}

// appendCRC appends the CRC of frame, low byte first as RTU sends it.
func appendCRC(frame []byte) []byte {
	c := crc16(frame)
	return append(frame, byte(c), byte(c>>8))
}
