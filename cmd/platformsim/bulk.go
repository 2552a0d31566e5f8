package main

import (
	"encoding/base64"
	"strconv"
)

// bulkPart is the part of a valid bulk record that the tracker counts.
type bulkPart struct {
	name        string
	contentType string
	part, parts int64
	size        int64
}

// validateBulk checks the fields of a bulk record: one part of a large
// object such as a video clip, its data in standard base64.
func validateBulk(rec object) (record, *validationError) {
	var b bulkPart
	var verr *validationError
	if b.name, verr = rec.nonEmptyString("name"); verr != nil {
		return record{}, verr
	}
	if b.contentType, verr = rec.requiredString("content_type"); verr != nil {
		return record{}, verr
	}

	if b.part, verr = rec.requiredInteger("part"); verr != nil {
		return record{}, verr
	}
	if b.part < 1 {
		return record{}, invalidf(rec.fieldPath("part"), "must be 1 or more, got %s", strconv.FormatInt(b.part, 10))
	}
	if b.parts, verr = rec.requiredInteger("parts"); verr != nil {
		return record{}, verr
	}
	if b.parts < b.part {
		return record{}, invalidf(rec.fieldPath("parts"), "must be at least part (%s), got %s",
			strconv.FormatInt(b.part, 10), strconv.FormatInt(b.parts, 10))
	}

	if b.size, verr = rec.nonNegativeInteger("size"); verr != nil {
		return record{}, verr
	}
	encoded, verr := rec.requiredString("data")
	if verr != nil {
		return record{}, verr
	}
	data, err := base64.StdEncoding.Strict().DecodeString(encoded)
	if err != nil {
		return record{}, invalidf(rec.fieldPath("data"), "must be standard base64 with padding: %s", err.Error())
	}
	if int64(len(data)) != b.size {
		return record{}, invalidf(rec.fieldPath("size"), "is %s, but data holds %s bytes",
			strconv.FormatInt(b.size, 10), strconv.Itoa(len(data)))
	}
	return record{bulk: &b}, nil
}

// maxBulkObjects bounds the bulk objects whose parts platformsim tracks
// per gateway. Parts of further objects are still counted.
const maxBulkObjects = 10_000

// bulkObject is the arrival state of one bulk object's parts.
type bulkObject struct {
	parts int64
	// received holds the part numbers that arrived, until all did.
	received map[int64]bool
	bytes    int64
	complete bool
}

// bulkStats counts one gateway's bulk records and objects.
type bulkStats struct {
	parts    int64
	bytes    int64
	objects  map[string]*bulkObject
	complete int64
	// truncated is set once an object was left untracked because
	// maxBulkObjects were tracked already.
	truncated bool
}

// count counts a bulk part whose seq arrived for the first time.
func (s *bulkStats) count(b *bulkPart) {
	s.parts++
	s.bytes += b.size
}

// track records the arrival of a counted bulk part and returns its object
// when this part completed it. An object is named by its name and keeps
// the parts count of its first part, and a part number that arrives again
// under another seq counts once.
func (s *bulkStats) track(b *bulkPart) *bulkObject {
	obj, ok := s.objects[b.name]
	if !ok {
		if len(s.objects) >= maxBulkObjects {
			s.truncated = true
			return nil
		}
		if s.objects == nil {
			s.objects = map[string]*bulkObject{}
		}
		obj = &bulkObject{parts: b.parts, received: map[int64]bool{}}
		s.objects[b.name] = obj
	}
	if obj.complete || b.part > obj.parts || obj.received[b.part] {
		return nil
	}
	obj.received[b.part] = true
	obj.bytes += b.size
	if int64(len(obj.received)) < obj.parts {
		return nil
	}
	obj.complete, obj.received = true, nil
	s.complete++
	return obj
}

// bulkLine formats the line printed when every part of a bulk object has
// arrived.
func bulkLine(l *localizer, gatewayID string, rec record, obj *bulkObject) string {
	line := l.text("[platform] %s BULK %s complete: %s parts, %s bytes", displayID(gatewayID), rec.bulk.name,
		itoa(obj.parts), itoa(obj.bytes))
	if rec.bulk.contentType != "" {
		line += ", " + rec.bulk.contentType
	}
	line += " " + l.text("at %s", rec.ts)
	if rec.historical {
		line += " " + l.text("(historical)")
	}
	return line
}
