package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plantgw/plantgw/internal/testenv"
	"github.com/plantgw/plantgw/locale"
)

// uplinkBlock replaces minimal's one-line uplink section with mqtt, which
// starts on line 20.
func uplinkBlock(mqtt string) string {
	return strings.Replace(minimal, "  mqtt: {url: \"tcp://127.0.0.1:1883\"}\n", "  mqtt:\n"+mqtt, 1)
}

func TestUplinkProblems(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	tests := []struct {
		name, mqtt, message string
		line                int
	}{
		{"TLS keys on a plain URL", "    url: tcp://127.0.0.1:1883\n    tls:\n      ca_file: /x/ca.pem\n", `uplink.mqtt.tls: TLS settings need an ssl:// or mqtts:// URL, but uplink.mqtt.url is "tcp://127.0.0.1:1883"`, 21},
		{"certificate without key", "    url: mqtts://127.0.0.1:8883\n    tls:\n      cert_file: " + notPEM + "\n", "uplink.mqtt.tls.cert_file: give both cert_file and key_file, or neither", 22},
		{"key without certificate", "    url: mqtts://127.0.0.1:8883\n    tls:\n      key_file: " + notPEM + "\n", "uplink.mqtt.tls.key_file: give both cert_file and key_file, or neither", 22},
		{"missing CA file", "    url: ssl://127.0.0.1:8883\n    tls:\n      ca_file: " + missing + "\n", "uplink.mqtt.tls.ca_file: cannot read the file: open " + missing, 22},
		{"CA file without certificate", "    url: ssl://127.0.0.1:8883\n    tls:\n      ca_file: " + notPEM + "\n", "uplink.mqtt.tls.ca_file: " + notPEM + " contains no PEM certificate", 22},
		{"unloadable client certificate", "    url: ssl://127.0.0.1:8883\n    tls:\n      cert_file: " + notPEM + "\n      key_file: " + notPEM + "\n", "uplink.mqtt.tls.cert_file: cannot load the client certificate and key", 22},
		{"password without username", "    url: ssl://127.0.0.1:8883\n    password: abc\n", "uplink.mqtt.password: a password needs a username; set uplink.mqtt.username", 21},
		{"password in the URL", "    url: mqtts://gw:abc@127.0.0.1:8883\n", "uplink.mqtt.url: the URL contains a user name or password; remove it", 20},
		{"heartbeat too short", "    url: tcp://127.0.0.1:1883\n    heartbeat: 1s\n", "uplink.mqtt.heartbeat: 1s is out of range; use 5s-1h0m0s", 21},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, cerr := parse(t, uplinkBlock(tt.mqtt))
			if cerr == nil {
				t.Fatal("config loaded; want an error")
			}
			expectProblem(t, cerr, tt.message, tt.line)
			if zh := cerr.Render(locale.Printer("zh-CN")); strings.Contains(zh, "need") || strings.Contains(zh, "cannot") {
				t.Errorf("Chinese rendering has English text:\n%s", zh)
			}
		})
	}
}

func TestUplinkTLSLoads(t *testing.T) {
	pki := testenv.NewPKI(t)
	text := uplinkBlock("    url: mqtts://platform.example.com:8883\n    username: gw-1\n    password: ${MQTT_PASSWORD}\n" +
		"    tls:\n      ca_file: " + pki.CAFile + "\n      cert_file: " + pki.ClientCertFile + "\n      key_file: " + pki.ClientKeyFile +
		"\n      server_name: broker.example.com\n")
	env := func(name string) (string, bool) {
		if name == "MQTT_PASSWORD" {
			return "from-the-environment", true
		}
		return "", false
	}
	cfg, err := Parse("plant.yaml", []byte(text), env)
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	m := cfg.Uplink.MQTT
	if m.Password != "from-the-environment" {
		t.Errorf("password = %q, want the environment variable's value", m.Password)
	}
	if m.TLS.CAFile != pki.CAFile || m.TLS.ServerName != "broker.example.com" || m.TLS.InsecureSkipVerify {
		t.Errorf("tls = %+v", m.TLS)
	}
	if m.Heartbeat.D() != time.Minute {
		t.Errorf("heartbeat = %v, want the 60s default", m.Heartbeat.D())
	}
}

func TestUplinkProblemInChinese(t *testing.T) {
	_, cerr := parse(t, uplinkBlock("    url: ssl://127.0.0.1:8883\n    password: abc\n"))
	if cerr == nil {
		t.Fatal("config loaded; want an error")
	}
	want := "plant.yaml:21: uplink.mqtt.password: 设置了密码就必须设置用户名; 请设置 uplink.mqtt.username"
	if got := cerr.Render(locale.Printer("zh-CN")); !strings.Contains(got, want) {
		t.Errorf("Chinese rendering lacks %q:\n%s", want, got)
	}
}
