package e2e

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/drivers/modbus"
	"github.com/plantgw/plantgw/internal/testenv"
)

// TestRTUThroughSocat reads plantsim over a serial line that socat makes
// from two linked pseudo-terminals, the way a USB-RS485 adapter and a
// device sit on either end of a cable.
func TestRTUThroughSocat(t *testing.T) {
	socat, err := exec.LookPath("socat")
	if err != nil {
		if testing.Short() {
			t.Skip("socat not installed")
		}
		t.Fatal("socat not installed: run apt-get install socat (.ci/run does)")
	}
	bins := buildBinaries(t)
	dir := t.TempDir()
	devEnd, gwEnd := filepath.Join(dir, "device"), filepath.Join(dir, "gateway")
	start(t, dir, "socat", nil, socat, "pty,raw,echo=0,link="+devEnd, "pty,raw,echo=0,link="+gwEnd)
	testenv.WaitFor(t, 5*time.Second, "socat pty links", func() bool {
		_, errA := os.Stat(devEnd)
		_, errB := os.Stat(gwEnd)
		return errA == nil && errB == nil
	})
	start(t, dir, "plantsim", nil, filepath.Join(bins, "plantsim"), "--tcp", "", "--rtu", devEnd, "--noise", "0",
		"--print-every", "0", "--lang", "en")

	conn, err := modbus.Dial(config.Bus{Name: "socat", Timeout: config.Duration(500 * time.Millisecond),
		RTU: &config.RTU{Port: gwEnd, Baud: 9600, Parity: "none", DataBits: 8, StopBits: 1}}, nil, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	var regs []uint16
	testenv.WaitFor(t, 10*time.Second, "GT-101 to reply over socat", func() bool {
		regs, err = conn.ReadRegisters(ctx, 1, config.InputRegisters, 0, 2)
		return err == nil
	})
	// GT-101 in the normal scenario without noise: 0.5 %LEL ×10, status 0.
	if len(regs) != 2 || regs[0] != 5 || regs[1] != 0 {
		t.Errorf("GT-101 registers = %v, want [5 0]", regs)
	}
	bits, err := conn.ReadBits(ctx, 5, config.DiscreteInputs, 0, 2)
	if err == nil {
		t.Errorf("unit 5 on RTU is the H2S detector, which has no discrete inputs; got %v", bits)
	}
	h2s, err := conn.ReadRegisters(ctx, 5, config.InputRegisters, 0, 1)
	if err != nil || len(h2s) != 1 || h2s[0] != 2 {
		t.Errorf("AT-201 register = %v, %v; want [2] (0.2 ppm ×10)", h2s, err)
	}
}
