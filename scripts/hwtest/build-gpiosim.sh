#!/usr/bin/env bash
# Build the gpio-sim kernel module for one Debian guest kernel and cache it
# as $HWTEST_CACHE/modules/RELEASE/gpio-sim.ko.
#
# Usage: build-gpiosim.sh ARCH RELEASE
#
# Debian's kernels (bookworm 6.1 on amd64 and arm64) do not enable
# CONFIG_GPIO_SIM, so gpio-sim.c and the irq_sim.c it needs are built out of
# tree from the linux-source package of the same version, against that
# kernel's headers. fetch-packages.sh has downloaded both.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

arch=${1:?usage: build-gpiosim.sh ARCH RELEASE}
release=${2:?usage: build-gpiosim.sh ARCH RELEASE}
guest_settings "$arch"
debs="$HWTEST_CACHE/debs"
out="$HWTEST_CACHE/modules/$release"
if [[ -f $out/gpio-sim.ko ]]; then
	log "$arch: gpio-sim.ko for $release is cached"
	exit 0
fi

build=$(mktemp -d "${TMPDIR:-/tmp}/hwtest-gpiosim.XXXXXX")
trap 'rm -rf "$build"' EXIT
series=${release%%-*}
series=${series%.*}

# only_file prints the one cached .deb that matches a glob.
only_file() {
	# shellcheck disable=SC2206 # $1 is a glob to expand
	local files=("$debs"/$1)
	[[ -f ${files[0]} ]] || die "$1 is not in $debs; run fetch-packages.sh $arch first"
	echo "${files[-1]}"
}

log "$arch: building gpio-sim.ko for $release"

# The headers package, its common part and the host kbuild tools are
# unpacked side by side, as they would be installed under /usr.
for pattern in "linux-headers-${release}_*_$arch.deb" "linux-headers-${release%-*}-common_*.deb" \
	"linux-kbuild-${series}_*.deb"; do
	dpkg-deb -x "$(only_file "$pattern")" "$build/root"
done
headers="$build/root/usr/src/linux-headers-$release"
# Its Makefile includes the common part by absolute path under /usr.
sed -i "s|^include /usr/src/|include $build/root/usr/src/|" "$headers/Makefile"

# Take only the three needed files out of the 140 MB source tarball.
source_deb=$(only_file "linux-source-${series}_*.deb")
dpkg-deb --fsys-tarfile "$source_deb" | tar -x -C "$build" "./usr/src/linux-source-$series.tar.xz"
tar -xJf "$build/usr/src/linux-source-$series.tar.xz" -C "$build" \
	"linux-source-$series/drivers/gpio/gpio-sim.c" \
	"linux-source-$series/drivers/gpio/gpiolib.h" \
	"linux-source-$series/kernel/irq/irq_sim.c"
src="$build/linux-source-$series"
module="$build/module"
mkdir -p "$module"
cp "$src/drivers/gpio/gpio-sim.c" "$module/gpio-sim-main.c"
cp "$src/drivers/gpio/gpiolib.h" "$src/kernel/irq/irq_sim.c" "$module/"

# irq_sim.c calls irq_to_desc(), which the kernel does not export to
# modules. generic_handle_irq() looks up the same descriptor and runs the
# same handler.
sed -i 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' "$module/irq_sim.c"
grep -q 'generic_handle_irq(irqnum);' "$module/irq_sim.c" ||
	die "irq_sim.c of linux-source-$series has changed: adapt the irq_to_desc() patch in $0"
printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' >"$module/Kbuild"

# The kernel build names its compiler (gcc-12 for bookworm) in
# .kernelvariables, and a cross build prefixes it with CROSS_COMPILE.
compiler=$(sed -n 's/^CC = .*)\(gcc-[0-9]*\)$/\1/p' "$headers/.kernelvariables")
command -v "${CROSS_COMPILE}${compiler:-gcc}" >/dev/null ||
	die "${CROSS_COMPILE}${compiler:-gcc} is missing: install it with apt-get install ${compiler:-gcc}${CROSS_COMPILE:+-${CROSS_COMPILE%-}}"

# CONFIG_DEBUG_INFO_BTF_MODULES is cleared because the headers ship no
# vmlinux to take BTF type information from.
make -s -C "$headers" M="$module" CROSS_COMPILE="$CROSS_COMPILE" \
	CONFIG_DEBUG_INFO_BTF_MODULES= modules 2>&1 | grep -v 'Skipping BTF generation' || true
[[ -f $module/gpio-sim.ko ]] || die "gpio-sim.ko did not build for $release; see the compiler output above"
"${CROSS_COMPILE}strip" --strip-debug "$module/gpio-sim.ko"

mkdir -p "$out"
cp "$module/gpio-sim.ko" "$out/gpio-sim.ko.tmp"
mv "$out/gpio-sim.ko.tmp" "$out/gpio-sim.ko"
log "$arch: cached $out/gpio-sim.ko"
