package modbus

import "github.com/plantgw/plantgw/record"

// decodeText reads ASCII text packed two characters per register, in the
// order AB (first character in the high byte) or BA (in the low byte).
// Trailing NUL and space bytes are padding and are removed, in any mix. Any
// other byte outside printable ASCII (0x20 to 0x7E), a NUL before the
// padding included, makes the reading bad with cause invalid_text, so a
// wrong address or length never shows as a garbled string. Text of only
// padding is a good, empty reading. Unlike the numeric path, this
// allocates the returned string.
func (d Decoder) decodeText(regs []uint16) Reading {
	text := make([]byte, 0, 2*len(regs))
	for _, r := range regs {
		first, second := byte(r>>8), byte(r)
		if d.Order == BA {
			first, second = second, first
		}
		text = append(text, first, second)
	}
	end := len(text)
	for end > 0 && (text[end-1] == 0 || text[end-1] == ' ') {
		end--
	}
	for _, c := range text[:end] {
		if c < 0x20 || c > 0x7E {
			return Reading{IsText: true, Quality: record.Bad, Cause: record.CauseInvalidText}
		}
	}
	return Reading{IsText: true, Text: string(text[:end]), Quality: record.Good}
}
