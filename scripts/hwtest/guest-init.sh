#!/bin/busybox sh
# shellcheck shell=dash
# /init of the test guest. It loads configfs and gpio-sim, runs every test
# binary in /tests and prints one line per package for the host to collect:
#
#   HWTEST-RESULT <package> PASS|FAIL
#
# then powers the guest off. The kernel passes the command line's unknown
# name=value words to init as environment variables, which sets
# HWTEST_SERIAL (the test UART) and HWTEST_RUN (the go test -run pattern).
/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
echo "hwtest: guest kernel $(uname -r) on $(uname -m)"

for module in configfs gpio-sim; do
	# A kernel with configfs built in ships no configfs.ko.
	[ -f /lib/modules/$module.ko ] || continue
	if ! insmod /lib/modules/$module.ko; then
		echo "hwtest: insmod $module.ko failed"
		echo "HWTEST-DONE"
		poweroff -f
	fi
done
mount -t configfs configfs /sys/kernel/config

export HWTEST_SERIAL
while read -r binary package; do
	echo "hwtest: running $package"
	if "/tests/$binary" -test.v -test.count=1 -test.timeout=120s -test.run "$HWTEST_RUN" </dev/null; then
		echo "HWTEST-RESULT $package PASS"
	else
		echo "HWTEST-RESULT $package FAIL"
	fi
done </tests/packages
echo "HWTEST-DONE"
poweroff -f
