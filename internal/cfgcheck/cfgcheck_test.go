package cfgcheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/plantgw/plantgw/config"
	"github.com/plantgw/plantgw/locale"
)

const demoConfig = "../../config/examples/demo.yaml"

// loadEdited loads the demo config with one text replaced, from a copy in
// a temporary directory.
var inputFileLine = regexp.MustCompile(`(?m)^  input_file: .*\n`)

func loadEdited(t *testing.T, old, replacement string) *config.Config {
	t.Helper()
	data, err := os.ReadFile(demoConfig)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.Contains(text, old) {
		t.Fatalf("demo config does not contain %q", old)
	}
	edited := strings.Replace(text, old, replacement, 1)
	if !strings.Contains(replacement, "profile: sim") && strings.Contains(replacement, "profile:") {
		// Only the sim board reads the demo's button file.
		edited = inputFileLine.ReplaceAllString(edited, "")
	}
	path := filepath.Join(t.TempDir(), "site.yaml")
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	// No environment: the demo's ${NAME:-default} references take their
	// defaults whatever the test's environment holds.
	cfg, err := config.Parse(path, []byte(edited), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return cfg
}

// lineOf returns the 1-based line of the first line of cfg's file that
// contains text.
func lineOf(t *testing.T, cfg *config.Config, text string) int {
	t.Helper()
	data, err := os.ReadFile(cfg.File)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, text) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", cfg.File, text)
	return 0
}

func TestBoardAcceptsDemoOnSimBoard(t *testing.T) {
	cfg := loadEdited(t, "profile: sim", "profile: sim")
	if problems := Board(cfg, locale.Printer("en")); len(problems) != 0 {
		t.Errorf("problems = %q, want none", problems)
	}
}

// On the generic GPIO profile, which has no esd-2, the check must name an
// interlock output the profile lacks, at the line of that output. The
// demo's interlocks name only esd-1 and fire-panel, both on the profile.
func TestBoardNamesOutputsMissingFromTheProfile(t *testing.T) {
	cfg := loadEdited(t, "  profile: sim\n", "  profile: generic-4do4di\n")
	if problems := Board(cfg, locale.Printer("en")); len(problems) != 0 {
		t.Fatalf("generic profile with the demo's outputs: problems %q", problems)
	}

	cfg = loadEdited(t, "{output: fire-panel}", "{output: esd-2}")
	cfg.Board.Profile = "generic-4do4di"
	problems := Board(cfg, locale.Printer("zh-CN"))
	if len(problems) != 1 {
		t.Fatalf("problems = %q, want one", problems)
	}
	wantPrefix := cfg.File + ":" + strconv.Itoa(lineOf(t, cfg, "{output: esd-2}")) + ": interlocks[0] (gas-esd).do[1].output"
	if !strings.HasPrefix(problems[0], wantPrefix) {
		t.Errorf("problem %q does not start with %q", problems[0], wantPrefix)
	}
	if !strings.Contains(problems[0], `板卡配置 generic-4do4di 没有输出 "esd-2"`) {
		t.Errorf("problem %q lacks the Chinese message", problems[0])
	}
}

func TestBoardNamesOutputsMissingFromTheSimBoard(t *testing.T) {
	cfg := loadEdited(t, "{output: fire-panel}", "{output: esd-3}")
	problems := Board(cfg, locale.Printer("en"))
	if len(problems) != 1 || !strings.Contains(problems[0], `board profile sim has no output "esd-3"`) {
		t.Errorf("problems = %q, want one naming esd-3", problems)
	}
}

func TestBoardReportsUnloadableProfileAtItsLine(t *testing.T) {
	cfg := loadEdited(t, "  profile: sim\n", "  profile: /nonexistent/board.yaml\n")
	problems := Board(cfg, locale.Printer("en"))
	want := cfg.File + ":" + strconv.Itoa(lineOf(t, cfg, "profile: /nonexistent/board.yaml")) + ": board profile /nonexistent/board.yaml"
	if len(problems) != 1 || !strings.HasPrefix(problems[0], want) {
		t.Errorf("problems = %q, want one starting with %q", problems, want)
	}
}

// At 1200 baud the demo's five detectors, each read every second, keep
// the line busy for most of each second.
func TestBusLoadWarnsAtTheBusLine(t *testing.T) {
	cfg := loadEdited(t, "baud: 9600", "baud: 1200")
	warnings, err := BusLoad(cfg, locale.Printer("en"))
	if err != nil {
		t.Fatal(err)
	}
	want := cfg.File + ":" + strconv.Itoa(lineOf(t, cfg, "baud: 1200")) + ": warning: bus rs485-1 is"
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0], want) {
		t.Errorf("warnings = %q, want one starting with %q", warnings, want)
	}

	cfg = loadEdited(t, "baud: 9600", "baud: 9600")
	if warnings, err := BusLoad(cfg, locale.Printer("en")); err != nil || len(warnings) != 0 {
		t.Errorf("demo at 9600 baud: warnings %q, err %v; want none", warnings, err)
	}
}

func TestWebWildcardWarning(t *testing.T) {
	cfg, err := config.Parse("gw.yaml", []byte(strings.Replace(webMinimal, "LISTEN", "0.0.0.0:8080", 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := Web(cfg, locale.Printer("en"))
	if len(got) != 1 || !strings.HasPrefix(got[0], "gw.yaml:7: web.listen: \"0.0.0.0:8080\" serves the local page on every interface") {
		t.Fatalf("warnings %q", got)
	}
	cfg, err = config.Parse("gw.yaml", []byte(strings.Replace(webMinimal, "LISTEN", "192.168.100.1:8080", 1)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := Web(cfg, locale.Printer("zh-CN")); len(got) != 0 {
		t.Fatalf("warnings for the maintenance address: %q", got)
	}
}

const webMinimal = `site: {enterprise_code: E1, gateway_id: gw-1}
buses: [{name: tcp-1, tcp: {address: "127.0.0.1:502"}}]
devices: [{name: D1, bus: tcp-1, unit: 1}]
points: [{id: P1, device: D1, register: {table: input, address: "30001"}, type: int16, platform: {hazard_code: H1, point_code: C1}}]
uplink: {mqtt: {url: "tcp://127.0.0.1:1883"}}
buffer: {path: /tmp/x}
web: {listen: "LISTEN"}
`
