package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/text/message"

	"github.com/plantgw/plantgw/alarm"
	"github.com/plantgw/plantgw/buffer"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/record"
)

// clearSource is the source of the reset events that ClearLatches stores.
// The uplink protocol has no value for a local command, and local_ui, an
// operator at the gateway, is the closest of its four values.
const clearSource = record.SourceLocalUI

// ClearedLatches is the result of ClearLatches: the latches removed from the
// buffer and the reset events stored in their place.
type ClearedLatches struct {
	// Latches are the saved latches as they were before the removal.
	Latches alarm.Latches
	// Events are the stored alarm_reset and trip_reset events, one per
	// latch of a point or interlock in the config.
	Events []record.Event
	// NotInConfig names latches of points, alarm levels or interlocks that
	// the config no longer has. They were removed without an event,
	// because the platform codes and outputs of such a latch are unknown.
	NotInConfig []string
	// Unreadable is set when the saved latches could not be decoded. They
	// were removed without events.
	Unreadable bool
}

// ClearLatches removes the latched alarms and trips that the gateway keeps
// in the buffer at cfg.Buffer.Path, and stores one alarm_reset or
// trip_reset event for the next upload per removed latch whose point or
// interlock the config still has. The gateway must be stopped: while it
// runs, ClearLatches returns buffer.ErrLocked. A missing buffer directory
// is returned as os.ErrNotExist and not created.
//
// The events are stored before the latches are removed, so a crash in
// between keeps the latches and a second run stores the events again.
func ClearLatches(cfg *config.Config, log *slog.Logger) (ClearedLatches, error) {
	path := cfg.Buffer.Path
	if _, err := os.Stat(path); err != nil {
		return ClearedLatches{}, fmt.Errorf("buffer %s: %w", path, err)
	}
	buf, err := buffer.Open(buffer.Options{Path: path, Logger: log})
	if err != nil {
		return ClearedLatches{}, err
	}
	useClockSource(cfg.Site.Clock, log)
	cleared, err := clearLatches(cfg, buf)
	return cleared, errors.Join(err, buf.Close())
}

func clearLatches(cfg *config.Config, buf *buffer.Buffer) (ClearedLatches, error) {
	var out ClearedLatches
	data, err := buf.GetMeta(latchesKey)
	if err != nil || data == nil {
		return out, err
	}
	if err := json.Unmarshal(data, &out.Latches); err != nil {
		out.Unreadable = true
		return out, buf.DeleteMeta(latchesKey)
	}
	if alarms, trips := out.Latches.Count(); alarms+trips == 0 {
		return out, nil
	}

	now, synced := wallClock()
	out.Events, out.NotInConfig = latchResetEvents(cfg, out.Latches, now, synced)
	if len(out.Events) > 0 {
		entries := make([]buffer.Entry, len(out.Events))
		for i, e := range out.Events {
			entries[i] = buffer.Entry{Lane: buffer.Events, Payload: record.EncodeEvent(e)}
		}
		if _, err := buf.Append(entries); err != nil {
			return out, fmt.Errorf("store reset events: %w", err)
		}
	}
	return out, buf.DeleteMeta(latchesKey)
}

// latchResetEvents builds the reset event of each latch in l whose point
// and level, or interlock, the config has, and names the other latches in
// notInConfig.
func latchResetEvents(cfg *config.Config, l alarm.Latches, now time.Time, synced bool) (events []record.Event, notInConfig []string) {
	points := make(map[string]*config.Point, len(cfg.Points))
	for i := range cfg.Points {
		points[cfg.Points[i].ID] = &cfg.Points[i]
	}
	for _, id := range sortedPoints(l.Alarms) {
		for _, level := range l.Alarms[id] {
			pt, ok := points[id]
			if !ok || !config.HasAlarm(pt, string(level)) {
				notInConfig = append(notInConfig, id+" "+string(level))
				continue
			}
			events = append(events, record.Event{Kind: record.AlarmReset, Time: now, ClockSynced: synced, Point: id, Level: level,
				Source: clearSource, Text: fmt.Sprintf("%s %s alarm latch cleared with gatewayd --clear-latches", id, level)})
		}
	}

	interlocks := make(map[string]*config.Interlock, len(cfg.Interlocks))
	for i := range cfg.Interlocks {
		interlocks[cfg.Interlocks[i].Name] = &cfg.Interlocks[i]
	}
	for _, name := range l.Trips {
		il, ok := interlocks[name]
		if !ok {
			notInConfig = append(notInConfig, name)
			continue
		}
		outputs := make([]string, 0, len(il.Do))
		for _, effect := range il.Do {
			outputs = append(outputs, effect.Output)
		}
		events = append(events, record.Event{Kind: record.TripReset, Time: now, ClockSynced: synced, Output: strings.Join(outputs, ","),
			Interlock: name, Level: record.Level(il.When.Alarm), Source: clearSource,
			Text: fmt.Sprintf("interlock %s trip cleared with gatewayd --clear-latches", name)})
	}
	return events, notInConfig
}

// Report returns the lines that tell the installer what was cleared, in
// pr's language, ending with what happens at the next start.
func (c ClearedLatches) Report(pr *message.Printer, bufferPath string) []string {
	var lines []string
	if c.Unreadable {
		return []string{pr.Sprintf("the saved latches in buffer %s were unreadable and have been removed; no reset events were stored", bufferPath),
			pr.Sprintf("At the next start every alarm is evaluated fresh: an alarm whose condition is still met latches again and trips its interlocks again.")}
	}
	alarms, trips := c.Latches.Count()
	if alarms+trips == 0 {
		return []string{pr.Sprintf("buffer %s contains no latched alarms or trips; nothing was changed", bufferPath)}
	}

	for _, e := range c.Events {
		switch e.Kind {
		case record.AlarmReset:
			lines = append(lines, pr.Sprintf("cleared latched alarm %s %s", e.Point, levelName(pr, e.Level)))
		case record.TripReset:
			lines = append(lines, pr.Sprintf("cleared tripped interlock %s (outputs %s)", e.Interlock, e.Output))
		}
	}
	for _, name := range c.NotInConfig {
		lines = append(lines, pr.Sprintf("cleared latch %s, which the config no longer has; no reset event stored", name))
	}
	lines = append(lines,
		pr.Sprintf("cleared %d latched alarms and %d tripped interlocks; %d reset events stored in buffer %s go to the platform at the next upload",
			alarms, trips, len(c.Events), bufferPath),
		pr.Sprintf("At the next start every alarm is evaluated fresh: an alarm whose condition is still met latches again and trips its interlocks again."))
	return lines
}
