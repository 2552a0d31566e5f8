package main

import (
	"slices"
	"strings"
	"testing"
)

func TestParseRTURequest(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		result parseResult
		size   int
	}{
		{"read input registers", "01 04 00 00 00 02 71 CB", parseFrame, 8},
		{"frame followed by more bytes", "01 04 00 00 00 02 71 CB 01", parseFrame, 8},
		{"write multiple registers", "01 10 00 00 00 01 02 00 07 E7 92", parseFrame, 11},
		{"unknown function found by CRC", "01 08 00 00 12 34 ED 7C", parseFrame, 8},
		{"shortest unknown function", "01 11 C0 2C", parseFrame, 4},
		{"one byte", "01", parseNeedMore, 0},
		{"partial fixed-length frame", "01 04 00 00 00 02 71", parseNeedMore, 0},
		{"partial header of function 16", "01 10 00 00 00", parseNeedMore, 0},
		{"partial data of function 16", "01 10 00 00 00 01 02 00", parseNeedMore, 0},
		{"unknown function without CRC yet", "01 08 00 00 12", parseNeedMore, 0},
		{"unknown function before a known frame", "05 07 01 04 00 00 00 02 71 CB", parseGarbage, 0},
		{"bad CRC", "01 04 00 00 00 02 71 CC", parseBadCRC, 0},
		{"function code 0", "01 00 00", parseGarbage, 0},
		{"exception function code", "01 84 02 C2 C1", parseGarbage, 0},
		{"byte count too large", "01 10 00 00 00 7C F8", parseGarbage, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, size, result := parseRTURequest(mustHex(t, tt.input))
			if result != tt.result || size != tt.size {
				t.Fatalf("parseRTURequest = (result %d, size %d), want (result %d, size %d)",
					result, size, tt.result, tt.size)
			}
			if result == parseFrame {
				frame := mustHex(t, tt.input)[:size]
				if req.unit != frame[0] || req.function != frame[1] || !slices.Equal(req.data, frame[2:size-2]) {
					t.Errorf("request = %+v, want unit %d, function %d, data % X", req, frame[0], frame[1], frame[2:size-2])
				}
			}
		})
	}
}

// feedAll feeds each chunk to the slave and returns the replies as hex strings.
func feedAll(t *testing.T, slave *rtuSlave, chunks ...string) []string {
	t.Helper()
	var replies []string
	for _, chunk := range chunks {
		var out [][]byte
		if chunk == "IDLE" {
			out = slave.idle()
		} else {
			out = slave.feed(mustHex(t, chunk))
		}
		for _, reply := range out {
			replies = append(replies, strings.ToUpper(spacedHex(reply)))
		}
	}
	return replies
}

func spacedHex(data []byte) string {
	parts := make([]string, len(data))
	for i, b := range data {
		parts[i] = strings.ToUpper(string("0123456789abcdef"[b>>4]) + string("0123456789abcdef"[b&0x0F]))
	}
	return strings.Join(parts, " ")
}

func TestRTUSlaveReplies(t *testing.T) {
	tests := []struct {
		name    string
		request string
		reply   string // "" for no reply
	}{
		{"GT-101 concentration and status", "01 04 00 00 00 02 71 CB", "01 04 04 00 05 00 00 EB 85"},
		{"AT-201 H2S", "05 04 00 00 00 02 70 4F", "05 04 04 00 02 00 00 1F 84"},
		{"read coils on detector", "01 01 00 00 00 01 FD CA", "01 81 02 C1 91"},
		{"read discrete inputs on detector", "01 02 00 00 00 01 B9 CA", "01 82 02 C1 61"},
		{"read holding registers on detector", "01 03 00 00 00 01 84 0A", "01 83 02 C0 F1"},
		{"write single coil on detector", "01 05 00 00 FF 00 8C 3A", "01 85 02 C3 51"},
		{"write single register on detector", "01 06 00 00 00 01 48 0A", "01 86 02 C3 A1"},
		{"write multiple coils on detector", "01 0F 00 00 00 01 01 01 EF 57", "01 8F 02 C5 F1"},
		{"write multiple registers on detector", "01 10 00 00 00 01 02 00 07 E7 92", "01 90 02 CD C1"},
		{"unsupported function 08", "01 08 00 00 12 34 ED 7C", "01 88 01 87 C0"},
		{"unsupported function 11", "01 11 C0 2C", "01 91 01 8C 50"},
		{"quantity 0", "01 04 00 00 00 00 F0 0A", "01 84 03 03 01"},
		{"unknown address", "01 04 00 02 00 01 90 0A", "01 84 02 C2 C1"},
		{"unit not on the bus", "09 04 00 00 00 02 70 83", ""},
		{"broadcast write", "00 05 00 00 FF 00 8D EB", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slave := newRTUSlave(newTestPlant(t, "normal"), &rtuStats{})
			replies := feedAll(t, slave, tt.request)
			var want []string
			if tt.reply != "" {
				want = []string{tt.reply}
			}
			if !slices.Equal(replies, want) {
				t.Errorf("replies = %q, want %q", replies, want)
			}
			if got := slave.stats.requests.Load(); got != 1 {
				t.Errorf("requests counted = %d, want 1", got)
			}
		})
	}
}

func TestRTUSlaveLoopFaultGT104(t *testing.T) {
	slave := newRTUSlave(newTestPlant(t, "loopfault"), &rtuStats{})
	// GT-104 reads concentration 0 with status bit1 (loop fault) set.
	replies := feedAll(t, slave, "04 04 00 00 00 02 71 9E")
	want := spacedHex(appendCRC(mustHex(t, "04 04 04 00 00 00 02")))
	if !slices.Equal(replies, []string{want}) {
		t.Errorf("replies = %q, want [%q]", replies, want)
	}
}

