# shellcheck shell=bash
# Shared settings and helpers of the hardware-test scripts. Sourced by the
# other scripts in this folder; it runs nothing on its own.

# HWTEST_CACHE contains everything downloaded or slow to build: the apt package
# lists and .deb files, and gpio-sim.ko per kernel version. It lives outside
# the repository, so that fresh clones (as on CI) reuse it.
HWTEST_CACHE="${HWTEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/plantgw-hwtest}"

# HWTEST_START is the run's start in seconds since the epoch; log lines show
# the time elapsed since then.
HWTEST_START="${HWTEST_START:-$(date +%s.%N)}"
export HWTEST_CACHE HWTEST_START

# log prints a progress line with the seconds elapsed since the run started.
log() {
	local now
	now=$(date +%s.%N)
	printf '[%6.1fs] %s\n' "$(awk -v a="$now" -v b="$HWTEST_START" 'BEGIN { print a - b }')" "$*"
}

# die prints an error line and ends the script with status 1.
die() {
	log "error: $*" >&2
	exit 1
}

# apt_private runs an apt command with package lists and downloaded files
# kept in the cache. It reads the host's apt sources but never changes the
# host's package lists or its dpkg architectures, and it adds the lists of
# the guest architectures (APT::Architectures) so that their kernels can be
# downloaded.
apt_private() {
	local cmd=$1
	shift
	local opts=(
		-o "Dir::State::Lists=$HWTEST_CACHE/apt/lists"
		-o "Dir::Cache=$HWTEST_CACHE/apt/cache"
		-o "APT::Architectures::=amd64"
		-o "APT::Architectures::=arm64"
	)
	mkdir -p "$HWTEST_CACHE/apt/lists/partial" "$HWTEST_CACHE/apt/cache/archives/partial"
	DEBIAN_FRONTEND=noninteractive "$cmd" "${opts[@]}" "$@"
}

# guest_settings sets the per-architecture variables for guest architecture
# $1 (a Debian architecture name).
# shellcheck disable=SC2034 # the scripts that source this file read them
guest_settings() {
	case $1 in
	amd64)
		GOARCH=amd64
		KERNEL_FLAVOUR=amd64
		QEMU=qemu-system-x86_64
		QEMU_PACKAGE=qemu-system-x86
		CROSS_COMPILE=
		# The kernel console is the first UART; the test UART is the second.
		CONSOLE=ttyS0
		GUEST_SERIAL=/dev/ttyS1
		;;
	arm64)
		GOARCH=arm64
		KERNEL_FLAVOUR=arm64
		QEMU=qemu-system-aarch64
		QEMU_PACKAGE=qemu-system-arm
		CROSS_COMPILE=aarch64-linux-gnu-
		# The virt machine's console is its PL011; the test UART is a PCI
		# 16550, which the 8250_pci driver names ttyS0.
		CONSOLE=ttyAMA0
		GUEST_SERIAL=/dev/ttyS0
		;;
	*)
		die "unsupported architecture '$1': use amd64 or arm64"
		;;
	esac
}
