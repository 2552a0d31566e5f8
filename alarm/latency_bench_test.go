package alarm_test

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// The latency benchmarks feed a 200-point site to the engine: 120
// combustible gas detectors with al1 20 and al2 40 %LEL, 80 level
// transmitters with H 8500 and HH 9000 mm, and 10 interlocks. Interlocks 1
// to 6 trip esd-1 to esd-6 on 2oo4 detectors at al2, and interlocks 7 to 10
// trip esd-7 to esd-10 on 1oo2 transmitters at HH.
const (
	benchGasPoints   = 120
	benchLevelPoints = 80
	benchGasGroups   = 6 // 4 detectors each, voted 2oo4
	benchLevelGroups = 4 // 2 transmitters each, voted 1oo2
)

func benchGasID(i int) string   { return fmt.Sprintf("GT-%03d.conc", i) }
func benchLevelID(i int) string { return fmt.Sprintf("LT-%03d.level", i) }

// benchOutputNames lists the board's outputs in name order, as a board's
// Names returns them.
func benchOutputNames() []string {
	names := []string{alarm.Beacon, alarm.FaultLamp, alarm.Horn}
	for i := 1; i <= benchGasGroups+benchLevelGroups; i++ {
		names = append(names, fmt.Sprintf("esd-%d", i))
	}
	slices.Sort(names)
	return names
}

func benchConfig() *config.Config {
	h, hh := 8500.0, 9000.0
	cfg := &config.Config{}
	for i := range benchGasPoints {
		cfg.Points = append(cfg.Points, config.Point{ID: benchGasID(i), Unit: "%LEL",
			Gas: &config.Gas{Kind: "combustible", AL1: 20, AL2: 40, Deadband: 1}})
	}
	for i := range benchLevelPoints {
		cfg.Points = append(cfg.Points, config.Point{ID: benchLevelID(i), Unit: "mm",
			Limits: &config.Limits{H: &h, HH: &hh, Deadband: 50}})
	}
	for g := range benchGasGroups {
		var points []string
		for k := range 4 {
			points = append(points, benchGasID(4*g+k))
		}
		cfg.Interlocks = append(cfg.Interlocks, config.Interlock{Name: fmt.Sprintf("gas-esd-%d", g+1),
			When: config.When{Alarm: "al2", Points: points, Vote: "2oo4"},
			Do:   []config.Effect{{Output: fmt.Sprintf("esd-%d", g+1)}}})
	}
	for g := range benchLevelGroups {
		cfg.Interlocks = append(cfg.Interlocks, config.Interlock{Name: fmt.Sprintf("overfill-%d", g+1),
			When: config.When{Alarm: "hh", Points: []string{benchLevelID(2 * g), benchLevelID(2*g + 1)}, Vote: "1oo2"},
			Do:   []config.Effect{{Output: fmt.Sprintf("esd-%d", benchGasGroups+g+1)}}})
	}
	return cfg
}

// benchSample is a decoded good reading, stamped now as a poller stamps it.
func benchSample(point string, v float64) record.Sample {
	return record.Sample{Point: point, Value: v, Quality: record.Good, Time: time.Now(), ClockSynced: true}
}

// fakeBoard keeps output states in memory, as a board driver's shadow
// registers would, and does nothing else.
type fakeBoard struct {
	names    []string
	active   map[string]bool
	patterns map[string]alarm.Pattern
}

func newFakeBoard(names []string) *fakeBoard {
	return &fakeBoard{names: names, active: map[string]bool{}, patterns: map[string]alarm.Pattern{}}
}

func (f *fakeBoard) Names() []string { return f.names }

func (f *fakeBoard) Set(name string, active bool) error {
	f.active[name] = active
	return nil
}

func (f *fakeBoard) SetPattern(name string, p alarm.Pattern) error {
	f.patterns[name] = p
	return nil
}

// stampedOutputs passes every call to the board under test and records
// when Set of the watched output returned.
type stampedOutputs struct {
	board    alarm.Outputs
	watched  string
	returned time.Time
}

func (s *stampedOutputs) Names() []string { return s.board.Names() }

func (s *stampedOutputs) Set(name string, active bool) error {
	err := s.board.Set(name, active)
	if name == s.watched {
		s.returned = time.Now()
	}
	return err
}

