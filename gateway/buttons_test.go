package gateway

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plantgw/plantgw/board"
	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/record"
)

// press appends a command line to the simulated board's input file.
func press(t *testing.T, path, line string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(line + "\n"); err != nil {
		t.Fatal(err)
	}
}

func TestButtonsSilenceAndReset(t *testing.T) {
	slave, port := startGasSlave(t)
	dir := t.TempDir()
	cfg, err := config.Parse("test.yaml", fmt.Appendf(nil, gatewayYAML, port, testenv.FreePort(t), filepath.Join(dir, "buf")), nil)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	inputFile := filepath.Join(dir, "buttons")
	b, err := board.Open("sim", "", inputFile, log)
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var runErr error
	wg.Go(func() { runErr = Run(ctx, cfg, Options{Logger: log, Board: b, DrainTimeout: time.Second}) })
	defer func() {
		cancel()
		wg.Wait()
		if runErr != nil {
			t.Errorf("Run: %v", runErr)
		}
	}()

	testenv.WaitFor(t, 5*time.Second, "esd-1 released after the first scan", func() bool { return !b.State()["esd-1"] })
	slave.tenths.Store(450)
	testenv.WaitFor(t, 5*time.Second, "esd-1 tripped and horn sounding at 45 %LEL",
		func() bool { return b.State()["esd-1"] && b.State()["horn"] })

	press(t, inputFile, "silence")
	testenv.WaitFor(t, 5*time.Second, "horn silenced by the silence button", func() bool { return !b.State()["horn"] })

	// Reset while the gas is still high leaves the trip latched.
	press(t, inputFile, "reset")
	time.Sleep(500 * time.Millisecond)
	if !b.State()["esd-1"] {
		t.Fatal("reset released esd-1 while the gas was still at 45 %LEL")
	}

	slave.tenths.Store(10)
	time.Sleep(500 * time.Millisecond)
	press(t, inputFile, "acknowledge")
	press(t, inputFile, "reset")
	testenv.WaitFor(t, 5*time.Second, "esd-1 released by the reset button", func() bool { return !b.State()["esd-1"] })
}

func TestRunFailsOnAWatchdogThatIsNotOne(t *testing.T) {
	_, port := startGasSlave(t)
	dir := t.TempDir()
	notADevice := filepath.Join(dir, "watchdog")
	if err := os.WriteFile(notADevice, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(gatewayYAML, "board: {profile: sim}", fmt.Sprintf("board: {profile: sim, watchdog: %q}", notADevice), 1)
	cfg, err := config.Parse("test.yaml", fmt.Appendf(nil, text, port, testenv.FreePort(t), filepath.Join(dir, "buf")), nil)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := board.NewSim([]string{"horn", "esd-1"}, "", log)
	err = Run(context.Background(), cfg, Options{Logger: log, Board: b, DrainTimeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "set timeout of watchdog") {
		t.Fatalf("Run with a regular file as watchdog: err = %v, want the WDIOC_SETTIMEOUT failure", err)
	}
	for name, active := range b.State() {
		if !active {
			t.Errorf("%s energised after the failed start", name)
		}
	}
}

// TestLightningContactStored drives the lightning-warning
// input of the simulated board and finds the level changes in the buffer.
func TestLightningContactStored(t *testing.T) {
	_, port := startGasSlave(t)
	dir := t.TempDir()
	text := fmt.Sprintf(gatewayYAML, port, testenv.FreePort(t), filepath.Join(dir, "buf")) +
		"lightning: {contacts: {yellow: \"input:lightning-warning\"}}\n"
	cfg, err := config.Parse("test.yaml", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	inputFile := filepath.Join(dir, "buttons")
	b, err := board.Open("sim", "", inputFile, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	stop := runGateway(t, cfg, b)
	testenv.WaitFor(t, 5*time.Second, "esd-1 released after the first scan", func() bool { return !b.State()["esd-1"] })
	press(t, inputFile, "lightning-warning on")
	time.Sleep(300 * time.Millisecond)
	press(t, inputFile, "lightning-warning off")
	time.Sleep(300 * time.Millisecond)
	stop()

	var levels []string
	for _, e := range testenv.StoredEvents(t, filepath.Join(dir, "buf"), 0) {
		if e.Kind == record.LightningWarning {
			levels = append(levels, e.State)
		}
	}
	if strings.Join(levels, ",") != "yellow,none" {
		t.Fatalf("stored lightning levels %q, want yellow then none", levels)
	}
}
