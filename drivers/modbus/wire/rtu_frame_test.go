package wire

import (
	"bytes"
	"testing"
)

var readTwo = Request{Unit: 7, Function: FuncReadInput, Addr: 0, Count: 2}

func replyFrame(unit byte, pdu ...byte) []byte { return appendCRC(append([]byte{unit}, pdu...)) }

func TestFindReplySkipsNoiseAndDamage(t *testing.T) {
	good := replyFrame(7, 0x04, 4, 0, 1, 0, 2)
	damaged := bytes.Clone(good)
	damaged[4] ^= 0x10
	other := replyFrame(8, 0x04, 4, 9, 9, 9, 9)

	cases := []struct {
		name          string
		buf           []byte
		start         int
		found         bool
		waiting       bool
		damagedFrames int
	}{
		{"clean", good, 0, true, false, 0},
		{"stray in front", append([]byte{0x00, 0xFF, 0x07}, good...), 3, true, false, 0},
		{"other unit first", append(bytes.Clone(other), good...), len(other), true, false, 0},
		{"damaged then good", append(bytes.Clone(damaged), good...), len(damaged), true, false, 1},
		{"half a frame", good[:5], 0, false, true, 0},
		{"damaged only", damaged, 0, false, false, 1},
		{"exception", replyFrame(7, 0x84, 0x02), 0, true, false, 0},
	}
	for _, c := range cases {
		m := findReply(readTwo, c.buf)
		if (m.end > 0) != c.found || (c.found && m.start != c.start) || m.waiting != c.waiting || m.damaged != c.damagedFrames {
			t.Errorf("%s: got %+v", c.name, m)
		}
	}
}

// FuzzFindReply feeds arbitrary line contents: findReply must not panic,
// and what it accepts must be a whole frame for the request with a valid
// CRC.
func FuzzFindReply(f *testing.F) {
	f.Add([]byte{0x07, 0x04, 0x04, 0, 1, 0, 2}, uint8(2))
	f.Add(replyFrame(7, 0x04, 4, 0, 1, 0, 2), uint8(2))
	f.Add(append([]byte{7, 4, 255}, replyFrame(7, 0x84, 6)...), uint8(1))
	f.Fuzz(func(t *testing.T, buf []byte, count uint8) {
		req := Request{Unit: 7, Function: FuncReadInput, Count: uint16(count%125) + 1}
		m := findReply(req, buf)
		if m.end == 0 {
			return
		}
		frame := buf[m.start:m.end]
		if frame[0] != 7 || frame[1]&0x7F != FuncReadInput || crc16(frame) != 0 {
			t.Fatalf("accepted % x", frame)
		}
		ParseReply(req, frame[1:len(frame)-2])
	})
}

func FuzzParseReply(f *testing.F) {
	f.Add([]byte{0x03, 2, 0, 1}, uint8(3), uint8(1))
	f.Add([]byte{0x01, 1, 0xFF}, uint8(1), uint8(8))
	f.Add([]byte{0x05, 0, 1, 0xFF, 0}, uint8(5), uint8(0))
	f.Fuzz(func(t *testing.T, pdu []byte, function, count uint8) {
		req := Request{Unit: 1, Function: function, Count: uint16(count), Addr: 1, Value: 0xFF00}
		r, err := ParseReply(req, pdu)
		if err == nil && len(r.Registers) > int(req.Count) {
			t.Fatalf("%d registers for a request of %d", len(r.Registers), req.Count)
		}
	})
}