func TestRTUSlaveSilentUnit(t *testing.T) {
	slave := newRTUSlave(newTestPlant(t, "silent"), &rtuStats{})
	if replies := feedAll(t, slave, "03 04 00 00 00 02 70 29"); len(replies) != 0 {
		t.Errorf("silent GT-103 replied %q, want no reply", replies)
	}
	if replies := feedAll(t, slave, "01 04 00 00 00 02 71 CB"); len(replies) != 1 {
		t.Errorf("GT-101 replies = %q, want one reply while GT-103 is silent", replies)
	}
}

func TestRTUSlaveResync(t *testing.T) {
	const good = "01 04 00 00 00 02 71 CB"
	const reply = "01 04 04 00 05 00 00 EB 85"
	tests := []struct {
		name      string
		chunks    []string
		replies   []string
		crcErrors uint64
		stray     uint64
	}{
		{
			name:    "stray bytes before a frame",
			chunks:  []string{"FF 00 " + good},
			replies: []string{reply},
			stray:   2,
		},
		{
			name:    "frame delivered byte by byte",
			chunks:  strings.Split(good, " "),
			replies: []string{reply},
		},
		{
			name:    "two frames in one chunk",
			chunks:  []string{good + " " + good},
			replies: []string{reply, reply},
		},
		{
			name:      "bad CRC, then a good frame after the line went idle",
			chunks:    []string{"01 04 00 00 00 02 71 CC", "IDLE", good},
			replies:   []string{reply},
			crcErrors: 1,
			stray:     8,
		},
		{
			name:      "bad CRC directly followed by a good frame",
			chunks:    []string{"01 04 00 00 00 02 71 CC " + good},
			replies:   []string{reply},
			crcErrors: 1,
			stray:     8,
		},
		{
			name:    "partial frame discarded when the line goes idle",
			chunks:  []string{"01 04 00 00", "IDLE", good},
			replies: []string{reply},
			stray:   4,
		},
		{
			name:    "frame behind an unknown function code",
			chunks:  []string{"05 07 " + good},
			replies: []string{reply},
			stray:   2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slave := newRTUSlave(newTestPlant(t, "normal"), &rtuStats{})
			replies := feedAll(t, slave, tt.chunks...)
			if !slices.Equal(replies, tt.replies) {
				t.Errorf("replies = %q, want %q", replies, tt.replies)
			}
			if got := slave.stats.crcErrors.Load(); got != tt.crcErrors {
				t.Errorf("CRC errors = %d, want %d", got, tt.crcErrors)
			}
			if got := slave.stats.strayBytes.Load(); got != tt.stray {
				t.Errorf("stray bytes = %d, want %d", got, tt.stray)
			}
		})
	}
}

// FuzzRTURequestParser checks that the parser and the slave never panic,
// never take a frame with a wrong CRC, and never keep more than one frame
// of bytes waiting.
func FuzzRTURequestParser(f *testing.F) {
	seeds := []string{
		"01 04 00 00 00 02 71 CB",
		"01 03 00 00 00 0A C5 CD",
		"11 03 00 6B 00 03 76 87",
		"01 05 00 00 FF 00 8C 3A",
		"01 0F 00 00 00 01 01 01 EF 57",
		"01 10 00 00 00 01 02 00 07 E7 92",
		"01 08 00 00 12 34 ED 7C",
		"00 05 00 00 FF 00 8D EB",
		"FF 00 01 04 00 00 00 02 71 CB",
		"01 04 00 00 00 02 71 CC 01 04 00 00 00 02 71 CB",
		"01 10 00 00 00 7B F6",
	}
	for _, seed := range seeds {
		f.Add(mustHex(f, seed), uint8(3))
	}
	p := newTestPlant(f, "normal")

	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		checkParserInvariants(t, data)

		slave := newRTUSlave(p, &rtuStats{})
		step := int(chunk%16) + 1
		var replies [][]byte
		for start := 0; start < len(data); start += step {
			replies = append(replies, slave.feed(data[start:min(start+step, len(data))])...)
			if len(slave.buf) >= maxRTUFrame {
				t.Fatalf("slave keeps %d bytes waiting, want fewer than %d", len(slave.buf), maxRTUFrame)
			}
		}
		replies = append(replies, slave.idle()...)
		if len(slave.buf) != 0 {
			t.Fatalf("slave keeps %d bytes after idle, want 0", len(slave.buf))
		}
		for _, reply := range replies {
			if len(reply) < 5 || !hasValidCRC(reply) {
				t.Fatalf("invalid reply % X", reply)
			}
			if _, ok := p.device(rtuBus, reply[0]); !ok {
				t.Fatalf("reply from unit %d, which is not on the bus", reply[0])
			}
		}
	})
}

func checkParserInvariants(t *testing.T, data []byte) {
	buf := data
	for len(buf) > 0 {
		req, size, result := parseRTURequest(buf)
		switch result {
		case parseFrame:
			if size < minRTUFrame || size > len(buf) || size > maxRTUFrame {
				t.Fatalf("frame size %d out of range for %d buffered bytes", size, len(buf))
			}
			if !hasValidCRC(buf[:size]) {
				t.Fatalf("frame % X has a wrong CRC", buf[:size])
			}
			if req.unit != buf[0] || req.function != buf[1] || len(req.data) != size-4 {
				t.Fatalf("request %+v does not match frame % X", req, buf[:size])
			}
			buf = buf[size:]
		case parseNeedMore:
			if len(buf) >= maxRTUFrame {
				t.Fatalf("parser waits for more bytes with %d buffered", len(buf))
			}
			buf = buf[1:]
		default:
			if size != 0 {
				t.Fatalf("size %d for result %d, want 0", size, result)
			}
			buf = buf[1:]
		}
	}
}
