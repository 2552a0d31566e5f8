package uplink

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestParseAck(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		want    []seqRange
		err     string
	}{
		{"one range", `{"ranges":[[1,5]]}`, []seqRange{{1, 5}}, ""},
		{"merged and sorted", `{"ranges":[[10,12],[1,3],[4,4],[2,6]]}`, []seqRange{{1, 6}, {10, 12}}, ""},
		{"single seq", `{"ranges":[[7,7]]}`, []seqRange{{7, 7}}, ""},
		{"no ranges", `{"ranges":[]}`, []seqRange{}, ""},
		{"largest seq", `{"ranges":[[9007199254740991,9007199254740991]]}`, []seqRange{{maxAckSeq, maxAckSeq}}, ""},
		{"white space", " {\"ranges\" : [ [1 , 2] ] }\n", []seqRange{{1, 2}}, ""},
		{"not JSON", `ack 1-5`, nil, "not valid JSON"},
		{"missing ranges", `{}`, nil, "no ranges field"},
		{"null ranges", `{"ranges":null}`, nil, "no ranges field"},
		{"unknown field", `{"ranges":[[1,2]],"v":1}`, nil, `unknown field "v"`},
		{"first after last", `{"ranges":[[5,3]]}`, nil, "first 5 is greater than last 3"},
		{"zero seq", `{"ranges":[[0,3]]}`, nil, "0 is not a seq"},
		{"negative seq", `{"ranges":[[-1,3]]}`, nil, "-1 is not a seq"},
		{"fraction", `{"ranges":[[1.5,3]]}`, nil, "1.5 is not a seq"},
		{"exponent", `{"ranges":[[1e3,2000]]}`, nil, "1e3 is not a seq"},
		{"seq at 2^53", `{"ranges":[[9007199254740992,9007199254740992]]}`, nil, "is not a seq"},
		{"three elements", `{"ranges":[[1,2,3]]}`, nil, "has 3 elements"},
		{"one element", `{"ranges":[[1]]}`, nil, "has 1 elements"},
		{"string seq", `{"ranges":[["1","2"]]}`, nil, `"1" is not a seq`},
		{"null seq", `{"ranges":[[null,2]]}`, nil, "null is not a seq"},
		{"trailing data", `{"ranges":[[1,2]]} {}`, nil, "data after"},
		{"too many ranges", `{"ranges":[` + strings.Repeat("[1,1],", maxAckRanges) + `[2,2]]}`, nil, "more than 1024"},
		{"too large", `{"ranges":[[1,1]]}` + strings.Repeat(" ", maxAckBytes), nil, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAck([]byte(tt.payload))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("parseAck error = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseAck: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("parseAck = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestContainsSeq(t *testing.T) {
	ranges := []seqRange{{1, 3}, {10, 10}, {20, 30}}
	for seq, want := range map[uint64]bool{0: false, 1: true, 3: true, 4: false, 10: true, 11: false, 25: true, 30: true, 31: false} {
		if got := containsSeq(ranges, seq); got != want {
			t.Errorf("containsSeq(%d) = %v, want %v", seq, got, want)
		}
	}
}

// FuzzParseAck feeds arbitrary payloads to the ack parser, which reads
// bytes from the network. It must not panic, and ranges it accepts must
// be valid, sorted, disjoint and not adjacent, and parse the same again
// when written back.
func FuzzParseAck(f *testing.F) {
	for _, seed := range []string{
		`{"ranges":[[1,5]]}`, `{"ranges":[[10,12],[1,3],[4,4]]}`, `{"ranges":[]}`, `{"ranges":[[5,3]]}`,
		`{"ranges":[[9007199254740991,9007199254740991]]}`, `{"ranges":[[1,2,3]]}`, `{"ranges":null}`, `[]`, `{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		ranges, err := parseAck(payload)
		if err != nil {
			if ranges != nil {
				t.Fatalf("error %v came with ranges %v", err, ranges)
			}
			return
		}
		if len(ranges) > maxAckRanges {
			t.Fatalf("accepted %d ranges", len(ranges))
		}
		for i, r := range ranges {
			if r.first < 1 || r.first > r.last || r.last > maxAckSeq {
				t.Fatalf("accepted range %v", r)
			}
			if i > 0 && r.first <= ranges[i-1].last+1 {
				t.Fatalf("ranges %v and %v overlap or touch", ranges[i-1], r)
			}
		}
		pairs := make([][2]uint64, len(ranges))
		for i, r := range ranges {
			pairs[i] = [2]uint64{r.first, r.last}
		}
		again, err := json.Marshal(map[string]any{"ranges": pairs})
		if err != nil {
			t.Fatal(err)
		}
		reparsed, err := parseAck(again)
		if err != nil || !slices.Equal(reparsed, ranges) {
			t.Fatalf("%s parsed to %v, written back as %s, parsed again to %v, %v", payload, ranges, again, reparsed, err)
		}
	})
}
