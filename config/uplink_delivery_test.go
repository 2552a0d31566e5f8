package config

import (
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/locale"
)

// deliveryBlock adds keys to minimal's uplink section; the first key is
// on line 20. A case that also sets mqtt replaces the mqtt line instead,
// so its first key is on line 19.
func deliveryBlock(keys string) string {
	return strings.Replace(minimal, "  mqtt: {url: \"tcp://127.0.0.1:1883\"}\n", "  mqtt: {url: \"tcp://127.0.0.1:1883\"}\n"+keys, 1)
}

func TestDeliveryDefaults(t *testing.T) {
	cfg, cerr := parse(t, minimal)
	if cerr != nil {
		t.Fatalf("unexpected error:\n%s", english(cerr))
	}
	u := cfg.Uplink
	if u.Ack != AckPUBACK {
		t.Errorf("ack = %q, want %q", u.Ack, AckPUBACK)
	}
	if u.AckTimeout.D() != 30*time.Second {
		t.Errorf("ack_timeout = %v, want 30s", u.AckTimeout.D())
	}
	if u.AckWindow != DefaultAckWindow {
		t.Errorf("ack_window = %d, want %d", u.AckWindow, DefaultAckWindow)
	}
	if u.BacklogRate == nil || *u.BacklogRate != DefaultBacklogRate {
		t.Errorf("backlog_rate = %v, want %d", u.BacklogRate, DefaultBacklogRate)
	}
	if u.MaxMessageBytes != 256<<10 {
		t.Errorf("max_message_bytes = %v, want 256KiB", u.MaxMessageBytes)
	}
	if u.Compress != CompressNone {
		t.Errorf("compress = %q, want %q", u.Compress, CompressNone)
	}
}

func TestDeliveryKeysLoad(t *testing.T) {
	cfg, cerr := parse(t, deliveryBlock("  ack: platform\n  ack_timeout: 45s\n  ack_window: 5000\n  backlog_rate: 0\n  max_message_bytes: 64KiB\n  compress: gzip\n"))
	if cerr != nil {
		t.Fatalf("unexpected error:\n%s", english(cerr))
	}
	u := cfg.Uplink
	if u.Ack != AckPlatform || u.AckTimeout.D() != 45*time.Second || u.AckWindow != 5000 || u.Compress != CompressGzip {
		t.Errorf("uplink = %+v", u)
	}
	if u.BacklogRate == nil || *u.BacklogRate != 0 {
		t.Errorf("backlog_rate = %v, want 0 (unlimited) kept, not replaced by the default", u.BacklogRate)
	}
	if u.MaxMessageBytes != 64<<10 {
		t.Errorf("max_message_bytes = %v, want 64KiB", u.MaxMessageBytes)
	}
}

func TestDeliveryProblems(t *testing.T) {
	tests := []struct {
		name, keys, message string
		line                int
	}{
		{"unknown ack mode", "  ack: platfrom\n", `uplink.ack: "platfrom" is not one of puback, platform`, 20},
		{"ack timeout too short", "  ack_timeout: 100ms\n", "uplink.ack_timeout: 100ms is out of range; use 1s-10m0s", 20},
		{"ack window too small", "  ack_window: 10\n", "uplink.ack_window: 10 is out of range; use 100-200000", 20},
		{"ack window below max records", "  ack_window: 200\n  mqtt: {url: \"tcp://127.0.0.1:1883\", max_records: 500}\n",
			"uplink.ack_window: 200 is less than uplink.mqtt.max_records (500); raise ack_window or lower max_records", 19},
		{"negative backlog rate", "  backlog_rate: -5\n", "uplink.backlog_rate: -5 is out of range; use 0-100000", 20},
		{"message cap too small", "  max_message_bytes: 1KiB\n", "uplink.max_message_bytes: 1KiB is out of range; use 4KiB-16MiB", 20},
		{"message cap too large", "  max_message_bytes: 256MiB\n", "uplink.max_message_bytes: 256MiB is out of range; use 4KiB-16MiB", 20},
		{"unknown compression", "  compress: zstd\n", `uplink.compress: "zstd" is not one of none, gzip`, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := deliveryBlock(tt.keys)
			if strings.Contains(tt.keys, "  mqtt:") {
				text = strings.Replace(minimal, "  mqtt: {url: \"tcp://127.0.0.1:1883\"}\n", tt.keys, 1)
			}
			_, cerr := parse(t, text)
			if cerr == nil {
				t.Fatal("config loaded; want an error")
			}
			expectProblem(t, cerr, tt.message, tt.line)
		})
	}
}

func TestAckWindowProblemInChinese(t *testing.T) {
	_, cerr := parse(t, strings.Replace(minimal, "  mqtt: {url: \"tcp://127.0.0.1:1883\"}\n",
		"  ack_window: 200\n  mqtt: {url: \"tcp://127.0.0.1:1883\", max_records: 500}\n", 1))
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	want := "plant.yaml:19: uplink.ack_window: 200 小于 uplink.mqtt.max_records (500); 请调大 ack_window 或调小 max_records"
	if got := cerr.Render(locale.Printer("zh-CN")); !strings.Contains(got, want) {
		t.Errorf("Chinese rendering lacks %q:\n%s", want, got)
	}
}
