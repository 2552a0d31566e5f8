package main

import "fmt"

// exception is a Modbus exception code sent in place of a normal reply.
type exception byte

const (
	exIllegalFunction        exception = 0x01
	exIllegalDataAddress     exception = 0x02
	exIllegalDataValue       exception = 0x03
	exServerDeviceFailure    exception = 0x04
	exServerDeviceBusy       exception = 0x06
	exGatewayPathUnavailable exception = 0x0A
	exGatewayTargetNoAnswer  exception = 0x0B
)

func (e exception) Error() string {
	return fmt.Sprintf("Modbus exception 0x%02X", byte(e))
}

// bitTable selects one of the two single-bit data tables of a unit.
type bitTable int

const (
	coilTable bitTable = iota
	discreteInputTable
)

// registerTable selects one of the two 16-bit data tables of a unit.
type registerTable int

const (
	holdingRegisterTable registerTable = iota
	inputRegisterTable
)

// device is one Modbus unit on a bus. Every method returns an exception as
// its error when the request cannot be served.
type device interface {
	readBits(table bitTable, addr, count uint16) ([]bool, error)
	readRegisters(table registerTable, addr, count uint16) ([]uint16, error)
	writeCoils(addr uint16, values []bool) error
	writeRegisters(addr uint16, values []uint16) error
}

// registerImage is a snapshot of the four data tables of one unit.
type registerImage struct {
	coils          []bool
	discreteInputs []bool
	// holding starts at address holdingStart; lower addresses do not exist.
	holding      []uint16
	holdingStart uint16
	input        []uint16
}

// sliceRange returns table[addr:addr+count], or exception 02 when any
// address in that range does not exist.
func sliceRange[T any](table []T, addr, count uint16) ([]T, error) {
	end := int(addr) + int(count)
	if count == 0 || end > len(table) {
		return nil, exIllegalDataAddress
	}
	return table[addr:end], nil
}

// busID names one of the two simulated buses.
type busID int

const (
	rtuBus busID = iota
	tcpBus
)

// plantDevice serves one unit of the simulated plant.
type plantDevice struct {
	plant *plant
	bus   busID
	unit  byte
}

func (d plantDevice) readBits(table bitTable, addr, count uint16) ([]bool, error) {
	image, _ := d.plant.image(d.bus, d.unit)
	if table == coilTable {
		return sliceRange(image.coils, addr, count)
	}
	return sliceRange(image.discreteInputs, addr, count)
}

func (d plantDevice) readRegisters(table registerTable, addr, count uint16) ([]uint16, error) {
	image, _ := d.plant.image(d.bus, d.unit)
	if table == holdingRegisterTable {
		if addr < image.holdingStart {
			return nil, exIllegalDataAddress
		}
		return sliceRange(image.holding, addr-image.holdingStart, count)
	}
	return sliceRange(image.input, addr, count)
}

func (d plantDevice) writeCoils(addr uint16, values []bool) error {
	return d.plant.writeCoils(d.bus, d.unit, addr, values)
}

// writeRegisters rejects every write with exception 02, because no unit of
// the plant has a writable holding register: the LT-301/LT-302 level
// registers are measurements and the detectors' firmware version is fixed.
func (d plantDevice) writeRegisters(addr uint16, values []uint16) error {
	return exIllegalDataAddress
}
