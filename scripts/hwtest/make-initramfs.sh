#!/usr/bin/env bash
# Build the guest's initramfs: busybox, configfs.ko, gpio-sim.ko, the init
# script and the test binaries. Also copy the kernel image next to it.
#
# Usage: make-initramfs.sh ARCH RELEASE TESTS_DIR OUT_DIR
#
# TESTS_DIR contains the test binaries and the list "packages" of
# "<binary> <package>" lines. OUT_DIR receives initramfs.cpio.gz and vmlinuz.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

usage="usage: make-initramfs.sh ARCH RELEASE TESTS_DIR OUT_DIR"
arch=${1:?$usage}
release=${2:?$usage}
tests=${3:?$usage}
out=${4:?$usage}
debs="$HWTEST_CACHE/debs"

# The kernel image and the files taken from it are unpacked once per
# kernel release.
kernel="$HWTEST_CACHE/kernels/$release"
if [[ ! -f $kernel/vmlinuz ]]; then
	images=("$debs/linux-image-${release}_"*"_$arch.deb")
	[[ -f ${images[0]} ]] || die "linux-image-$release is not in $debs; run fetch-packages.sh $arch first"
	unpacked=$(mktemp -d "${TMPDIR:-/tmp}/hwtest-kernel.XXXXXX")
	dpkg-deb -x "${images[-1]}" "$unpacked"
	mkdir -p "$kernel"
	configfs=$(find "$unpacked/lib/modules" -name 'configfs.ko*' | head -n 1)
	case $configfs in
	*.xz) xz -dc "$configfs" >"$kernel/configfs.ko" ;;
	*.zst) zstd -qdc "$configfs" >"$kernel/configfs.ko" ;;
	?*) cp "$configfs" "$kernel/configfs.ko" ;;
	esac
	cp "$unpacked/boot/vmlinuz-$release" "$kernel/vmlinuz.tmp"
	mv "$kernel/vmlinuz.tmp" "$kernel/vmlinuz"
	rm -rf "$unpacked"
fi

busyboxes=("$debs/busybox-static_"*"_$arch.deb")
[[ -f ${busyboxes[0]} ]] || die "busybox-static:$arch is not in $debs; run fetch-packages.sh $arch first"

root="$out/root"
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules,tests}
dpkg-deb --fsys-tarfile "${busyboxes[-1]}" | tar -x -O ./bin/busybox >"$root/bin/busybox"
chmod 755 "$root/bin/busybox"
[[ -f $kernel/configfs.ko ]] && cp "$kernel/configfs.ko" "$root/lib/modules/"
cp "$HWTEST_CACHE/modules/$release/gpio-sim.ko" "$root/lib/modules/"
install -m 755 "$here/guest-init.sh" "$root/init"
cp -a "$tests/." "$root/tests/"

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initramfs.cpio.gz"
cp "$kernel/vmlinuz" "$out/vmlinuz"
rm -rf "$root"
log "$arch: initramfs is $(du -h "$out/initramfs.cpio.gz" | cut -f1)"
