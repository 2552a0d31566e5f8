package modbus

import (
	"fmt"
	"sort"
	"strings"

	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/config"
)

// maxBitsPerRead is the Modbus limit for one coil or discrete-input read.
const maxBitsPerRead = 2000

// Field is one value a block delivers: a point's value or its status word.
type Field struct {
	Point   string
	Address uint16
	Count   uint16
	// Status marks the device status register of Point, not its value.
	Status bool
}

// Block is one read request: a contiguous range of one table.
type Block struct {
	Table  config.Table
	Start  uint16
	Count  uint16
	Fields []Field
}

// End is the first address after the block.
func (b Block) End() uint32 { return uint32(b.Start) + uint32(b.Count) }

func (b Block) String() string {
	return fmt.Sprintf("%s %d+%d", b.Table, b.Start, b.Count)
}

// PlanDevice merges a device's points into the fewest reads: fields of the
// same table join one block while the gap between them is at most maxGap
// and the block stays within maxRegisters (2000 bits for bit tables).
func PlanDevice(points []config.Point, maxRegisters, maxGap int) ([]Block, error) {
	fields := map[config.Table][]Field{}
	for _, p := range points {
		addr, err := p.Register.Wire()
		if err != nil {
			return nil, fmt.Errorf("point %s: %w", p.ID, err)
		}
		d := NewDecoder(p)
		count := d.Registers()
		table := config.Table(p.Register.Table)
		if table == config.Coils || table == config.DiscreteInputs {
			count = 1
		}
		fields[table] = append(fields[table], Field{Point: p.ID, Address: addr, Count: count})
		if p.Fault != nil {
			faddr, err := p.Fault.Register.Wire()
			if err != nil {
				return nil, fmt.Errorf("point %s fault register: %w", p.ID, err)
			}
			ft := config.Table(p.Fault.Register.Table)
			fields[ft] = append(fields[ft], Field{Point: p.ID, Address: faddr, Count: 1, Status: true})
		}
	}

	var blocks []Block
	for _, table := range []config.Table{config.Coils, config.DiscreteInputs, config.InputRegisters, config.HoldingRegisters} {
		limit := maxRegisters
		if table == config.Coils || table == config.DiscreteInputs {
			limit = maxBitsPerRead
		}
		blocks = append(blocks, mergeFields(table, fields[table], limit, maxGap)...)
	}
	return blocks, nil
}

func mergeFields(table config.Table, fields []Field, limit, maxGap int) []Block {
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].Address < fields[j].Address })
	var blocks []Block
	for _, f := range fields {
		end := uint32(f.Address) + uint32(f.Count)
		if n := len(blocks); n > 0 {
			b := &blocks[n-1]
			gap := int64(f.Address) - int64(b.End())
			newEnd := max(b.End(), end)
			if gap <= int64(maxGap) && newEnd-uint32(b.Start) <= uint32(limit) {
				b.Count = uint16(newEnd - uint32(b.Start))
				b.Fields = append(b.Fields, f)
				continue
			}
		}
		blocks = append(blocks, Block{Table: table, Start: f.Address, Count: f.Count, Fields: []Field{f}})
	}
	return blocks
}

// splitBlock returns one block per field of b, so that one missing
// address no longer costs the whole merged read.
func splitBlock(b Block) []Block {
	parts := make([]Block, 0, len(b.Fields))
	for _, f := range b.Fields {
		parts = append(parts, Block{Table: b.Table, Start: f.Address, Count: f.Count, Fields: []Field{f}})
	}
	return parts
}

// applySplits replaces blocks by their parts, keeping the order, so later
// polls read around the missing addresses.
// NOTE: a split lasts until the gateway restarts, even when the device's
// exception was transient; that costs requests, never values.
func applySplits(blocks []Block, splits map[int][]Block) []Block {
	if len(splits) == 0 {
		return blocks
	}
	out := make([]Block, 0, len(blocks)+len(splits))
	for i, b := range blocks {
		if parts, ok := splits[i]; ok {
			out = append(out, parts...)
			continue
		}
		out = append(out, b)
	}
	return out
}

// FormatPlan writes the reads of each device, one line per block, for
// `gatewayd --print-plan`, in the printer's language.
func FormatPlan(cfg *config.Config, pr *message.Printer) (string, error) {
	var b strings.Builder
	for _, dev := range cfg.Devices {
		for _, g := range pollGroups(dev, devicePoints(cfg, dev.Name)) {
			blocks, err := PlanDevice(g.points, dev.MaxRegisters, dev.MaxGap)
			if err != nil {
				return "", fmt.Errorf("device %s: %w", dev.Name, err)
			}
			b.WriteString(pr.Sprintf("%s (bus %s, unit %d, every %v, timeout %v): %d read(s)", dev.Name, dev.Bus, dev.Unit, g.period.D(), dev.Timeout.D(), len(blocks)))
			b.WriteString("\n")
			writeBlocks(&b, pr, blocks)
		}
	}
	for _, bus := range cfg.Buses {
		if bus.RTU != nil {
			load, err := busLoad(cfg, bus)
			if err != nil {
				return "", err
			}
			writeBusLoad(&b, pr, bus, load)
		}
	}
	return b.String(), nil
}

func writeBlocks(b *strings.Builder, pr *message.Printer, blocks []Block) {
	for _, blk := range blocks {
		var names []string
		for _, f := range blk.Fields {
			name := f.Point
			if f.Status {
				name += pr.Sprintf(" (status)")
			}
			names = append(names, name)
		}
		b.WriteString(pr.Sprintf("  %-8s start %5d (%s) count %3d  %s", string(blk.Table), blk.Start, reference(blk.Table, blk.Start),
			blk.Count, strings.Join(names, ", ")))
		b.WriteString("\n")
	}
}

// reference returns the 5- or 6-digit Modbus reference of a wire address,
// as device manuals print it: 30001 is input register 0.
func reference(table config.Table, addr uint16) string {
	digit := map[config.Table]int{config.Coils: 0, config.DiscreteInputs: 1, config.InputRegisters: 3, config.HoldingRegisters: 4}[table]
	if addr < 9999 {
		return fmt.Sprintf("%d%04d", digit, int(addr)+1)
	}
	return fmt.Sprintf("%d%05d", digit, int(addr)+1)
}

func devicePoints(cfg *config.Config, device string) []config.Point {
	var out []config.Point
	for _, p := range cfg.Points {
		if p.Device == device {
			out = append(out, p)
		}
	}
	return out
}

// pollGroup is the points of one device read at one period.
type pollGroup struct {
	period config.Duration
	points []config.Point
}

// pollGroups splits a device's points by poll period: the device's, or a
// point's own. Groups come in the order their first point appears.
func pollGroups(dev config.Device, points []config.Point) []pollGroup {
	var groups []pollGroup
	index := map[config.Duration]int{}
	for _, p := range points {
		period := dev.Poll
		if p.Poll != 0 {
			period = p.Poll
		}
		i, ok := index[period]
		if !ok {
			i = len(groups)
			index[period] = i
			groups = append(groups, pollGroup{period: period})
		}
		groups[i].points = append(groups[i].points, p)
	}
	return groups
}