func (s *stampedOutputs) SetPattern(name string, p alarm.Pattern) error {
	if pb, ok := s.board.(alarm.Patterned); ok {
		return pb.SetPattern(name, p)
	}
	return nil
}

// latencyEngine is what the benchmark loop drives: the alarm engine or the
// baseline.
type latencyEngine interface {
	Process(record.Sample)
	Reset(string, record.Source) (int, error)
}

// thresholdEngine is the baseline: one set point per point in a map, one
// output per point, and a Set call when the point crosses its set point.
// It has no levels, latches, votes, events or horn logic.
type thresholdEngine struct {
	outputs  alarm.Outputs
	limit    map[string]float64
	outputOf map[string]string
	active   map[string]bool
}

func newThresholdEngine(outputs alarm.Outputs) *thresholdEngine {
	e := &thresholdEngine{outputs: outputs, limit: map[string]float64{}, outputOf: map[string]string{}, active: map[string]bool{}}
	for i := range benchGasPoints {
		e.limit[benchGasID(i)] = 20
		e.outputOf[benchGasID(i)] = alarm.Horn
	}
	for i := range benchLevelPoints {
		e.limit[benchLevelID(i)] = 9000
		e.outputOf[benchLevelID(i)] = fmt.Sprintf("esd-%d", benchGasGroups+i/2%benchLevelGroups+1)
	}
	for g := range benchGasGroups {
		for k := range 4 {
			e.limit[benchGasID(4*g+k)] = 40
			e.outputOf[benchGasID(4*g+k)] = fmt.Sprintf("esd-%d", g+1)
		}
	}
	return e
}

func (e *thresholdEngine) Process(s record.Sample) {
	active := s.Value >= e.limit[s.Point]
	if active == e.active[s.Point] {
		return
	}
	e.active[s.Point] = active
	_ = e.outputs.Set(e.outputOf[s.Point], active)
}

// Reset does nothing: the baseline does not latch, so a sample back inside
// the set point already cleared its output.
func (e *thresholdEngine) Reset(string, record.Source) (int, error) { return 0, nil }

// flip is one sample that changes an output, with the samples that set the
// stage before it and end it after it. Setup and teardown are not timed.
type flip struct {
	setup, teardown []record.Sample
	sample          record.Sample
	output          string
}

// nextFlip returns the j-th flip. It cycles through three kinds: a level 1
// gas alarm that sounds the horn, the second of four detectors past al2
// that trips a 2oo4 interlock, and a transmitter past HH that trips a
// 1oo2 interlock and sounds the horn. forBaseline leaves out the first
// detector of the 2oo4 case, because the baseline has no votes.
func nextFlip(j int, forBaseline bool) flip {
	switch j % 3 {
	case 0:
		// Detectors from 24 up are in no interlock.
		id := benchGasID(4*benchGasGroups + j/3%(benchGasPoints-4*benchGasGroups))
		return flip{sample: benchSample(id, 25), output: alarm.Horn, teardown: []record.Sample{benchSample(id, 0.5)}}
	case 1:
		g := j / 3 % benchGasGroups
		first, second := benchGasID(4*g), benchGasID(4*g+1)
		f := flip{sample: benchSample(second, 45), output: fmt.Sprintf("esd-%d", g+1),
			teardown: []record.Sample{benchSample(first, 0.5), benchSample(second, 0.5)}}
		if !forBaseline {
			f.setup = []record.Sample{benchSample(first, 45)}
		}
		return f
	default:
		g := j / 3 % benchLevelGroups
		id := benchLevelID(2*g + j/3%2)
		return flip{sample: benchSample(id, 9100), output: fmt.Sprintf("esd-%d", benchGasGroups+g+1),
			teardown: []record.Sample{benchSample(id, 5000)}}
	}
}

// quietSample returns a normal reading of a random point: no alarm, no
// output change.
func quietSample(rng *rand.Rand) record.Sample {
	i := rng.IntN(benchGasPoints + benchLevelPoints)
	if i < benchGasPoints {
		return benchSample(benchGasID(i), 0.5+0.2*rng.Float64())
	}
	return benchSample(benchLevelID(i-benchGasPoints), 5000+4*rng.Float64())
}

