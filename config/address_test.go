package config

import (
	"errors"
	"testing"
)

func TestRegisterWire(t *testing.T) {
	tests := []struct {
		table, address string
		want           uint16
		wantErr        bool
	}{
		{"input", "0", 0, false},
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
