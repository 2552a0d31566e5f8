#!/usr/bin/env bash
# Download the Debian packages that one guest architecture needs into the
# cache, and print the guest kernel release (for example 6.1.0-57-amd64) as
# the last line of stdout.
#
# Usage: fetch-packages.sh ARCH
#
# Downloads come only from the host's configured apt sources. Packages
# already in the cache are not downloaded again. The kernel headers and
# linux-source (about 150 MB) are skipped when gpio-sim.ko for that kernel
# is already cached.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

arch=${1:?usage: fetch-packages.sh ARCH}
guest_settings "$arch"
debs="$HWTEST_CACHE/debs"
mkdir -p "$debs"

# download fetches packages (name:arch or name=version) unless the file apt
# would write is already in $debs.
download() {
	local uris wanted=()
	uris=$(apt_private apt-get --print-uris download "$@" 2>/dev/null) ||
		die "not found by apt: one of $*. Refresh the package lists with HWTEST_APT_UPDATE=1."
	while read -r _ file _; do
		[[ -n $file && ! -f $debs/$file ]] && wanted+=("$file")
	done <<<"$uris"
	((${#wanted[@]})) || return 0
	log "downloading ${wanted[*]}" >&2
	(cd "$debs" && apt_private apt-get download -q "$@" 2>&1 | grep -v -e unsandboxed -e '^Get:' -e '^Fetched' >&2) || true
	for file in "${wanted[@]}"; do
		[[ -f $debs/$file ]] || die "download of $file failed; check that apt can reach its mirrors (apt-get update)"
	done
}

# The linux-image-<flavour> meta package depends on the current kernel.
release=$(apt_private apt-cache depends "linux-image-$KERNEL_FLAVOUR:$arch" |
	awk '/Depends: linux-image-[0-9]/ { sub(/^linux-image-/, "", $2); sub(/:.*/, "", $2); print $2; exit }')
[[ -n $release ]] || die "no linux-image-$KERNEL_FLAVOUR:$arch in the apt lists; refresh them with HWTEST_APT_UPDATE=1"
version=$(apt_private apt-cache show "linux-image-$release:$arch" | awk '/^Version:/ { print $2; exit }')
series=${release%%-*} # 6.1.0
series=${series%.*}   # 6.1

download "linux-image-$release:$arch" "busybox-static:$arch"
if [[ ! -f $HWTEST_CACHE/modules/$release/gpio-sim.ko ]]; then
	# The source must be the exact version of the kernel image: gpio-sim.ko
	# is built from it against that kernel's headers.
	download "linux-headers-$release:$arch" "linux-headers-${release%-*}-common" \
		"linux-kbuild-$series" "linux-source-$series=$version"
fi
echo "$release"
