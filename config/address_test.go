package config

import (
	"errors"
	"testing"
)

func intPtr(v int) *int { return &v }

func TestRegisterConventions(t *testing.T) {
	tests := []struct {
		reg     Register
		want    uint16
		wantErr bool
	}{
		{Register{Table: "input", WireAddr: intPtr(0)}, 0, false},
		{Register{Table: "input", WireAddr: intPtr(65535)}, 65535, false},
		{Register{Table: "input", WireAddr: intPtr(65536)}, 0, true},
		{Register{Table: "input", Number: intPtr(1)}, 0, false},
		{Register{Table: "holding", Number: intPtr(100)}, 99, false},
		{Register{Table: "input", Number: intPtr(0)}, 0, true},
		{Register{Table: "input"}, 0, true},
		{Register{Table: "input", Address: "30001", WireAddr: intPtr(0)}, 0, true},
	}
	for _, tt := range tests {
		got, err := tt.reg.Wire()
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("Wire(%+v) = %d, %v; want %d, error %v", tt.reg, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestRegisterReferences(t *testing.T) {
	tests := []struct {
		table, address string
		want           uint16
		wantErr        bool
	}{
		{"input", "0", 0, true},
		{"input", "30001", 0, false},
		{"input", "300001", 0, false},
		{"holding", "40010", 9, false},
		{"holding", "465536", 65535, false},
		{"coil", "00001", 0, false},
		{"discrete", "10002", 1, false},
		{"input", "30000", 0, true},
		{"input", "40001", 0, true},
		{"input", "2x", 0, true},
		{"input", "1234567", 0, true},
		{"input", "", 0, true},
	}
	for _, tt := range tests {
		got, err := Register{Table: tt.table, Address: tt.address}.Wire()
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("Wire(%s %s) = %d, %v; want %d, error %v", tt.table, tt.address, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestTableMismatchCorrection(t *testing.T) {
	_, err := Register{Table: "holding", Address: "300005"}.Wire()
	var m *TableMismatch
	if !errors.As(err, &m) {
		t.Fatalf("error = %v, want *TableMismatch", err)
	}
	if got := m.Corrected(); got != "400005" {
		t.Errorf("Corrected() = %q, want 400005", got)
	}
}
