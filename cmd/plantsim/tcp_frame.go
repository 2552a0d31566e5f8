package main

import (
	"encoding/binary"
	"fmt"
	"io"
)

// mbapHeaderSize is the MBAP header of Modbus TCP: transaction id,
// protocol id, length and unit id.
const mbapHeaderSize = 7

// Bounds of the MBAP length field, which counts the unit id and the PDU.
// A PDU has a function code and at most 252 bytes of data (Modbus
// Application Protocol V1.1b3, section 4.1).
const (
	minMBAPLength = 2
	maxMBAPLength = 254
)

// tcpRequest is one Modbus TCP request taken apart.
type tcpRequest struct {
	transaction uint16
	protocol    uint16 // 0 for Modbus
	unit        byte
	function    byte
	data        []byte // the PDU after the function code
}

// mbapFramingError is an MBAP header whose length field is out of range.
// The stream cannot be resynchronised after it, so the connection closes.
type mbapFramingError struct {
	length uint16
}

func (e mbapFramingError) Error() string {
	return fmt.Sprintf("MBAP length %d out of range %d..%d", e.length, minMBAPLength, maxMBAPLength)
}

// readMBAPRequest reads one request frame from r. It returns io.EOF when
// the connection closed between frames, io.ErrUnexpectedEOF when it closed
// inside one, and mbapFramingError for a length out of range.
func readMBAPRequest(r io.Reader) (tcpRequest, error) {
	var header [mbapHeaderSize]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return tcpRequest{}, err
	}
	length := binary.BigEndian.Uint16(header[4:])
	if length < minMBAPLength || length > maxMBAPLength {
		return tcpRequest{}, mbapFramingError{length: length}
	}

	pdu := make([]byte, length-1)
	if _, err := io.ReadFull(r, pdu); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return tcpRequest{}, err
	}
	return tcpRequest{
		transaction: binary.BigEndian.Uint16(header[0:]),
		protocol:    binary.BigEndian.Uint16(header[2:]),
		unit:        header[6],
		function:    pdu[0],
		data:        pdu[1:],
	}, nil
}

// appendMBAPFrame appends the MBAP header for transaction and unit and then
// pdu to dst.
func appendMBAPFrame(dst []byte, transaction uint16, unit byte, pdu []byte) []byte {
	dst = binary.BigEndian.AppendUint16(dst, transaction)
	dst = binary.BigEndian.AppendUint16(dst, 0)
	dst = binary.BigEndian.AppendUint16(dst, uint16(1+len(pdu)))
	dst = append(dst, unit)
	return append(dst, pdu...)
}
