package main

import (
	"log/slog"

	"github.com/plantgw/plantgw/internal/memlimit"
)

// logMemoryLimit applies the Go soft memory limit and logs it, so an
// operator can tell whether GOMEMLIMIT took effect.
func logMemoryLimit(log *slog.Logger) {
	limit, src := memlimit.Apply()
	if memlimit.Unlimited(limit) {
		log.Info("go memory limit off", "source", src)
		return
	}
	log.Info("go memory limit set", "limit_mib", limit>>20, "source", src)
}
