package main

import (
	"context"
	"log/slog"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// Base values of the plant in normal operation.
const (
	gasBaseLEL      = 0.5    // GT-101..GT-104, %LEL
	h2sBasePPM      = 0.2    // AT-201, ppm
	levelBaseT301   = 5000.0 // LT-301, mm
	levelBaseT302   = 3000.0 // LT-302, mm
	tempBaseCelsius = -3.5   // TT-301
	pressureBaseMPa = 0.35   // PT-401
	pressureSpanMPa = 1.6    // PT-401 range 0–1.6 MPa over 4–20 mA
)

// Process constants. Times are simulated seconds.
const (
	gasFullScaleLEL    = 100.0
	h2sFullScalePPM    = 100.0
	overfillTopMM      = 9600.0
	fillRateMMPerS     = (overfillTopMM - levelBaseT301) / overfillFillEnd
	drainRateMMPerS    = 100.0 // LT-301 returns to base at this rate after overfill
	valveStrokeSeconds = 6.0
	loopFaultMicroamps = 2500
	tempDriftPeriod    = 600.0 // TT-301 drift period, s
	tickInterval       = 50 * time.Millisecond
	maxSubstepSeconds  = 0.05
)

// Noise amplitudes at --noise 1. Each reading gets a uniform draw in
// ±amplitude×noise, and TT-301 also drifts by ±tempDriftCelsius×noise.
const (
	gasNoiseLEL      = 0.2
	h2sNoisePPM      = 0.1
	levelNoiseMM     = 2.0
	tempNoiseCelsius = 0.05
	tempDriftCelsius = 0.3
	pressureNoiseMPa = 0.002
)

// detectorReading is the concentration and status word of one gas detector.
type detectorReading struct {
	conc   float64
	status uint16
}

// valveReading is the command coil and limit switches of one shutoff valve.
type valveReading struct {
	command, open, closed bool
}

// readings is the plant as its instruments show it at one moment, noise included.
type readings struct {
	scenario     string
	gas          [4]detectorReading // GT-101..GT-104, %LEL
	h2s          detectorReading    // AT-201, ppm
	level        [2]float64         // LT-301, LT-302, mm
	temp         float64            // TT-301, °C
	pressure     float64            // PT-401, MPa
	ai0Microamps int16              // AI-401 channel 0, µA
	valves       [2]valveReading    // XV-101, XV-102
	gt103Silent  bool
}

// registerChange is a new value of a gas detector's concentration register
// and the wall time at which the plant started to serve it.
type registerChange struct {
	Time time.Time `json:"time"`
	Conc float64   `json:"conc"` // the register's value in %LEL
}

// registerChangesKept is how many changes of each concentration register
// the plant keeps. On a ramp the register changes at every 50 ms tick, so
// 8 changes span two writes of the state file.
const registerChangesKept = 8

// valve is a shutoff valve that travels between its limits in valveStrokeSeconds.
type valve struct {
	command  bool    // true = open
	position float64 // 0 = closed, 1 = open
}

// valveSnap absorbs the rounding error of summing substeps, so that a
// valve reaches its limit after exactly valveStrokeSeconds.
const valveSnap = 1e-9

func (v *valve) move(seconds float64) {
	step := seconds / valveStrokeSeconds
	if v.command {
		v.position += step
	} else {
		v.position -= step
	}
	if v.position > 1-valveSnap {
		v.position = 1
	}
	if v.position < valveSnap {
		v.position = 0
	}
}

func (v *valve) reading() valveReading {
	return valveReading{command: v.command, open: v.position >= 1, closed: v.position <= 0}
}

// plant is the simulated tank farm. All methods are safe for concurrent use.
type plant struct {
	logger   *slog.Logger
	noise    float64
	schedule schedule

	mu        sync.Mutex
	rng       *rand.Rand
	simTime   float64
	stepIndex int
	tankLevel [2]float64 // true levels of T-301 and T-302 without noise, mm
	valves    [2]valve
	current   readings
	// gasChanges lists the last changes of GT-101..GT-104's concentration
	// registers, oldest first.
	gasChanges [4][]registerChange
}

func newPlant(sched schedule, noise float64, seed uint64, logger *slog.Logger) *plant {
	p := &plant{
		logger:    logger,
		noise:     noise,
		schedule:  sched,
		rng:       rand.New(rand.NewPCG(seed, 0)),
		stepIndex: -1,
		tankLevel: [2]float64{levelBaseT301, levelBaseT302},
		valves:    [2]valve{{command: true, position: 1}, {command: true, position: 1}},
	}
	p.advanceTo(0)
	return p
}

// run advances simulated time with the wall clock, scaled by speed, until
// ctx is done.
func (p *plant) run(ctx context.Context, speed float64) {
	start := time.Now()
	ticker := time.NewTicker(tickInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-ticker.C:
			p.advanceTo(now.Sub(start).Seconds() * speed)
		}
	}
}

// advanceTo integrates the process up to simulated time target and updates
// the readings. Substeps end at every scenario boundary, so a phase such as
// the 30 s fill of overfill lasts exactly its length however the clock ticks.
func (p *plant) advanceTo(target float64) {
	p.mu.Lock()
	defer p.mu.Unlock()

	for p.simTime < target {
		next := min(target, p.simTime+maxSubstepSeconds, p.schedule.nextBoundary(p.simTime))
		p.integrate(p.simTime, next)
		p.simTime = next
	}
	p.updateReadings()
}

