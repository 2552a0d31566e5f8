# plantgw build, test and demo targets. Run `make help` for the list.
GO      ?= go
BIN     := bin
DIST    := dist
CMDS    := gatewayd gwctl plantsim platformsim
LDFLAGS := -s -w
STATICCHECK_VERSION := v0.8.2

.PHONY: help build test test-unit test-32bit test-hw demo cross lint bench clean

help:
	@echo "make build    build $(CMDS) into $(BIN)/"
	@echo "make test     unit, integration and end-to-end tests, then the race detector (needs mosquitto, socat, gcc)"
	@echo "make test-32bit  buffer tests as 386 and, under qemu-arm-static if installed, as armv7 (part of make test)"
	@echo "make test-hw  hwtest-tagged tests in QEMU guests against real kernel drivers (HWTEST_ARCHES=amd64 for one; see docs/hwtest.md)"
	@echo "make demo     simulated plant + gateway + local platform (DEMO_SECONDS=N stops after N s)"
	@echo "make cross    static gatewayd for linux arm (GOARM=7), arm64 and amd64 into $(DIST)/"
	@echo "make lint     go vet and staticcheck"
	@echo "make bench    benchmarks with their baselines (see docs/benchmarks.md)"

build:
	@mkdir -p $(BIN)
	$(GO) build -trimpath -o $(BIN)/ $(addprefix ./cmd/,$(CMDS))

# The race detector runs on the packages with goroutines of their own; it
# needs cgo (gcc).
RACE_PKGS = ./drivers/... ./buffer/ ./uplink/ ./alarm/ ./gateway/ ./reporter/ ./board/ ./web/

# -p 1 runs one package at a time: the uplink's 180 000-record outage test
# passes alone in about 5 s but has stalled for minutes while the
# end-to-end package loaded the same 2 cores.
test:
	$(GO) test -p 1 -count=1 -timeout 20m ./...
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 10m $(RACE_PKGS)
	$(MAKE) test-32bit

# 32-bit builds keep the buffer in bbolt, 64-bit builds in Badger (see
# docs/buffer.md). 386 test binaries run natively on amd64; the armv7 run
# needs qemu-arm-static from the Debian package qemu-user-static.
test-32bit:
	GOARCH=386 $(GO) test -count=1 ./buffer/...
	GO=$(GO) ./scripts/test-armv7.sh

test-unit:
	$(GO) test -count=1 -short ./...

# The hwtest-tagged tests of drivers/serial and board/gpio run inside QEMU
# guests that boot Debian's kernel, against its 8250 UART driver and
# gpio-sim. docs/hwtest.md lists the packages it downloads and the cache.
HWTEST_ARCHES ?= amd64 arm64

test-hw:
	./scripts/hwtest/run.sh $(HWTEST_ARCHES)

demo: build
	./scripts/demo.sh

cross:
	@for target in arm:7 arm64: amd64:; do \
		arch=$${target%%:*}; arm=$${target#*:}; \
		out=$(DIST)/linux-$$arch$${arm:+v$$arm}; mkdir -p $$out; \
		CGO_ENABLED=0 GOOS=linux GOARCH=$$arch GOARM=$$arm $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out/ ./cmd/gatewayd ./cmd/gwctl || exit 1; \
		for b in gatewayd gwctl; do printf '%-22s %s bytes\n' "$$out/$$b" "$$(stat -c %s $$out/$$b)"; done; \
	done

# staticcheck is fetched from the module proxy at the pinned version.
lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

# Each benchmark runs beside its baseline in the same process, 5 times;
# docs/benchmarks.md records ratios, because this machine's absolute times
# vary. BenchmarkPollCycleRTU reports modelled RS-485 bus time per poll
# cycle (bus-ms-*/cycle), not a timing, so it prints no ns/op, and neither
# do the alarm latency benchmarks, which report percentiles in ns. The
# end-to-end ESD latency benchmark in scripts/bench runs plantsim, gatewayd
# and mosquitto 20 times in about 90 s, so it runs once, and so do the
# backlog benchmarks beside it, which drain 100 000 records through
# mosquitto and store 1 million records.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./drivers/modbus/ ./drivers/modbus/wire/ ./alarm/
	$(GO) test -run '^$$' -bench AppendDurable -count 5 ./buffer/
	$(GO) test -run '^$$' -bench . -count 1 -timeout 10m ./scripts/bench/

clean:
	rm -rf $(BIN) $(DIST) .demo
