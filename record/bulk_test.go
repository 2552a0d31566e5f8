package record

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/buffer"
)

func TestBulkRoundTrip(t *testing.T) {
	in := Bulk{Name: "cam-1/2026-03-01T08:00:00Z", ContentType: "video/mp4", Time: time.Unix(1_800_000_000, 42), ClockSynced: true,
		Part: 2, Parts: 3, Data: []byte{0, 1, 0xfe, 0xff, '"', '\\', 0x80}}
	d, err := Decode(EncodeBulk(in))
	if err != nil || d.Bulk == nil {
		t.Fatalf("decode: %+v, %v", d, err)
	}
	if d.Sample != nil || d.Event != nil {
		t.Errorf("decoded bulk also as sample %+v or event %+v", d.Sample, d.Event)
	}
	got := *d.Bulk
	if got.Name != in.Name || got.ContentType != in.ContentType || !got.Time.Equal(in.Time) || !got.ClockSynced {
		t.Errorf("round trip = %+v, want %+v", got, in)
	}
	if got.Part != 2 || got.Parts != 3 {
		t.Errorf("part %d of %d, want 2 of 3", got.Part, got.Parts)
	}
	if !bytes.Equal(got.Data, in.Data) {
		t.Errorf("data = %x, want %x", got.Data, in.Data)
	}
}

func TestSplitBulkJoinsBack(t *testing.T) {
	const partSize = 10
	at := time.Unix(1_800_000_000, 0)
	for _, n := range []int{0, 1, partSize - 1, partSize, partSize + 1, 3 * partSize, 3*partSize + 7} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i * 7)
		}
		parts := SplitBulk("clip", "video/mp4", at, data, partSize)
		wantParts := max(1, (n+partSize-1)/partSize)
		if len(parts) != wantParts {
			t.Fatalf("%d bytes: %d parts, want %d", n, len(parts), wantParts)
		}
		var joined []byte
		for i, p := range parts {
			if p.Part != i+1 || p.Parts != wantParts {
				t.Errorf("%d bytes: part %d is numbered %d of %d, want %d of %d", n, i, p.Part, p.Parts, i+1, wantParts)
			}
			if len(p.Data) > partSize {
				t.Errorf("%d bytes: part %d has %d bytes, more than %d", n, p.Part, len(p.Data), partSize)
			}
			if p.Name != "clip" || p.ContentType != "video/mp4" || !p.Time.Equal(at) || p.ClockSynced {
				t.Errorf("%d bytes: part %d = %+v, want name clip, video/mp4, the clip's time, clock not synced", n, p.Part, p)
			}
			joined = append(joined, p.Data...)
		}
		if !bytes.Equal(joined, data) {
			t.Errorf("%d bytes: joined parts differ from the data", n)
		}
	}
}

func TestSplitBulkPartsDoNotOverwriteData(t *testing.T) {
	data := []byte("abcdefgh")
	parts := SplitBulk("clip", "", time.Time{}, data, 3)
	parts[0].Data = append(parts[0].Data, 'X')
	if string(data) != "abcdefgh" {
		t.Errorf("appending to part 1 changed the data to %q", data)
	}
}

func TestSplitBulkRejectsPartSizeZero(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("SplitBulk with part size 0 returned; want a panic")
		}
	}()
	SplitBulk("clip", "", time.Time{}, []byte("x"), 0)
}

// TestBulkPartSizeFitsBuffer checks that parts of the size BulkPartSize
// returns fit the buffer's payload limit even with the widest header, and
// that 3 more bytes would not.
func TestBulkPartSizeFitsBuffer(t *testing.T) {
	names := []string{"cam-1", strings.Repeat("<摄像头>&", 40)}
	for _, name := range names {
		size := BulkPartSize(buffer.MaxPayloadLen, name, "video/mp4")
		if size < buffer.MaxPayloadLen/2 {
			t.Fatalf("%q: part size %d, want most of %d bytes", name, size, buffer.MaxPayloadLen)
		}
		widest := Bulk{Name: name, ContentType: "video/mp4", Time: time.Unix(0, math.MinInt64), ClockSynced: true,
			Part: math.MaxInt, Parts: math.MaxInt, Data: make([]byte, size)}
		if n := len(EncodeBulk(widest)); n > buffer.MaxPayloadLen {
			t.Errorf("%q: a part of %d bytes encodes to %d bytes, more than %d", name, size, n, buffer.MaxPayloadLen)
		}
		widest.Data = make([]byte, size+3)
		if n := len(EncodeBulk(widest)); n <= buffer.MaxPayloadLen {
			t.Errorf("%q: a part of %d bytes still fits in %d bytes (%d); part size %d is not the largest", name, size+3, buffer.MaxPayloadLen, n, size)
		}
		for _, p := range SplitBulk(name, "video/mp4", time.Now(), make([]byte, 3*size+1), size) {
			if n := len(EncodeBulk(p)); n > buffer.MaxPayloadLen {
				t.Errorf("%q: part %d of %d encodes to %d bytes, more than %d", name, p.Part, p.Parts, n, buffer.MaxPayloadLen)
			}
		}
	}
	if size := BulkPartSize(100, strings.Repeat("n", 200), "video/mp4"); size != 0 {
		t.Errorf("part size for a name longer than the limit = %d, want 0", size)
	}
}

func TestDecodeRejectsInvalidBulk(t *testing.T) {
	tests := []struct{ name, stored string }{
		{"no name", `j{"k":"b","t":1,"pn":1,"pc":1}`},
		{"part 0", `j{"k":"b","t":1,"n":"clip","pn":0,"pc":1}`},
		{"part after parts", `j{"k":"b","t":1,"n":"clip","pn":3,"pc":2}`},
		{"data not base64", `j{"k":"b","t":1,"n":"clip","pn":1,"pc":1,"da":"%%%"}`},
	}
	for _, tt := range tests {
		if d, err := Decode([]byte(tt.stored)); err == nil {
			t.Errorf("%s: decoded as %+v; want an error", tt.name, d.Bulk)
		}
	}
}
