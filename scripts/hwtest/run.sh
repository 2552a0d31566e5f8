#!/usr/bin/env bash
# Run the hardware tests (files with the build tag hwtest) inside QEMU
# guests that boot a stock Debian kernel, so that drivers/serial meets the
# real 8250 UART driver and board/gpio the real GPIO character device of
# gpio-sim. docs/hwtest.md describes what runs where and the limits.
#
# Usage: scripts/hwtest/run.sh [ARCH...]     (default: amd64 arm64)
#
# Environment:
#   HWTEST_CACHE       cache of packages and built modules
#                      (default: $XDG_CACHE_HOME/plantgw-hwtest or ~/.cache/plantgw-hwtest)
#   HWTEST_WORK        scratch files and guest console logs (default: .hwtest in the repository)
#   HWTEST_RUN         go test -run pattern inside the guest (default: ^TestHW)
#   HWTEST_TIMEOUT     seconds one guest may run before it is stopped (default: 300)
#   HWTEST_APT_UPDATE  1 refreshes the cached apt lists even when they are less than a day old
#
# Exits 0 when every package passed on every architecture, 1 otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

arches=("$@")
((${#arches[@]})) || arches=(amd64 arm64)
work="${HWTEST_WORK:-$repo/.hwtest}"
run_pattern="${HWTEST_RUN:-^TestHW}"
guest_timeout="${HWTEST_TIMEOUT:-300}"
# The packages with hwtest-tagged tests, relative to the repository.
packages=(drivers/serial board/gpio)

[[ $run_pattern != *[[:space:]]* ]] || die "HWTEST_RUN must not contain spaces: it is passed on the kernel command line"
for arch in "${arches[@]}"; do
	guest_settings "$arch"
done

# refresh_apt_lists downloads the package lists into the cache when they
# are missing, older than a day or HWTEST_APT_UPDATE=1.
refresh_apt_lists() {
	local stamp="$HWTEST_CACHE/apt/updated"
	if [[ -f $stamp && -z $(find "$stamp" -mmin +1440) && ${HWTEST_APT_UPDATE:-0} != 1 ]]; then
		return
	fi
	log "refreshing the apt package lists in $HWTEST_CACHE/apt"
	apt_private apt-get update -qq 2>&1 | grep -v unsandboxed || true
	apt_private apt-cache show busybox-static >/dev/null 2>&1 ||
		die "apt-get update failed; check the host's apt sources and its access to the mirrors"
	touch "$stamp"
}

# install_host_tools installs the host programs the run needs. It installs
# only as root; other users get the apt-get command to run.
install_host_tools() {
	local missing=() arch
	command -v go >/dev/null || die "go is missing: install Go and put it on PATH"
	command -v make >/dev/null || missing+=(make)
	command -v cpio >/dev/null || missing+=(cpio)
	command -v xz >/dev/null || missing+=(xz-utils)
	for arch in "${arches[@]}"; do
		guest_settings "$arch"
		command -v "$QEMU" >/dev/null || missing+=("$QEMU_PACKAGE")
		# Debian built the bookworm kernels with gcc-12, and the module
		# must use the same compiler.
		command -v "${CROSS_COMPILE}gcc-12" >/dev/null || missing+=("gcc-12${CROSS_COMPILE:+-${CROSS_COMPILE%-}}")
	done
	((${#missing[@]})) || return 0
	if ((EUID != 0)); then
		die "missing host packages; install them with: sudo apt-get install ${missing[*]}"
	fi
	log "installing host packages: ${missing[*]}"
	apt_private apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build_tests compiles the hwtest-tagged tests of every package for GOARCH
# into $1, with the list "packages" that guest-init.sh reads.
build_tests() {
	local dir=$1 package binary
	rm -rf "$dir"
	mkdir -p "$dir"
	for package in "${packages[@]}"; do
		binary="${package//\//-}.test"
		(cd "$repo" && CGO_ENABLED=0 GOOS=linux GOARCH=$GOARCH go test -c -tags hwtest \
			-trimpath -ldflags='-s -w' -o "$dir/$binary" "./$package") ||
			die "go test -c failed for $package (GOARCH=$GOARCH)"
		echo "$binary $package" >>"$dir/packages"
	done
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on.
free_port() {
	local port
	for _ in $(seq 50); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	die "found no free TCP port on 127.0.0.1"
}

# boot_guest boots the guest of $arch from the files in $1 and writes its
# console to $1/console.log. QEMU has no network card (-nic none). Its only
# socket is the test UART on 127.0.0.1, served by uartpeer.
boot_guest() {
	local dir=$1 port qemu_args status peer
	port=$(free_port)
	qemu_args=(-nodefaults -display none -no-reboot -nic none -m 512 -smp 2
		-kernel "$dir/vmlinuz" -initrd "$dir/initramfs.cpio.gz"
		-append "console=$CONSOLE quiet panic=-1 HWTEST_SERIAL=$GUEST_SERIAL HWTEST_RUN=$run_pattern"
		-serial "file:$dir/console.log")
	case $arch in
	amd64)
		qemu_args+=(-accel tcg -cpu max -serial "tcp:127.0.0.1:$port,server=on,wait=off")
		;;
	arm64)
		# shellcheck disable=SC2054 # the commas belong to QEMU option values
		qemu_args+=(-M virt -cpu cortex-a57 -accel tcg
			-chardev "socket,id=uart,host=127.0.0.1,port=$port,server=on,wait=off"
			-device pci-serial,chardev=uart)
		;;
	esac

	log "$arch: booting $QEMU (software emulation, at most ${guest_timeout}s)"
	"$work/uartpeer" -addr "127.0.0.1:$port" 2>"$dir/uartpeer.log" &
	peer=$!
	status=0
	touch "$dir/console.log"
	timeout "$guest_timeout" "$QEMU" "${qemu_args[@]}" >"$dir/qemu.log" 2>&1 || status=$?
	# uartpeer ends when QEMU closes the socket. Give it 2 s to log its byte
	# count, then stop it, because it may still wait for a QEMU that never
	# listened.
	for _ in $(seq 20); do
		kill -0 "$peer" 2>/dev/null || break
		sleep 0.1
	done
	kill "$peer" 2>/dev/null || true
	wait "$peer" 2>/dev/null || true
	tr -d '\r' <"$dir/console.log" >"$dir/console.txt"
	if ((status == 124)); then
		log "$arch: the guest did not power off within ${guest_timeout}s and was stopped; on a slow host raise HWTEST_TIMEOUT"
	elif ((status != 0)); then
		log "$arch: $QEMU exited with status $status: $(tail -n 3 "$dir/qemu.log")"
	fi
	log "$arch: $(tail -n 1 "$dir/uartpeer.log" 2>/dev/null)"
}

# Packages that passed and failed, summed over the architectures.
passed_count=0
failed_count=0

# report_results prints one line per package from the console in $1 and
# returns 1 when a package failed or printed no result.
report_results() {
	local dir=$1 package result failed=0 tests
	for package in "${packages[@]}"; do
		result=$(sed -n "s|^HWTEST-RESULT $package \([A-Z]*\)\$|\1|p" "$dir/console.txt")
		# Top-level test results of this package: the lines between its
		# "running" line and its result line.
		tests=$(sed -n "\|^hwtest: running $package\$|,\|^HWTEST-RESULT $package |p" "$dir/console.txt")
		case $result in
		PASS)
			passed_count=$((passed_count + 1))
			log "$arch $package PASS ($(grep -c '^--- PASS' <<<"$tests") tests)"
			;;
		FAIL)
			failed_count=$((failed_count + 1))
			log "$arch $package FAIL: $(grep '^--- FAIL' <<<"$tests" | awk '{ print $3 }' | paste -sd ' ')"
			failed=1
			;;
		*)
			failed_count=$((failed_count + 1))
			log "$arch $package FAIL: no result line; the guest stopped before the test ended"
			failed=1
			;;
		esac
	done
	if ((failed)); then
		log "$arch: guest console follows (also in $dir/console.txt)"
		sed -n '/^hwtest: guest kernel/,$p' "$dir/console.txt" | tail -n 200
	fi
	return "$failed"
}

# test_arch prepares and boots the guest of one architecture.
test_arch() {
	local arch=$1 dir="$work/$1" release
	guest_settings "$arch"
	mkdir -p "$dir"
	# Errors stop the whole run here: without a guest no test can run.
	release=$("$here/fetch-packages.sh" "$arch" | tail -n 1) ||
		die "$arch: fetching the Debian packages failed (see the message above)"
	log "$arch: guest kernel $release"
	"$here/build-gpiosim.sh" "$arch" "$release" ||
		die "$arch: building gpio-sim.ko failed (see the message above)"
	build_tests "$dir/tests"
	"$here/make-initramfs.sh" "$arch" "$release" "$dir/tests" "$dir" ||
		die "$arch: building the initramfs failed (see the message above)"
	rm -f "$dir/console.log"
	boot_guest "$dir"
	report_results "$dir"
}

log "hardware tests for ${arches[*]}; cache $HWTEST_CACHE"
refresh_apt_lists
install_host_tools
mkdir -p "$work"
(cd "$repo" && go build -o "$work/uartpeer" ./scripts/hwtest/uartpeer) || die "building uartpeer failed"

failed=()
for arch in "${arches[@]}"; do
	test_arch "$arch" || failed+=("$arch")
done
elapsed=$(awk -v a="$(date +%s.%N)" -v b="$HWTEST_START" 'BEGIN { printf "%.0f", a - b }')
echo "hwtest: $passed_count passed, $failed_count failed"
if ((${#failed[@]})); then
	log "hardware tests FAILED on ${failed[*]} after ${elapsed}s"
	exit 1
fi
log "hardware tests passed on ${arches[*]} in ${elapsed}s"
