package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"time"
)

// stateInterval is how often --state-file is rewritten.
const stateInterval = 200 * time.Millisecond

// stateDocument returns the --state-file content: the values the instruments
// show, in engineering units, keyed by point name, and the last changes of
// the gas detectors' concentration registers.
func stateDocument(r readings, gasChanges [4][]registerChange) map[string]any {
	doc := map[string]any{"scenario": r.scenario}
	for i, tag := range gasTags {
		doc[tag+".conc"] = round4(r.gas[i].conc)
		doc[tag+".status"] = r.gas[i].status
		doc[tag+".conc_changes"] = gasChanges[i]
	}
	doc["AT-201.conc"] = round4(r.h2s.conc)
	doc["AT-201.status"] = r.h2s.status
	for i, tag := range levelTags {
		doc[tag+".level"] = round4(r.level[i])
	}
	doc["TT-301.temp"] = round4(r.temp)
	doc["PT-401.pressure"] = round4(r.pressure)
	doc["AI-401.ch0_ua"] = r.ai0Microamps
	for i, tag := range valveTags {
		doc[tag+".open"] = r.valves[i].open
		doc[tag+".closed"] = r.valves[i].closed
		doc[tag+".command"] = r.valves[i].command
	}
	return doc
}

// round4 rounds to 4 decimals, well below every register's resolution, so
// that 0.35 is written as 0.35 and not as 0.35000000000000003.
func round4(v float64) float64 {
	return math.Round(v*1e4) / 1e4
}

// writeStateFile writes doc to path atomically: a reader sees either the old
// or the new file, never a partial one.
func writeStateFile(path string, doc map[string]any) error {
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	data = append(data, '\n')

	temp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	_, err = temp.Write(data)
	if closeErr := temp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		os.Remove(temp.Name())
		return fmt.Errorf("write %s: %w", temp.Name(), err)
	}
	if err := os.Rename(temp.Name(), path); err != nil {
		os.Remove(temp.Name())
		return fmt.Errorf("rename to %s: %w", path, err)
	}
	return nil
}

// runStateWriter rewrites the state file every stateInterval until ctx is
// done. It logs the first failure and the recovery, not every repeat.
func runStateWriter(ctx context.Context, path string, p *plant, logger *slog.Logger) {
	ticker := time.NewTicker(stateInterval)
	defer ticker.Stop()
	failing := false
	for {
		err := writeStateFile(path, stateDocument(p.snapshotWithChanges()))
		switch {
		case err != nil && !failing:
			logger.Error("state file write failed; retrying every 200ms", "path", path, "error", err)
		case err == nil && failing:
			logger.Info("state file write recovered", "path", path)
		}
		failing = err != nil

		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
