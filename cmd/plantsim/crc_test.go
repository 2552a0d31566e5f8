package main

import "testing"

func TestCRCKnownFrames(t *testing.T) {
	frames := []string{
		"01 04 00 00 00 02 71 CB",
		"01 03 00 00 00 0A C5 CD",
		"11 03 00 6B 00 03 76 87", // Modbus over Serial Line V1.02, example of a read request
		"01 84 02 C2 C1",
		"01 10 00 00 00 01 02 00 07 E7 92",
	}
	for _, text := range frames {
		frame := mustHex(t, text)
		if !hasValidCRC(frame) {
			t.Errorf("hasValidCRC(%s) = false, want true", text)
		}
		body := frame[:len(frame)-2]
		if got := appendCRC(append([]byte(nil), body...)); string(got) != string(frame) {
			t.Errorf("appendCRC(%X) = %X, want %s", body, got, text)
		}
	}
}

func TestCRCRejectsCorruption(t *testing.T) {
	frame := mustHex(t, "01 04 00 00 00 02 71 CB")
	for i := range frame {
		corrupt := append([]byte(nil), frame...)
		corrupt[i] ^= 0x01
		if hasValidCRC(corrupt) {
			t.Errorf("hasValidCRC accepted frame with byte %d flipped: %X", i, corrupt)
		}
	}
	if hasValidCRC([]byte{0x01, 0x04}) {
		t.Error("hasValidCRC accepted a 2-byte frame")
	}
}
