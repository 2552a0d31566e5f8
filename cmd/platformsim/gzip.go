package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strconv"
)

// maxDecompressedBytes bounds the JSON body of a gzip message, as the
// gateway's uplink.MaxDecompressedBytes does on the sending side, so a
// small hostile message cannot make platformsim inflate gigabytes.
const maxDecompressedBytes = 16 << 20

// gzipMagic starts every gzip stream (RFC 1952, ID1 and ID2). No JSON
// text starts with it, so the first two bytes tell the two apart.
var gzipMagic = []byte{0x1f, 0x8b}

func isGzip(payload []byte) bool { return bytes.HasPrefix(payload, gzipMagic) }

// gunzip returns the decompressed body of a gzip payload.
func gunzip(payload []byte) ([]byte, *validationError) {
	zr, err := gzip.NewReader(bytes.NewReader(payload))
	if err != nil {
		return nil, invalidf("", "not a valid gzip body: %s", err.Error())
	}
	body, err := io.ReadAll(io.LimitReader(zr, maxDecompressedBytes+1))
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, invalidf("", "not a valid gzip body: %s", "unexpected end of data")
		}
		return nil, invalidf("", "not a valid gzip body: %s", err.Error())
	}
	if len(body) > maxDecompressedBytes {
		return nil, invalidf("", "gzip body decompresses to more than %s bytes", strconv.Itoa(maxDecompressedBytes))
	}
	return body, nil
}
