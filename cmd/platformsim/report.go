package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

const reportFormat = "platformsim-report-v1"

// gatewayReport contains the counts of one gateway as written to --report
// and used by the summary lines.
type gatewayReport struct {
	GatewayID        string     `json:"gateway_id"`
	EnterpriseCode   string     `json:"enterprise_code"`
	Status           string     `json:"status"` // "online", "offline" or "unknown"
	StatusTS         string     `json:"status_ts,omitempty"`
	Messages         int64      `json:"messages"`
	Records          int64      `json:"records"`
	Samples          int64      `json:"samples"`
	Events           int64      `json:"events"`
	Alarms           int64      `json:"alarms"`
	Trips            int64      `json:"trips"`
	CommLosses       int64      `json:"comm_losses"`
	Faults           int64      `json:"faults"`
	Historical       int64      `json:"historical"`
	Duplicates       int64      `json:"duplicates"`
	Compressed       int64      `json:"compressed"` // valid messages with a gzip body
	Gaps             int64      `json:"gaps"`
	Invalid          int64      `json:"invalid"`
	MaxSeq           int64      `json:"max_seq"`
	Missing          []seqRange `json:"missing"`
	MissingTruncated bool       `json:"missing_truncated"`
	LastInvalidError string     `json:"last_invalid_error,omitempty"`
	Heartbeats       int64      `json:"heartbeats"`
	// Backlog is the records waiting in the gateway, from its latest
	// heartbeat; nil before the first heartbeat.
	Backlog *backlogReport `json:"backlog,omitempty"`

	// BulkParts counts bulk records, each seq once, and BulkBytes their
	// data. BulkObjects counts the objects seen by name, and BulkComplete
	// those whose every part arrived. BulkObjectsTruncated is set when
	// objects beyond maxBulkObjects were left out of the last two.
	BulkParts            int64 `json:"bulk_parts"`
	BulkBytes            int64 `json:"bulk_bytes"`
	BulkObjects          int64 `json:"bulk_objects"`
	BulkComplete         int64 `json:"bulk_complete"`
	BulkObjectsTruncated bool  `json:"bulk_objects_truncated"`
}

// backlogReport is a heartbeat's backlog per lane. Bulk is 0 when the
// heartbeat has no bulk count.
type backlogReport struct {
	Events    int64 `json:"events"`
	Telemetry int64 `json:"telemetry"`
	Bulk      int64 `json:"bulk"`
}

func newGatewayReport(g *gatewayStats) gatewayReport {
	status := g.status
	if status == "" {
		status = "unknown"
	}
	missing, truncated := g.seqs.missingRanges(maxMissingRanges)
	var backlog *backlogReport
	if hb := g.lastHeartbeat; hb != nil {
		backlog = &backlogReport{Events: hb.backlogEv, Telemetry: hb.backlogTel, Bulk: hb.backlogBulk}
	}
	return gatewayReport{
		GatewayID:        g.gatewayID,
		EnterpriseCode:   g.enterpriseCode,
		Status:           status,
		StatusTS:         g.statusTS,
		Messages:         g.messages,
		Records:          g.samples + g.events + g.bulk.parts,
		Samples:          g.samples,
		Events:           g.events,
		Alarms:           g.alarms,
		Trips:            g.trips,
		CommLosses:       g.commLosses,
		Faults:           g.faults,
		Historical:       g.historical,
		Duplicates:       g.duplicates,
		Compressed:       g.compressed,
		Gaps:             g.seqs.missingCount(),
		Invalid:          g.invalid,
		MaxSeq:           g.seqs.max(),
		Missing:          missing,
		MissingTruncated: truncated,
		LastInvalidError: g.lastInvalid,
		Heartbeats:       g.heartbeats,
		Backlog:          backlog,

		BulkParts:            g.bulk.parts,
		BulkBytes:            g.bulk.bytes,
		BulkObjects:          int64(len(g.bulk.objects)),
		BulkComplete:         g.bulk.complete,
		BulkObjectsTruncated: g.bulk.truncated,
	}
}

// report is the JSON document written by --report.
type report struct {
	Format             string                   `json:"format"`
	Listen             string                   `json:"listen"`
	TopicPrefix        string                   `json:"topic_prefix"`
	StartedAt          time.Time                `json:"started_at"`
	StoppedAt          time.Time                `json:"stopped_at"`
	OutputLinesDropped int64                    `json:"output_lines_dropped"`
	Gateways           map[string]gatewayReport `json:"gateways"`
}

// writeReport writes the report to a temporary file in the same directory
// and renames it over path, so that a script never reads half a report.
func writeReport(path string, r report) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	data = append(data, '\n')

	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("create report: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename

	// CreateTemp makes the file 0600. A report is not secret, and the
	// script that reads it may run as another user.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("chmod report %s: %w", tmp.Name(), err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write report %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("rename report to %s: %w", path, err)
	}
	return nil
}
