package modbus

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
)

// assumedTurnaround is the device response time used by the bus-time
// model. It is an assumption, not a value measured or taken from a manual.
const assumedTurnaround = 5 * time.Millisecond

// modelBauds are the baud rates at which BenchmarkPollCycleRTU reports the
// bus time of one poll cycle.
var modelBauds = []int{9600, 115200}

// planOnePerField is the baseline planner: one read per point value and
// one per status word, in point order, with no sorting or merging. It
// resolves addresses and register counts as PlanDevice does. Its reads are
// those of a naive master, and those the gateway makes after it has split
// every block.
func planOnePerField(points []config.Point) ([]Block, error) {
	var blocks []Block
	for _, p := range points {
		addr, err := p.Register.Wire()
		if err != nil {
			return nil, fmt.Errorf("point %s: %w", p.ID, err)
		}
		count := NewDecoder(p).Registers()
		table := config.Table(p.Register.Table)
		if table == config.Coils || table == config.DiscreteInputs {
			count = 1
		}
		blocks = append(blocks, Block{Table: table, Start: addr, Count: count, Fields: []Field{{Point: p.ID, Address: addr, Count: count}}})
		if p.Fault != nil {
			faddr, err := p.Fault.Register.Wire()
			if err != nil {
				return nil, fmt.Errorf("point %s fault register: %w", p.ID, err)
			}
			status := Field{Point: p.ID, Address: faddr, Count: 1, Status: true}
			blocks = append(blocks, Block{Table: config.Table(p.Fault.Register.Table), Start: faddr, Count: 1, Fields: []Field{status}})
		}
	}
	return blocks, nil
}

// planner plans one poll group's points with a device's limits.
type planner func(points []config.Point, maxRegisters, maxGap int) ([]Block, error)

func planMerged(points []config.Point, maxRegisters, maxGap int) ([]Block, error) {
	return PlanDevice(points, maxRegisters, maxGap)
}

func planBaseline(points []config.Point, _, _ int) ([]Block, error) {
	return planOnePerField(points)
}

// pollGroupPlan is one poll group ready to plan: its points and the limits
// of its device.
type pollGroupPlan struct {
	points       []config.Point
	maxRegisters int
	maxGap       int
	// ownPeriod marks a group of points with their own poll period, which
	// differs from the device's.
	ownPeriod bool
}

// groupsOnBus returns the poll groups of every device of cfg on bus, or of
// every device when bus is empty, in the order NewPoller builds them.
func groupsOnBus(cfg *config.Config, bus string) []pollGroupPlan {
	var out []pollGroupPlan
	for _, dev := range cfg.Devices {
		if bus != "" && dev.Bus != bus {
			continue
		}
		for _, g := range pollGroups(dev, devicePoints(cfg, dev.Name)) {
			out = append(out, pollGroupPlan{points: g.points, maxRegisters: dev.MaxRegisters, maxGap: dev.MaxGap, ownPeriod: g.period != dev.Poll})
		}
	}
	return out
}

// planCycle plans every group and returns the reads made when each group
// is read once.
func planCycle(plan planner, groups []pollGroupPlan) ([]Block, error) {
	var cycle []Block
	for _, g := range groups {
		blocks, err := plan(g.points, g.maxRegisters, g.maxGap)
		if err != nil {
			return nil, err
		}
		cycle = append(cycle, blocks...)
	}
	return cycle, nil
}

// fieldCount returns the number of values and status words that blocks
// deliver.
func fieldCount(blocks []Block) int {
	n := 0
	for _, b := range blocks {
		n += len(b.Fields)
	}
	return n
}

// benchConfig parses a config whose site, uplink and buffer sections are
// fixed and whose buses and devices sections are given. No port is opened,
// because the config only feeds the planner.
func benchConfig(tb testing.TB, busesAndDevices string) *config.Config {
	tb.Helper()
	text := `site: {enterprise_code: "91320500MABENCH01X", gateway_id: gw-bench}
uplink: {mqtt: {url: "tcp://127.0.0.1:1883"}}
buffer: {path: bench-buffer}
` + busesAndDevices
	none := func(string) (string, bool) { return "", false }
	cfg, err := config.Parse("bench.yaml", []byte(text), none)
	if err != nil {
		tb.Fatalf("bench config: %v\n%s", err, text)
	}
	return cfg
}

