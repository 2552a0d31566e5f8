package config

import (
	"strings"
	"testing"
	"time"
)

func TestBufferRetentionDefaults(t *testing.T) {
	cfg, err := parse(t, minimal)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Buffer.MaxAge.D() != 30*24*time.Hour {
		t.Errorf("max_age = %v, want 720h", cfg.Buffer.MaxAge.D())
	}
	if cfg.Buffer.MaxBytes != DefaultBufferMaxBytes {
		t.Errorf("max_bytes = %v, want %v", cfg.Buffer.MaxBytes, DefaultBufferMaxBytes)
	}
	if cfg.Buffer.MinFree != 100<<20 {
		t.Errorf("min_free = %v, want 100MiB", cfg.Buffer.MinFree)
	}
}

func TestBufferRetentionKeys(t *testing.T) {
	text := strings.Replace(minimal, "path: /tmp/x", "path: /tmp/x\n  max_bytes: 512MiB\n  max_age: 90d\n  min_free: 1GB", 1)
	cfg, err := parse(t, text)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Buffer.MaxBytes != 512<<20 {
		t.Errorf("max_bytes = %d, want %d", cfg.Buffer.MaxBytes, 512<<20)
	}
	if cfg.Buffer.MaxAge.D() != 90*24*time.Hour {
		t.Errorf("max_age = %v, want 2160h", cfg.Buffer.MaxAge.D())
	}
	if cfg.Buffer.MinFree != 1e9 {
		t.Errorf("min_free = %d, want 1e9", cfg.Buffer.MinFree)
	}
}

func TestBufferRetentionProblems(t *testing.T) {
	runReplaceCases(t, []replaceCase{
		{"max age under 30 days", "path: /tmp/x", "path: /tmp/x\n  max_age: 7d", 22,
			"buffer.max_age: 168h0m0s is under the 30 days of local history that regulation asks for; use 30d or more, or set buffer.allow_max_age_under_30_days: true"},
		{"budget too small", "path: /tmp/x", "path: /tmp/x\n  max_bytes: 1MiB", 22, "buffer.max_bytes: 1MiB is out of range; use 64MiB-"},
		{"bad size", "path: /tmp/x", "path: /tmp/x\n  max_bytes: lots", 22, `buffer.max_bytes: expected a size such as 2GiB, 512MiB or 100MB, got "lots"`},
	})
	text := strings.Replace(minimal, "path: /tmp/x", "path: /tmp/x\n  max_age: 7d\n  allow_max_age_under_30_days: true", 1)
	if _, err := parse(t, text); err != nil {
		t.Errorf("max_age 7d with the override: %v", err)
	}
}