// integrate moves the valves and tank levels over [t0, t1], during which
// the scenario's effects are constant.
func (p *plant) integrate(t0, t1 float64) {
	_, sc, since := p.schedule.at(t0)
	e := sc.effects(since)
	h := t1 - t0

	inletBefore := p.valves[0].position
	for i := range p.valves {
		p.valves[i].move(h)
	}
	inlet := (inletBefore + p.valves[0].position) / 2

	switch {
	case e.filling:
		p.tankLevel[0] = math.Min(overfillTopMM, p.tankLevel[0]+fillRateMMPerS*inlet*h)
	case e.holdLevel:
		// LT-301 stays where it is.
	default:
		p.tankLevel[0] = approach(p.tankLevel[0], levelBaseT301, drainRateMMPerS*h)
	}
	p.tankLevel[1] = approach(p.tankLevel[1], levelBaseT302, drainRateMMPerS*h)
}

// approach moves v toward target by at most maxStep.
func approach(v, target, maxStep float64) float64 {
	if v > target {
		return math.Max(target, v-maxStep)
	}
	return math.Min(target, v+maxStep)
}

// jitter returns a uniform noise sample in ±amplitude×noise. It draws
// nothing from the RNG when noise is 0.
func (p *plant) jitter(amplitude float64) float64 {
	if p.noise == 0 {
		return 0
	}
	return p.noise * amplitude * (2*p.rng.Float64() - 1)
}

func (p *plant) updateReadings() {
	index, sc, since := p.schedule.at(p.simTime)
	if index != p.stepIndex {
		p.stepIndex = index
		p.logger.Info("scenario started", "scenario", sc.name, "sim_seconds", math.Round(p.simTime*10)/10)
	}
	e := sc.effects(since)

	r := readings{scenario: sc.name, gt103Silent: e.gt103Silent}
	for i := range r.gas {
		conc := gasBaseLEL
		if i == 1 && e.leak {
			conc = e.leakLEL
		}
		r.gas[i] = newDetectorReading(math.Max(0, conc+p.jitter(gasNoiseLEL)), gasFullScaleLEL)
	}
	if e.loopFault {
		r.gas[3].status |= statusLoopFault
	}
	p.recordGasChanges(&r, time.Now())
	r.h2s = newDetectorReading(math.Max(0, h2sBasePPM+p.jitter(h2sNoisePPM)), h2sFullScalePPM)

	for i := range r.level {
		r.level[i] = p.tankLevel[i] + p.jitter(levelNoiseMM)
	}
	drift := p.noise * tempDriftCelsius * math.Sin(2*math.Pi*p.simTime/tempDriftPeriod)
	r.temp = tempBaseCelsius + drift + p.jitter(tempNoiseCelsius)

	r.pressure = pressureBaseMPa + p.jitter(pressureNoiseMPa)
	r.ai0Microamps = pressureToMicroamps(r.pressure)
	if e.loopFault {
		r.ai0Microamps = loopFaultMicroamps
	}

	for i := range p.valves {
		r.valves[i] = p.valves[i].reading()
	}
	p.current = r
}

// recordGasChanges adds a change for each detector whose concentration
// register differs between p.current and r, the readings about to replace
// it. It makes a new slice for each change, because snapshots share the
// old ones.
func (p *plant) recordGasChanges(r *readings, now time.Time) {
	for i := range r.gas {
		served := gasRegisters(r.gas[i], encodeTenthsInt16(r.gas[i].conc))[0]
		before := gasRegisters(p.current.gas[i], encodeTenthsInt16(p.current.gas[i].conc))[0]
		changes := p.gasChanges[i]
		if served == before && changes != nil {
			continue
		}
		kept := changes[max(0, len(changes)-registerChangesKept+1):]
		next := make([]registerChange, 0, registerChangesKept)
		next = append(next, kept...)
		p.gasChanges[i] = append(next, registerChange{Time: now, Conc: float64(int16(served)) / 10})
	}
}

func newDetectorReading(conc, fullScale float64) detectorReading {
	d := detectorReading{conc: conc}
	if conc > fullScale {
		d.status |= statusOverRange
	}
	return d
}

// snapshot returns the current readings.
func (p *plant) snapshot() readings {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.current
}

// snapshotWithChanges returns the current readings and the register
// changes kept, taken together.
func (p *plant) snapshotWithChanges() (readings, [4][]registerChange) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.current, p.gasChanges
}

// device returns the unit at address unit on bus, and false when the bus
// has no such unit.
func (p *plant) device(bus busID, unit byte) (device, bool) {
	if _, ok := p.image(bus, unit); !ok {
		return nil, false
	}
	return plantDevice{plant: p, bus: bus, unit: unit}, true
}

// image returns the data tables of one unit as they are now.
func (p *plant) image(bus busID, unit byte) (registerImage, bool) {
	r := p.snapshot()
	if bus == rtuBus {
		return rtuImage(&r, unit)
	}
	return tcpImage(&r, unit)
}

// silent reports whether a unit currently sends no replies at all.
func (p *plant) silent(bus busID, unit byte) bool {
	return bus == rtuBus && unit == 3 && p.snapshot().gt103Silent
}

// writeCoils sets coils of a unit. Only the command coil 0 of XV-101 and
// XV-102 exists, so any other address gets exception 02.
func (p *plant) writeCoils(bus busID, unit byte, addr uint16, values []bool) error {
	index, ok := valveIndex(bus, unit)
	if !ok || addr != 0 || len(values) != 1 {
		return exIllegalDataAddress
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.valves[index].command != values[0] {
		p.logger.Info("valve command changed", "valve", valveTags[index], "open", values[0])
	}
	p.valves[index].command = values[0]
	p.current.valves[index] = p.valves[index].reading()
	return nil
}

// Point tags in register order.
var (
	gasTags   = [4]string{"GT-101", "GT-102", "GT-103", "GT-104"}
	levelTags = [2]string{"LT-301", "LT-302"}
	valveTags = [2]string{"XV-101", "XV-102"}
)
