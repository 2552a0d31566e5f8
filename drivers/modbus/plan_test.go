package modbus

import (
	"testing"

	"github.com/plantgw/plantgw/config"
)

// point returns a point at a wire (0-based) address.
func point(id, table string, wire int, typ string) config.Point {
	return config.Point{ID: id, Register: config.Register{Table: table, WireAddr: &wire}, Type: typ, ByteOrder: "ABCD"}
}

func TestPlanMergesWithinGap(t *testing.T) {
	points := []config.Point{
		point("a", "holding", 0, "float32"),
		point("b", "holding", 12, "int16"),
		point("c", "holding", 30, "int16"),
		point("d", "input", 1, "int16"),
		point("e", "coil", 5, "bool"),
	}
	blocks, err := PlanDevice(points, 125, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, b := range blocks {
		got[b.String()] = true
	}
	for _, want := range []string{"coil 5+1", "input 1+1", "holding 0+13", "holding 30+1"} {
		if !got[want] {
			t.Errorf("plan lacks block %s; got %v", want, blocks)
		}
	}
	if len(blocks) != 4 {
		t.Errorf("blocks = %d, want 4: %v", len(blocks), blocks)
	}
}

func TestPlanRespectsMaxRegisters(t *testing.T) {
	points := []config.Point{point("a", "input", 0, "int16"), point("b", "input", 3, "int16")}
	blocks, err := PlanDevice(points, 2, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 2 {
		t.Errorf("blocks = %v, want two reads of one register", blocks)
	}
}

func TestPlanIncludesStatusRegister(t *testing.T) {
	p := point("gas", "input", 0, "int16")
	p.Fault = &config.Fault{Register: config.Register{Table: "input", Address: "30002"}, Mask: 3}
	blocks, err := PlanDevice([]config.Point{p}, 125, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 1 || blocks[0].Count != 2 || len(blocks[0].Fields) != 2 {
		t.Fatalf("blocks = %+v, want one read of 2 registers with value and status", blocks)
	}
}

func TestPlanCountsStringLength(t *testing.T) {
	firmware := point("fw", "holding", 100, config.TextType)
	length := 4
	firmware.Length = &length
	points := []config.Point{point("level", "holding", 96, "float32"), firmware, point("after", "holding", 104, "int16")}
	blocks, err := PlanDevice(points, 125, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 1 || blocks[0].String() != "holding 96+9" {
		t.Fatalf("blocks = %v, want one read holding 96+9", blocks)
	}
	for _, f := range blocks[0].Fields {
		if f.Point == "fw" && f.Count != 4 {
			t.Errorf("string field count = %d, want 4 registers", f.Count)
		}
	}
}
