#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# First figures: sysfs-level driver operations per second (one thread),
# and host start-up time and peak memory for 4x16 and 256x256.
set -u
bin=${1:?usage: bench.sh VFIO-AP-SIM}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=2000
{
	echo "write /sys/bus/ap/apmask -1"
	echo "write /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create 12345678-0000-0000-0000-000000000001"
	for ((i = 0; i < n / 2; i++)); do
		echo "write /sys/devices/vfio_ap/matrix/12345678-0000-0000-0000-000000000001/assign_domain $((i % 16))"
		echo "write /sys/devices/vfio_ap/matrix/12345678-0000-0000-0000-000000000001/unassign_domain $((i % 16))"
	done
} >"$tmp/ops.vas"
echo >"$tmp/empty.vas"
t0=$(date +%s.%N)
"$bin" --script "$tmp/empty.vas" >/dev/null
t1=$(date +%s.%N)
"$bin" --script "$tmp/ops.vas" >/dev/null
t2=$(date +%s.%N)
base=$(echo "$t1 - $t0" | bc -l)
ops=$(echo "$n / (($t2 - $t1) - $base)" | bc -l)
printf 'sysfs store ops/s (assign/unassign_domain, 1 thread, 4x16): %.0f\n' "$ops"
for cfg in 4x16 256x256; do
	/usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" --config "$cfg" --script "$tmp/empty.vas" >/dev/null
	read -r secs kb <"$tmp/t"
	printf 'host start-up %-8s %6.2f s, peak RSS %6d KiB\n' "$cfg" "$secs" "$kb"
done
