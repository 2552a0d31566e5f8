package record

import (
	"fmt"
	"math"
	"time"
)

// Bulk is one part of a large opaque object, such as a video clip, that
// the gateway stores and uploads in parts because one record is limited
// in size (buffer.MaxPayloadLen). The parts of an object share Name,
// ContentType and Time, and the platform joins their Data in Part order.
type Bulk struct {
	// Name identifies the object among the gateway's bulk objects, such
	// as a camera id and the clip's start time.
	Name string
	// ContentType is the object's MIME type, such as "video/mp4".
	ContentType string
	// Time is when the object was recorded, and ClockSynced is false when
	// Time was taken before the system clock was known to be synchronised.
	Time        time.Time
	ClockSynced bool
	// Part numbers the part from 1 to Parts.
	Part, Parts int
	Data        []byte
}

// EncodeBulk returns a bulk part's stored form.
func EncodeBulk(b Bulk) []byte {
	return marshal(stored{Kind: "b", Time: b.Time.UnixNano(), Synced: b.ClockSynced,
		Name: b.Name, ContentType: b.ContentType, Part: b.Part, Parts: b.Parts, Data: b.Data})
}

// decodeBulk checks and returns the bulk part in st.
func decodeBulk(st stored, t time.Time) (Decoded, error) {
	if st.Name == "" {
		return Decoded{}, fmt.Errorf("decode record: bulk part without a name")
	}
	if st.Part < 1 || st.Part > st.Parts {
		return Decoded{}, fmt.Errorf("decode record: bulk %q has part %d of %d, want 1 to parts", st.Name, st.Part, st.Parts)
	}
	return Decoded{Bulk: &Bulk{Name: st.Name, ContentType: st.ContentType, Time: t, ClockSynced: st.Synced,
		Part: st.Part, Parts: st.Parts, Data: st.Data}}, nil
}

// SplitBulk cuts data into parts of at most partSize bytes, numbered from
// 1, all with name, contentType and time t. Empty data gives one part
// without data. The parts' Data share data's array, and their ClockSynced
// is false for the caller to set. SplitBulk panics when partSize is below
// 1; BulkPartSize returns the largest size whose parts fit a stored
// record.
func SplitBulk(name, contentType string, t time.Time, data []byte, partSize int) []Bulk {
	if partSize < 1 {
		panic(fmt.Sprintf("record: SplitBulk part size %d, want at least 1", partSize))
	}
	parts := max(1, (len(data)+partSize-1)/partSize)
	out := make([]Bulk, parts)
	for i := range out {
		start := i * partSize
		end := min(start+partSize, len(data))
		out[i] = Bulk{Name: name, ContentType: contentType, Time: t, Part: i + 1, Parts: parts}
		if start < end {
			out[i].Data = data[start:end:end]
		}
	}
	return out
}

// bulkDataKey is the stored form's data key with an empty value, which
// EncodeBulk leaves out for a part without data.
const bulkDataKey = `,"da":""`

// BulkPartSize returns the largest part size for SplitBulk whose parts,
// with name and contentType, encode to at most maxStored bytes whatever
// their time and part numbers. It returns 0 when not even one byte of
// data fits. Pass buffer.MaxPayloadLen to fill the buffer's records.
func BulkPartSize(maxStored int, name, contentType string) int {
	// The widest time and part numbers give the longest header.
	widest := Bulk{Name: name, ContentType: contentType, Time: time.Unix(0, math.MinInt64), ClockSynced: true,
		Part: math.MaxInt, Parts: math.MaxInt}
	room := maxStored - len(EncodeBulk(widest)) - len(bulkDataKey)
	if room < 4 {
		return 0
	}
	// Standard base64 writes 4 characters for every 3 bytes or fewer.
	return room / 4 * 3
}