// templateSuffixes are the points used of each built-in template: every
// point, including all 8 channels of the AI module.
var templateSuffixes = map[string][]string{
	"gas-detector-combustible": {"conc"},
	"gas-detector-toxic":       {"conc"},
	"radar-level":              {"level"},
	"ai-8ch-4-20ma":            {"ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7", "ch8"},
	"shutoff-valve":            {"open", "closed"},
}

// writeTemplateDevice writes one device of template as a YAML list item,
// with the platform codes that the config requires of every point.
func writeTemplateDevice(b *strings.Builder, name, bus string, unit int, template string) {
	fmt.Fprintf(b, "  - name: %s\n    bus: %s\n    unit: %d\n    template: %s\n    points:\n", name, bus, unit, template)
	for _, suffix := range templateSuffixes[template] {
		fmt.Fprintf(b, "      %s: {platform: {hazard_code: \"320500001001\", point_code: \"%s.%s\"}}\n", suffix, name, suffix)
	}
}

// templateFleetConfig returns 32 devices of the built-in templates on four
// RS-485 lines of 8: 8 combustible and 8 toxic gas detectors, 8 radar level
// transmitters, 4 fully used 8-channel AI modules and 4 shutoff valves.
func templateFleetConfig(tb testing.TB) *config.Config {
	tb.Helper()
	kinds := []struct {
		template string
		count    int
	}{
		{"gas-detector-combustible", 8},
		{"gas-detector-toxic", 8},
		{"radar-level", 8},
		{"ai-8ch-4-20ma", 4},
		{"shutoff-valve", 4},
	}
	var b strings.Builder
	b.WriteString("buses:\n")
	for line := 1; line <= 4; line++ {
		fmt.Fprintf(&b, "  - {name: rs485-%d, rtu: {port: ttyBENCH%d, baud: 9600, parity: even}}\n", line, line)
	}
	b.WriteString("devices:\n")
	n := 0
	for _, k := range kinds {
		for range k.count {
			writeTemplateDevice(&b, fmt.Sprintf("DEV-%02d", n+1), fmt.Sprintf("rs485-%d", n/8+1), n%8+1, k.template)
			n++
		}
	}
	return benchConfig(tb, b.String())
}

// gasAndAILineConfig returns one RS-485 line, 9600 baud 8E1, with 4
// combustible gas detectors and 4 fully used 8-channel AI modules.
func gasAndAILineConfig(tb testing.TB) *config.Config {
	tb.Helper()
	var b strings.Builder
	b.WriteString("buses:\n  - {name: rs485-1, rtu: {port: ttyBENCH, baud: 9600, parity: even}}\ndevices:\n")
	for unit := 1; unit <= 4; unit++ {
		writeTemplateDevice(&b, fmt.Sprintf("GT-%d", unit), "rs485-1", unit, "gas-detector-combustible")
	}
	for unit := 5; unit <= 8; unit++ {
		writeTemplateDevice(&b, fmt.Sprintf("AI-%d", unit), "rs485-1", unit, "ai-8ch-4-20ma")
	}
	return benchConfig(tb, b.String())
}

// scatteredPoints returns 500 points of one device at addresses spread
// over 5000 registers without overlap: a tenth coils, three tenths input
// registers, the rest holding registers, a third of them float32. The
// seed is fixed, so every run plans the same points.
func scatteredPoints() []config.Point {
	rng := rand.New(rand.NewPCG(1, 2))
	slots := rng.Perm(2500)
	points := make([]config.Point, 0, 500)
	for i := range 500 {
		table := "holding"
		switch {
		case i%10 == 0:
			table = "coil"
		case i%10 <= 3:
			table = "input"
		}
		typ := "int16"
		if table == "coil" {
			typ = "bool"
		} else if i%3 == 0 {
			typ = "float32"
		}
		points = append(points, point(fmt.Sprintf("p%03d", i), table, 2*slots[i], typ))
	}
	return points
}

