package main

import (
	"encoding/binary"
	"errors"
)

// Modbus function codes served on both buses.
const (
	fcReadCoils              byte = 0x01
	fcReadDiscreteInputs     byte = 0x02
	fcReadHoldingRegisters   byte = 0x03
	fcReadInputRegisters     byte = 0x04
	fcWriteSingleCoil        byte = 0x05
	fcWriteSingleRegister    byte = 0x06
	fcWriteMultipleCoils     byte = 0x0F
	fcWriteMultipleRegisters byte = 0x10
)

// Quantity limits from the Modbus Application Protocol V1.1b3, section 6.
const (
	maxReadBits       = 2000
	maxReadRegisters  = 125
	maxWriteBits      = 1968
	maxWriteRegisters = 123
)

// handlePDU executes one request PDU (function code plus data) against dev
// and returns the reply PDU, which is an exception reply when the request fails.
func handlePDU(dev device, function byte, data []byte) []byte {
	reply, err := executeFunction(dev, function, data)
	if err != nil {
		var ex exception
		if !errors.As(err, &ex) {
			ex = exServerDeviceFailure
		}
		return exceptionPDU(function, ex)
	}
	return append([]byte{function}, reply...)
}

// exceptionPDU returns the exception reply to a request with function.
func exceptionPDU(function byte, ex exception) []byte {
	return []byte{function | 0x80, byte(ex)}
}

// executeFunction returns the data part of the reply to one request.
func executeFunction(dev device, function byte, data []byte) ([]byte, error) {
	switch function {
	case fcReadCoils, fcReadDiscreteInputs:
		return readBits(dev, function, data)
	case fcReadHoldingRegisters, fcReadInputRegisters:
		return readRegisters(dev, function, data)
	case fcWriteSingleCoil:
		return writeSingleCoil(dev, data)
	case fcWriteSingleRegister:
		return writeSingleRegister(dev, data)
	case fcWriteMultipleCoils:
		return writeMultipleCoils(dev, data)
	case fcWriteMultipleRegisters:
		return writeMultipleRegisters(dev, data)
	default:
		return nil, exIllegalFunction
	}
}

// checkRange validates the quantity field (exception 03) and that the range
// stays below address 0x10000 (exception 02).
func checkRange(addr, count uint16, limit int) error {
	if count == 0 || int(count) > limit {
		return exIllegalDataValue
	}
	if int(addr)+int(count) > 0x10000 {
		return exIllegalDataAddress
	}
	return nil
}

func readBits(dev device, function byte, data []byte) ([]byte, error) {
	if len(data) != 4 {
		return nil, exIllegalDataValue
	}
	addr := binary.BigEndian.Uint16(data[0:])
	count := binary.BigEndian.Uint16(data[2:])
	if err := checkRange(addr, count, maxReadBits); err != nil {
		return nil, err
	}

	table := coilTable
	if function == fcReadDiscreteInputs {
		table = discreteInputTable
	}
	bits, err := dev.readBits(table, addr, count)
	if err != nil {
		return nil, err
	}

	packed := packBits(bits)
	return append([]byte{byte(len(packed))}, packed...), nil
}

func readRegisters(dev device, function byte, data []byte) ([]byte, error) {
	if len(data) != 4 {
		return nil, exIllegalDataValue
	}
	addr := binary.BigEndian.Uint16(data[0:])
	count := binary.BigEndian.Uint16(data[2:])
	if err := checkRange(addr, count, maxReadRegisters); err != nil {
		return nil, err
	}

	table := holdingRegisterTable
	if function == fcReadInputRegisters {
		table = inputRegisterTable
	}
	registers, err := dev.readRegisters(table, addr, count)
	if err != nil {
		return nil, err
	}

	reply := []byte{byte(2 * len(registers))}
	for _, value := range registers {
		reply = binary.BigEndian.AppendUint16(reply, value)
	}
	return reply, nil
}

func writeSingleCoil(dev device, data []byte) ([]byte, error) {
	if len(data) != 4 {
		return nil, exIllegalDataValue
	}
	addr := binary.BigEndian.Uint16(data[0:])
	var on bool
	switch binary.BigEndian.Uint16(data[2:]) {
	case 0xFF00:
		on = true
	case 0x0000:
		on = false
	default:
		return nil, exIllegalDataValue
	}

	if err := dev.writeCoils(addr, []bool{on}); err != nil {
		return nil, err
	}
	return data, nil
}

func writeSingleRegister(dev device, data []byte) ([]byte, error) {
	if len(data) != 4 {
		return nil, exIllegalDataValue
	}
	addr := binary.BigEndian.Uint16(data[0:])
	value := binary.BigEndian.Uint16(data[2:])
	if err := dev.writeRegisters(addr, []uint16{value}); err != nil {
		return nil, err
	}
	return data, nil
}

func writeMultipleCoils(dev device, data []byte) ([]byte, error) {
	if len(data) < 5 {
		return nil, exIllegalDataValue
	}
	addr := binary.BigEndian.Uint16(data[0:])
	count := binary.BigEndian.Uint16(data[2:])
	if err := checkRange(addr, count, maxWriteBits); err != nil {
		return nil, err
	}
	byteCount := int(data[4])
	if byteCount != (int(count)+7)/8 || len(data) != 5+byteCount {
		return nil, exIllegalDataValue
	}

	if err := dev.writeCoils(addr, unpackBits(data[5:], int(count))); err != nil {
		return nil, err
	}
	return data[:4], nil
}

func writeMultipleRegisters(dev device, data []byte) ([]byte, error) {
	if len(data) < 5 {
		return nil, exIllegalDataValue
	}
	addr := binary.BigEndian.Uint16(data[0:])
	count := binary.BigEndian.Uint16(data[2:])
	if err := checkRange(addr, count, maxWriteRegisters); err != nil {
		return nil, err
	}
	byteCount := int(data[4])
	if byteCount != 2*int(count) || len(data) != 5+byteCount {
		return nil, exIllegalDataValue
	}

	values := make([]uint16, count)
	for i := range values {
		values[i] = binary.BigEndian.Uint16(data[5+2*i:])
	}
	if err := dev.writeRegisters(addr, values); err != nil {
		return nil, err
	}
	return data[:4], nil
}

// packBits packs bits LSB first, as Modbus sends coils and discrete inputs.
func packBits(bits []bool) []byte {
	packed := make([]byte, (len(bits)+7)/8)
	for i, on := range bits {
		if on {
			packed[i/8] |= 1 << (i % 8)
		}
	}
	return packed
}

func unpackBits(packed []byte, count int) []bool {
	bits := make([]bool, count)
	for i := range bits {
		bits[i] = packed[i/8]&(1<<(i%8)) != 0
	}
	return bits
}
