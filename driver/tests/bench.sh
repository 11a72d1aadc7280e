#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: figures of the simulated host, each the median of 5 runs,
# and ratios between figures taken in this same run (never absolute
# thresholds: the machine varies, the ratios are what to compare).
set -euo pipefail
bench=${1:?usage: bench.sh VFIO-AP-BENCH}
runs=5
ops=400000

# median of the value printed for KEY by RUNS runs of the given command
median() {
	local key=$1
	shift
	local i v vals=()
	for ((i = 0; i < runs; i++)); do
		v=$("$@" | awk -v k="$key" '$1 == k { print $2 }') && [ -n "$v" ] ||
			{ echo "bench: '$*' failed" >&2; exit 1; }
		vals+=("$v")
	done
	printf '%s\n' "${vals[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo "# vfio-ap-stress bench: kernel $("${bench%-bench}-sim" --version), $(nproc) CPUs, median of $runs runs"
one=$(median ops_per_second "$bench" ops 1 $ops 4x16)
two=$(median ops_per_second "$bench" ops 2 $ops 4x16)
big=$(median ops_per_second "$bench" ops 1 $ops 256x256)
nold=$(median ops_per_second "$bench" ops 1 $ops 4x16 nolockdep)
printf 'sysfs stores/s, 1 thread, 4x16:          %10.0f\n' "$one"
printf 'sysfs stores/s, 2 threads, 4x16:         %10.0f  (ratio to 1 thread %.2f)\n' "$two" \
	"$(awk -v a="$two" -v b="$one" 'BEGIN { print a / b }')"
printf 'sysfs stores/s, 1 thread, 256x256:       %10.0f  (ratio to 4x16 %.2f)\n' "$big" \
	"$(awk -v a="$big" -v b="$one" 'BEGIN { print a / b }')"
printf 'sysfs stores/s, 1 thread, no validator:  %10.0f  (validator overhead: with/without %.2f)\n' "$nold" \
	"$(awk -v a="$one" -v b="$nold" 'BEGIN { print a / b }')"
for cfg in 4x16 256x256; do
	secs=$(median boot_seconds "$bench" boot "$cfg")
	kib=$(median peak_rss_kib "$bench" boot "$cfg")
	printf 'host start-up %-8s (all queues bound): %7.3f s, peak RSS %7d KiB\n' "$cfg" "$secs" "$kib"
done