// plannerCases are the device sets of BenchmarkPlanDevice and
// BenchmarkPlanBaseline.
func plannerCases(b *testing.B) []struct {
	name   string
	groups []pollGroupPlan
} {
	b.Helper()
	return []struct {
		name   string
		groups []pollGroupPlan
	}{
		{"32-template-devices", groupsOnBus(templateFleetConfig(b), "")},
		{"500-scattered-points", []pollGroupPlan{{points: scatteredPoints(), maxRegisters: config.DefaultMaxRegisters, maxGap: config.DefaultMaxGap}}},
	}
}

func benchmarkPlanner(b *testing.B, plan planner) {
	for _, c := range plannerCases(b) {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var cycle []Block
			for b.Loop() {
				var err error
				if cycle, err = planCycle(plan, c.groups); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(cycle)), "reads/plan")
		})
	}
}

// BenchmarkPlanDevice plans every poll group of a device set with
// PlanDevice, as NewPoller does when the gateway starts.
func BenchmarkPlanDevice(b *testing.B) { benchmarkPlanner(b, planMerged) }

// BenchmarkPlanBaseline plans the same device sets with planOnePerField,
// which resolves the same addresses but neither sorts nor merges: the
// floor that BenchmarkPlanDevice is compared with in docs/benchmarks.md.
func BenchmarkPlanBaseline(b *testing.B) { benchmarkPlanner(b, planBaseline) }

// BenchmarkPollCycleRTU reports the modelled bus time of one poll cycle of
// an RS-485 line, for the planned reads and for one read per field. A poll
// cycle reads every device once at its own poll period. Points with a poll
// period of their own, such as a firmware version read once a minute, are
// left out of it. The metrics come from RTULine's
// model with assumedTurnaround and the line's own character format. They
// are not timings, so ns/op is suppressed.
func BenchmarkPollCycleRTU(b *testing.B) {
	demo, err := config.Load("../../config/examples/demo.yaml")
	if err != nil {
		b.Fatal(err)
	}
	lines := []struct {
		name string
		cfg  *config.Config
		bus  string
	}{
		{"demo-rs485-1", demo, "rs485-1"},
		{"8-gas-and-ai", gasAndAILineConfig(b), "rs485-1"},
	}
	plans := []struct {
		name string
		plan planner
	}{
		{"planned", planMerged},
		{"per-field", planBaseline},
	}
	for _, l := range lines {
		rtu := busSettings(b, l.cfg, l.bus)
		groups := devicePeriodGroups(groupsOnBus(l.cfg, l.bus))
		for _, p := range plans {
			b.Run(l.name+"/"+p.name, func(b *testing.B) {
				var cycle []Block
				for b.Loop() {
					var err error
					if cycle, err = planCycle(p.plan, groups); err != nil {
						b.Fatal(err)
					}
				}
				reportCycle(b, rtu, cycle)
			})
		}
	}
}

// devicePeriodGroups returns the groups read at their device's poll
// period.
func devicePeriodGroups(groups []pollGroupPlan) []pollGroupPlan {
	var out []pollGroupPlan
	for _, g := range groups {
		if !g.ownPeriod {
			out = append(out, g)
		}
	}
	return out
}

// busSettings returns the RTU settings of the named bus of cfg.
func busSettings(b *testing.B, cfg *config.Config, name string) config.RTU {
	b.Helper()
	for _, bus := range cfg.Buses {
		if bus.Name == name && bus.RTU != nil {
			return *bus.RTU
		}
	}
	b.Fatalf("no RTU bus named %q", name)
	return config.RTU{}
}

// reportCycle reports the reads, frame bytes and modelled bus time of one
// poll cycle, and suppresses ns/op.
func reportCycle(b *testing.B, rtu config.RTU, cycle []Block) {
	bytes := 0
	for _, blk := range cycle {
		request, reply := RTUReadFrameBytes(blk)
		bytes += request + reply
	}
	b.ReportMetric(float64(len(cycle)), "requests/cycle")
	b.ReportMetric(float64(fieldCount(cycle)), "fields/cycle")
	b.ReportMetric(float64(bytes), "frame-bytes/cycle")
	for _, baud := range modelBauds {
		line := NewRTULine(rtu, baud, assumedTurnaround)
		ms := float64(line.CycleTime(cycle)) / float64(time.Millisecond)
		b.ReportMetric(ms, fmt.Sprintf("bus-ms-%dbaud/cycle", baud))
	}
	b.ReportMetric(0, "ns/op")
}