// runLatency alternates a quiet sample and a flip. It times each flip from
// the call to Process until Set of the flipped output returns, and each
// quiet sample until Process returns, and reports their percentiles in ns.
// ns/op is suppressed because every op also contains untimed setup,
// teardown and Reset work.
func runLatency(b *testing.B, out *stampedOutputs, e latencyEngine, forBaseline bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	flips := make([]time.Duration, 0, b.N/2+1)
	quiet := make([]time.Duration, 0, b.N/2+1)
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			s := quietSample(rng)
			start := time.Now()
			e.Process(s)
			quiet = append(quiet, time.Since(start))
			continue
		}
		f := nextFlip(i/2, forBaseline)
		for _, s := range f.setup {
			e.Process(s)
		}
		out.watched, out.returned = f.output, time.Time{}
		start := time.Now()
		e.Process(f.sample)
		if out.returned.IsZero() {
			b.Fatalf("sample %s = %v did not change output %s", f.sample.Point, f.sample.Value, f.output)
		}
		flips = append(flips, out.returned.Sub(start))
		out.watched = ""
		for _, s := range f.teardown {
			e.Process(s)
		}
		if _, err := e.Reset("", record.SourceLocalButton); err != nil {
			b.Fatal(err)
		}
	}
	reportPercentiles(b, "flip", flips)
	reportPercentiles(b, "quiet", quiet)
	b.ReportMetric(0, "ns/op")
}

func reportPercentiles(b *testing.B, name string, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(q float64) float64 { return float64(d[int(q*float64(len(d)-1))]) }
	b.ReportMetric(at(0.50), name+"-p50-ns")
	b.ReportMetric(at(0.99), name+"-p99-ns")
	b.ReportMetric(float64(d[len(d)-1]), name+"-max-ns")
}

// benchSite is the board the engine drives in one benchmark and the
// event sink the engine reports to.
type benchSite struct {
	name  string
	setup func(b *testing.B) (alarm.Outputs, alarm.EventSink)
}

func discardEvents(record.Event) {}

// benchSites are the fake board, the simulated board with its log
// discarded, and the simulated board with its log lines, and the line the
// gateway logs for each event, written to a file, as gatewayd writes them
// to its stderr.
var benchSites = []benchSite{
	{"fake-board", func(*testing.B) (alarm.Outputs, alarm.EventSink) {
		return newFakeBoard(benchOutputNames()), discardEvents
	}},
	{"sim-board", func(*testing.B) (alarm.Outputs, alarm.EventSink) {
		return board.NewSim(benchOutputNames(), "", slog.New(slog.DiscardHandler)), discardEvents
	}},
	{"sim-board-file-log", func(b *testing.B) (alarm.Outputs, alarm.EventSink) {
		f, err := os.Create(filepath.Join(b.TempDir(), "gatewayd.log"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { f.Close() })
		log := slog.New(slog.NewTextHandler(f, nil))
		// The attributes gateway.(*Gateway).event logs with each event.
		sink := func(e record.Event) {
			log.Info(e.Text, "event", string(e.Kind), "source", string(e.Source), "point", e.Point, "output", e.Output)
		}
		return board.NewSim(benchOutputNames(), "", log.With("component", "board")), sink
	}},
}

// BenchmarkProcessLatency measures the alarm engine from a decoded sample
// handed to Process until the board's Set of the output it changes
// returns. BenchmarkProcessLatencyBaseline is the same loop with
// thresholdEngine.
func BenchmarkProcessLatency(b *testing.B) {
	for _, site := range benchSites {
		b.Run(site.name, func(b *testing.B) {
			board, sink := site.setup(b)
			out := &stampedOutputs{board: board}
			e, err := alarm.New(benchConfig(), out, sink, func() (time.Time, bool) { return time.Now(), true })
			if err != nil {
				b.Fatal(err)
			}
			// One reading of every point arms the engine and releases the
			// outputs.
			for i := range benchGasPoints {
				e.Process(benchSample(benchGasID(i), 0.5))
			}
			for i := range benchLevelPoints {
				e.Process(benchSample(benchLevelID(i), 5000))
			}
			runLatency(b, out, e, false)
		})
	}
}

func BenchmarkProcessLatencyBaseline(b *testing.B) {
	for _, site := range benchSites {
		b.Run(site.name, func(b *testing.B) {
			board, _ := site.setup(b)
			out := &stampedOutputs{board: board}
			for _, n := range out.Names() {
				_ = out.Set(n, false)
			}
			runLatency(b, out, newThresholdEngine(out), true)
		})
	}
}
