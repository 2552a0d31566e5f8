#!/usr/bin/env bash
# Runs the buffer tests as an armv7 (GOARCH=arm GOARM=7) binary under
# qemu-user, since 32-bit builds keep the buffer in bbolt instead of Badger.
# Skips with a message when qemu-arm-static (Debian package
# qemu-user-static) is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

qemu="$(command -v qemu-arm-static || true)"
if [ -z "$qemu" ]; then
	echo "test-armv7: skipped, qemu-arm-static not found (apt-get install qemu-user-static)"
	exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 GOOS=linux GOARCH=arm GOARM=7 "${GO:-go}" test -c -o "$tmp/buffer.test" ./buffer
echo "test-armv7: running buffer tests under $(basename "$qemu")"
cd buffer
"$qemu" "$tmp/buffer.test" -test.count=1 -test.timeout=10m "$@"
